/// The sufficient statistics of a Beta-Binomial likelihood: how many observations have each
/// success count, each failure count and each trial count.
///
/// `Σᵢ ln B(α + sᵢ, β + fᵢ) − ln B(α, β)` splits into
/// `Σₛ cₛ ln Γ(α + s) + Σ_f c_f ln Γ(β + f) − Σₙ cₙ ln Γ(α + β + n) − N ln B(α, β)`,
/// so an evaluation costs one `ln Γ` per distinct value rather than per observation.
struct BetaBinomialCounts {
    /// `(value, count)` of the clipped success counts.
    private(set) var successes: [(value: Int, count: Int)] = []
    /// `(value, count)` of the failure counts `trials − successes`.
    private(set) var failures: [(value: Int, count: Int)] = []
    /// `(value, count)` of the trial counts.
    private(set) var trials: [(value: Int, count: Int)] = []
    /// The observations kept (`trials ≥ 1`).
    private(set) var observations = 0
    /// The mean of the observed rates `s / n`.
    private(set) var meanRate = 0.0
    /// The population variance of the observed rates.
    private(set) var rateVariance = 0.0
    /// The mean of `1 / n`.
    private(set) var meanInverseTrials = 0.0

    /// Counts `observations`, ignoring those with `trials < 1` and clipping successes to
    /// `[0, trials]`.
    init(_ observations: [(successes: Int, trials: Int)]) {
        var s: [Int: Int] = [:]
        var f: [Int: Int] = [:]
        var n: [Int: Int] = [:]
        var sum = 0.0
        var sumSquares = 0.0
        var sumInverse = 0.0
        for observation in observations where observation.trials >= 1 {
            let (successes, trials) = BetaPrior.clipped(successes: observation.successes, trials: observation.trials)
            s[successes, default: 0] += 1
            f[trials - successes, default: 0] += 1
            n[trials, default: 0] += 1
            let rate = Double(successes) / Double(trials)
            sum += rate
            sumSquares += rate * rate
            sumInverse += 1 / Double(trials)
            self.observations += 1
        }
        guard self.observations > 0 else { return }
        let count = Double(self.observations)
        successes = s.map { (value: $0.key, count: $0.value) }.sorted { $0.value < $1.value }
        failures = f.map { (value: $0.key, count: $0.value) }.sorted { $0.value < $1.value }
        trials = n.map { (value: $0.key, count: $0.value) }.sorted { $0.value < $1.value }
        meanRate = sum / count
        rateVariance = max(sumSquares / count - meanRate * meanRate, 0)
        meanInverseTrials = sumInverse / count
    }

    /// The log marginal likelihood at `(α, β)`, without the binomial coefficients.
    func logLikelihood(alpha: Double, beta: Double) -> Double {
        var total = -Double(observations) * SpecialFunctions.logBeta(alpha, beta)
        for (value, count) in successes { total += Double(count) * SpecialFunctions.logGamma(alpha + Double(value)) }
        for (value, count) in failures { total += Double(count) * SpecialFunctions.logGamma(beta + Double(value)) }
        for (value, count) in trials { total -= Double(count) * SpecialFunctions.logGamma(alpha + beta + Double(value)) }
        return total
    }

    /// A starting point for the search: the method-of-moments estimate, kept strictly inside
    /// the fit's bounds so a fresh simplex around it is evaluable.
    ///
    /// With rates `rᵢ = sᵢ / nᵢ` of mean μ, `Var(rᵢ) = μ(1 − μ)(1/nᵢ + (1 − 1/nᵢ) ρ)` where
    /// `ρ = 1 / (α + β + 1)`; averaging over `i` and solving gives ρ, hence the strength
    /// `1/ρ − 1`. When ρ falls outside (0, 1) (less spread than binomial noise alone, or every
    /// observation a single trial) the start is the mean rate with strength 2.
    func methodOfMoments() -> BetaPrior {
        let mean = min(max(meanRate, 0.01), 0.99)
        var strength = 2.0
        let binomial = mean * (1 - mean)
        if meanInverseTrials < 1 {
            let rho = (rateVariance / binomial - meanInverseTrials) / (1 - meanInverseTrials)
            if rho > 0, rho < 1 { strength = 1 / rho - 1 }
        }
        strength = min(max(strength, 0.1), BetaPrior.maximumStrength / 2)
        return BetaPrior(alpha: mean * strength, beta: (1 - mean) * strength)
    }
}
