#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The beta-geometric/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your
/// Customers the Easy Way").
///
/// While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
/// purchase they drop out with probability p ~ Beta(a, b). ``fit(customers:optimizer:)`` finds
/// the maximum-likelihood parameters; the other methods are the paper's predictions.
public struct BGNBD: Sendable, Hashable {
    /// The shape `r` of the Gamma distribution of purchase rates.
    public var r: Double
    /// The scale `α` of the Gamma distribution of purchase rates.
    public var alpha: Double
    /// The first shape `a` of the Beta distribution of dropout probabilities.
    public var a: Double
    /// The second shape `b` of the Beta distribution of dropout probabilities.
    public var b: Double
    /// The log-likelihood of the customers the model was fitted on (0 when built by hand).
    public var logLikelihood: Double

    /// Creates a model from known parameters.
    ///
    /// - Parameters:
    ///   - r: The Gamma shape, > 0.
    ///   - alpha: The Gamma scale, > 0.
    ///   - a: The first Beta shape, > 0.
    ///   - b: The second Beta shape, > 0.
    ///   - logLikelihood: The fit's log-likelihood, if any.
    public init(r: Double, alpha: Double, a: Double, b: Double, logLikelihood: Double = 0) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
        self.logLikelihood = logLikelihood
    }

    /// Fits the model by maximum likelihood over `(ln r, ln α, ln a, ln b)`.
    ///
    /// - Parameters:
    ///   - customers: The calibration-period summaries.
    ///   - optimizer: The minimizer applied to the negative log-likelihood.
    /// - Returns: The fitted model, its ``logLikelihood`` set.
    public static func fit(customers: [CLVCustomer], optimizer: NelderMead = NelderMead()) -> BGNBD {
        let groups = CLVGroup.grouped(customers)
        // A data-driven start: α near the mean age over the mean frequency, the rest moderate.
        let meanAge = customers.reduce(0) { $0 + $1.age } / Double(max(customers.count, 1))
        let meanFrequency = customers.reduce(0) { $0 + Double($1.frequency) } / Double(max(customers.count, 1))
        let start = [log(0.5), log(max(meanAge / max(meanFrequency, 0.1), 1e-3) * 0.5), log(1.0), log(2.0)]
        let result = optimizer.minimize(from: start) { p in
            -logLikelihood(groups, r: exp(p[0]), alpha: exp(p[1]), a: exp(p[2]), b: exp(p[3]))
        }
        let p = result.point.map { exp($0) }
        return BGNBD(r: p[0], alpha: p[1], a: p[2], b: p[3], logLikelihood: -result.value)
    }

    /// The log-likelihood of `customers` under this model's parameters.
    ///
    /// - Parameter customers: The calibration-period summaries.
    /// - Returns: The sum of the customers' log-likelihoods.
    public func logLikelihood(of customers: [CLVCustomer]) -> Double {
        Self.logLikelihood(CLVGroup.grouped(customers), r: r, alpha: alpha, a: a, b: b)
    }

    /// The paper's equation (6) as `ln A₁ + ln(A₂ + δₓ₍>₀₎ A₃)`, the sum taken in log space.
    static func logLikelihood(_ groups: [CLVGroup], r: Double, alpha: Double, a: Double, b: Double) -> Double {
        let shared = r * log(alpha) - SpecialFunctions.logGamma(r) + SpecialFunctions.logGamma(a + b) - SpecialFunctions.logGamma(b)
        var total = 0.0
        for group in groups {
            let x = Double(group.frequency)
            let lnA1 = shared + SpecialFunctions.logGamma(r + x) + SpecialFunctions.logGamma(b + x) - SpecialFunctions.logGamma(a + b + x)
            let lnA2 = -(r + x) * log(alpha + group.age)
            var value = lnA2
            if group.frequency > 0 {
                let lnA3 = log(a) - log(b + x - 1) - (r + x) * log(alpha + group.recency)
                value = SpecialFunctions.logSumExp(lnA2, lnA3)
            }
            total += Double(group.count) * (lnA1 + value)
        }
        return total
    }

    /// The probability that a customer with history `(x, tₓ, T)` is still alive (equation 11).
    ///
    /// It is 1 for a customer who never bought again (`x = 0`): in BG/NBD a customer can only
    /// drop out right after a purchase.
    /// - Parameters:
    ///   - x: The repeat purchases.
    ///   - tx: The time of the last purchase.
    ///   - T: The customer's age.
    /// - Returns: P(alive | x, tₓ, T).
    public func probabilityAlive(x: Int, tx: Double, T: Double) -> Double {
        guard x > 0 else { return 1 }
        return 1 / (1 + deadOdds(x: x, tx: tx, T: T))
    }

    /// The expected number of purchases in `(0, t]` of a customer just acquired (equation 9).
    ///
    /// - Parameter t: The length of the period; requires `a > 1` for a finite mean.
    /// - Returns: E[X(t)].
    public func expectedPurchases(t: Double) -> Double {
        guard t > 0 else { return 0 }
        let z = t / (alpha + t)
        let hyper = SpecialFunctions.hypergeometric2F1(r, b, a + b - 1, z)
        return (a + b - 1) / (a - 1) * (1 - pow(alpha / (alpha + t), r) * hyper)
    }

    /// The expected number of purchases in the next `t` of a customer with history
    /// `(x, tₓ, T)` (equation 10).
    ///
    /// - Parameters:
    ///   - t: The length of the future period.
    ///   - x: The repeat purchases.
    ///   - tx: The time of the last purchase.
    ///   - T: The customer's age.
    /// - Returns: E[Y(t) | x, tₓ, T].
    public func conditionalExpectedPurchases(t: Double, x: Int, tx: Double, T: Double) -> Double {
        guard t > 0 else { return 0 }
        let xd = Double(x)
        let z = t / (alpha + T + t)
        let hyper = SpecialFunctions.hypergeometric2F1(r + xd, b + xd, a + b + xd - 1, z)
        let numerator = (a + b + xd - 1) / (a - 1) * (1 - exp((r + xd) * log((alpha + T) / (alpha + T + t))) * hyper)
        return numerator / (1 + (x > 0 ? deadOdds(x: x, tx: tx, T: T) : 0))
    }

    /// `a / (b + x − 1) · ((α + T) / (α + tₓ))^(r + x)`, the odds that the customer has dropped out.
    private func deadOdds(x: Int, tx: Double, T: Double) -> Double {
        let xd = Double(x)
        return exp(log(a) - log(b + xd - 1) + (r + xd) * log((alpha + T) / (alpha + tx)))
    }
}
