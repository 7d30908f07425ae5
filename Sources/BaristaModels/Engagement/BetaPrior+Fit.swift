#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BetaPrior {
    /// Fits the prior by maximum marginal likelihood of the Beta-Binomial (empirical Bayes).
    ///
    /// Each observation contributes `ln B(α + s, β + n − s) − ln B(α, β)`; the binomial
    /// coefficient `ln C(n, s)` does not depend on α or β and is dropped, so the likelihood is
    /// correct up to that constant. The search runs over `(ln α, ln β)` with ``NelderMead``,
    /// starting from the method-of-moments estimate when it is valid.
    ///
    /// - Observations with `trials < 1` are ignored; successes are clipped to `[0, trials]`
    ///   (opens can exceed deliveries when a person opens one email twice).
    /// - No usable observation gives ``uniform``.
    /// - The result keeps `α + β ≤` ``maximumStrength`` and each shape `≥` ``minimumShape``:
    ///   data with no over-dispersion (all rates identical, all zero) push the likelihood
    ///   towards an infinitely strong prior, and the search stops at the cap instead. Data with
    ///   a single trial each cannot tell strengths apart at all; only the mean is then fitted,
    ///   and the strength stays near its start.
    ///
    /// The likelihood is evaluated from counts of distinct success, failure and trial values,
    /// so one evaluation costs `O(distinct values)`, however many observations there are.
    /// - Parameters:
    ///   - observations: One `(successes, trials)` pair per person.
    ///   - optimizer: The minimizer applied to the negative log-likelihood.
    /// - Returns: The fitted prior.
    public static func fit(
        _ observations: [(successes: Int, trials: Int)], optimizer: NelderMead = NelderMead()
    ) -> BetaPrior {
        let counts = BetaBinomialCounts(observations)
        guard counts.observations > 0 else { return .uniform }
        let start = counts.methodOfMoments().bounded
        let floor = log(minimumShape)
        let result = optimizer.minimize(from: [log(start.alpha), log(start.beta)]) { p in
            guard p[0] >= floor, p[1] >= floor, exp(p[0]) + exp(p[1]) <= maximumStrength else { return .nan }
            return -counts.logLikelihood(alpha: exp(p[0]), beta: exp(p[1]))
        }
        return BetaPrior(alpha: exp(result.point[0]), beta: exp(result.point[1])).bounded
    }

    /// The Beta-Binomial log marginal likelihood of `observations` under this prior, without
    /// the binomial coefficients, with the clipping and filtering of ``fit(_:optimizer:)``.
    ///
    /// - Parameter observations: One `(successes, trials)` pair per person.
    /// - Returns: `Σ ln B(α + s, β + n − s) − ln B(α, β)`.
    public func logMarginalLikelihood(_ observations: [(successes: Int, trials: Int)]) -> Double {
        BetaBinomialCounts(observations).logLikelihood(alpha: alpha, beta: beta)
    }

    /// This prior with each shape at least ``minimumShape`` and the strength at most
    /// ``maximumStrength`` (the mean kept when the strength is scaled down).
    var bounded: BetaPrior {
        var a = max(alpha, Self.minimumShape)
        var b = max(beta, Self.minimumShape)
        if a + b > Self.maximumStrength {
            let scale = Self.maximumStrength / (a + b)
            a = max(a * scale, Self.minimumShape)
            b = max(b * scale, Self.minimumShape)
            // Rounding may leave the sum a hair above the cap; take it from the larger shape.
            if a + b > Self.maximumStrength {
                if a > b { a = Self.maximumStrength - b } else { b = Self.maximumStrength - a }
            }
        }
        return BetaPrior(alpha: a, beta: b)
    }
}
