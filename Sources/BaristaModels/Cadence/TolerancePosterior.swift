#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The posterior over one person's weekly email tolerance `T`, on a log-spaced grid (the
/// first step of ``CadenceModel``).
///
/// The log-posterior of each grid point `T` sums four terms:
/// - the prior, `log T ~ Normal(log startingCadence, tolerancePriorSpread²)`;
/// - the stated preference, if any: `log stated ~ Normal(log T, statedSpread²)`;
/// - the opens: at weekly send level `s` each email is opened with chance `o · g_s(T)`,
///   `g_s(T) = min(1, T / s)^saturationExponent`; the binomial likelihood of the opens at
///   every level is averaged over the open propensity `o` under the site's open prior
///   (``OpenLikelihood``), so only the *differences* of open rates between send levels speak
///   about `T`, and more surely for people who open a lot;
/// - the weeks survived: `Σ_weeks log(1 − h(s_week, T))`, with the model's hazard `h`.
struct TolerancePosterior {
    /// The grid of tolerances, ascending.
    let tolerances: [Double]
    /// The posterior probability of each grid point; they sum to 1.
    let weights: [Double]
    /// The history's weeks with sends, grouped by send level, ascending.
    let levels: [OpenLikelihood.Level]

    /// The grid: 20 points from 0.4 to 0.4 · 1.2^19 ≈ 12.8 emails a week.
    static let grid = (0..<20).map { 0.4 * pow(1.2, Double($0)) }
    /// The logarithms of the grid points.
    static let logGrid = grid.map { log($0) }

    /// The posterior of `history` under `model`.
    ///
    /// - Parameters:
    ///   - history: The person's weekly history and stated preference.
    ///   - model: The model whose priors, saturation and hazard are used.
    init(history: EmailHistory, model: CadenceModel) {
        let opens = OpenLikelihood(weeks: history.weeks, prior: model.engagement.open)
        let top = Double(opens.levels.last?.sends ?? 0)
        let unsaturated = opens.logLikelihood(factors: opens.levels.map { _ in 1 })
        let logs = Self.grid.indices.map { i in
            let t = Self.grid[i]
            let fromOpens = t >= top ? unsaturated
                : opens.logLikelihood(factors: opens.levels.map { model.openFactor(sends: Double($0.sends), tolerance: t) })
            return Self.logPrior(Self.logGrid[i], stated: history.statedFrequencyPerWeek, model)
                + Self.logSurvival(t, opens.levels, model) + fromOpens
        }
        let peak = logs.max() ?? 0
        let likelihoods = logs.map { exp($0 - peak) }
        let sum = likelihoods.reduce(0, +)
        tolerances = Self.grid
        weights = likelihoods.map { $0 / sum }
        levels = opens.levels
    }

    /// The log prior of `log T`, with the stated preference if any (up to a constant).
    static func logPrior(_ logT: Double, stated: Double?, _ model: CadenceModel) -> Double {
        let z = (logT - log(Double(max(model.startingCadence, 1)))) / model.tolerancePriorSpread
        guard let stated else { return -0.5 * z * z }
        let zs = (log(max(stated, 0.5)) - logT) / model.statedSpread
        return -0.5 * (z * z + zs * zs)
    }

    /// The log-probability of surviving every week of `levels` without an unsubscribe at tolerance `t`.
    static func logSurvival(_ t: Double, _ levels: [OpenLikelihood.Level], _ model: CadenceModel) -> Double {
        levels.reduce(0) { $0 + Double($1.weeks) * log(1 - model.hazard(sends: Double($1.sends), tolerance: t)) }
    }

    /// The posterior median tolerance.
    var median: Double { quantile(0.5) }

    /// The smallest grid tolerance whose posterior probability of `T ≤` it reaches `u`.
    func quantile(_ u: Double) -> Double {
        var cumulative = 0.0
        for i in weights.indices {
            cumulative += weights[i]
            if cumulative >= u { return tolerances[i] }
        }
        return tolerances.last ?? 0
    }

    /// The posterior mean of `f(T)`.
    func expectation(_ f: (Double) -> Double) -> Double {
        var total = 0.0
        for i in weights.indices where weights[i] > 1e-9 {
            total += weights[i] * f(tolerances[i])
        }
        return total
    }
}
