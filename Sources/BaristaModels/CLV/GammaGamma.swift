#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "The Gamma-Gamma
/// Model of Monetary Value").
///
/// A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers. The
/// model is fitted on repeat customers (`x > 0`) from their number of repeat purchases and the
/// mean value `m` of those purchases.
public struct GammaGamma: Sendable, Hashable {
    /// The shape `p` of each transaction's value.
    public var p: Double
    /// The shape `q` of the Gamma distribution of ν.
    public var q: Double
    /// The scale `γ` of the Gamma distribution of ν.
    public var gamma: Double
    /// The log-likelihood of the customers the model was fitted on (0 when built by hand).
    public var logLikelihood: Double

    /// Creates a model from known parameters.
    ///
    /// - Parameters:
    ///   - p: The transaction-value shape, > 0.
    ///   - q: The shape of ν, > 1 for a finite mean spend.
    ///   - gamma: The scale of ν, > 0.
    ///   - logLikelihood: The fit's log-likelihood, if any.
    public init(p: Double, q: Double, gamma: Double, logLikelihood: Double = 0) {
        self.p = p
        self.q = q
        self.gamma = gamma
        self.logLikelihood = logLikelihood
    }

    /// Fits the model by maximum likelihood over `(ln p, ln q, ln γ)`.
    ///
    /// Only customers with `x > 0` and a positive ``CLVCustomer/monetaryValue`` take part.
    /// - Parameters:
    ///   - customers: The calibration-period summaries.
    ///   - optimizer: The minimizer applied to the negative log-likelihood.
    /// - Returns: The fitted model, its ``logLikelihood`` set.
    public static func fit(customers: [CLVCustomer], optimizer: NelderMead = NelderMead()) -> GammaGamma {
        let groups = CLVGroup.grouped(customers.filter(Self.isEligible))
        let spends = groups.map(\.monetaryValue)
        let mean = spends.reduce(0, +) / Double(max(spends.count, 1))
        let start = [log(2.0), log(2.0), log(max(mean, 1e-3))]
        let result = optimizer.minimize(from: start) { v in
            -logLikelihood(groups, p: exp(v[0]), q: exp(v[1]), gamma: exp(v[2]))
        }
        let v = result.point.map { exp($0) }
        return GammaGamma(p: v[0], q: v[1], gamma: v[2], logLikelihood: -result.value)
    }

    /// The log-likelihood of the eligible `customers` (`x > 0`, positive spend).
    ///
    /// - Parameter customers: The calibration-period summaries.
    /// - Returns: The sum of the eligible customers' log-likelihoods.
    public func logLikelihood(of customers: [CLVCustomer]) -> Double {
        Self.logLikelihood(CLVGroup.grouped(customers.filter(Self.isEligible)), p: p, q: q, gamma: gamma)
    }

    /// The density of the mean spend `m` given `x` (the form `lifetimes` uses):
    /// `Γ(px+q) / (Γ(px) Γ(q)) · γ^q m^(px−1) x^(px) / (γ + m x)^(px+q)`.
    static func logLikelihood(_ groups: [CLVGroup], p: Double, q: Double, gamma: Double) -> Double {
        let shared = q * log(gamma) - SpecialFunctions.logGamma(q)
        var total = 0.0
        for group in groups {
            let x = Double(group.frequency)
            let m = group.monetaryValue
            let px = p * x
            let value = shared + SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px)
                + (px - 1) * log(m) + px * log(x) - (px + q) * log(gamma + m * x)
            total += Double(group.count) * value
        }
        return total
    }

    /// The expected mean transaction value of a customer with `x` repeat purchases of mean `m`:
    /// `p (γ + m x) / (p x + q − 1)`, a weighted mean of the population mean and `m`.
    ///
    /// - Parameters:
    ///   - x: The repeat purchases (0 gives the population mean `p γ / (q − 1)`).
    ///   - m: The mean value of those purchases.
    /// - Returns: E[M | x, m].
    public func conditionalExpectedAverageSpend(x: Int, m: Double) -> Double {
        let xd = Double(x)
        return p * (gamma + m * xd) / (p * xd + q - 1)
    }

    /// The discounted value of a customer's purchases over the next `months` months, as
    /// `lifetimes` computes it.
    ///
    /// Sums, for each month `k = 1…months`, the purchases the BG/NBD model expects in month `k`
    /// (the difference of the cumulative conditional expectations at `k` and `k − 1` months),
    /// times ``conditionalExpectedAverageSpend(x:m:)``, divided by `(1 + discountRate)^k`.
    /// - Parameters:
    ///   - customer: The customer's history; a missing spend counts as 0.
    ///   - model: The fitted BG/NBD model, in the same time unit as `customer`.
    ///   - months: The horizon in months (12 by default).
    ///   - discountRate: The monthly discount rate (0.01 by default).
    ///   - periodsPerMonth: Time units per month: 52/12 for weeks (the default), 1 for months.
    /// - Returns: The customer lifetime value in the unit of the spend.
    public func customerLifetimeValue(
        customer: CLVCustomer, model: BGNBD, months: Int = 12, discountRate: Double = 0.01,
        periodsPerMonth: Double = 52.0 / 12.0
    ) -> Double {
        let spend = conditionalExpectedAverageSpend(x: customer.frequency, m: customer.monetaryValue ?? 0)
        var value = 0.0
        var previous = 0.0
        for month in stride(from: 1, through: months, by: 1) {
            let cumulative = model.conditionalExpectedPurchases(
                t: Double(month) * periodsPerMonth, x: customer.frequency, tx: customer.recency, T: customer.age)
            value += spend * (cumulative - previous) / pow(1 + discountRate, Double(month))
            previous = cumulative
        }
        return value
    }

    private static func isEligible(_ customer: CLVCustomer) -> Bool {
        customer.frequency > 0 && (customer.monetaryValue ?? 0) > 0
    }
}
