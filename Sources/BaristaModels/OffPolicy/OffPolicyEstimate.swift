/// An off-policy estimate of a policy's mean reward per round, with a 95% interval.
///
/// Every estimator here is a mean of per-round contributions (or, for SNIPS, linearised into
/// one by the delta method); the interval is estimate ± 1.96 × their standard error
/// (sample standard deviation / √rounds): a normal approximation, fine for thousands of rounds,
/// optimistic for a few dozen or when a handful of huge weights dominate (watch
/// ``effectiveSampleSize``).
public struct OffPolicyEstimate: Sendable, Hashable {
    /// The estimated mean reward per round.
    public var estimate: Double
    /// The standard error of ``estimate``.
    public var standardError: Double
    /// How many rounds it is based on.
    public var rounds: Int
    /// Kish's effective sample size of the importance weights, (Σw)² / Σw²: `rounds` when the
    /// target policy is the logging one, far fewer when a few rounds carry most of the weight.
    public var effectiveSampleSize: Double

    /// The normal quantile of a two-sided 95% interval.
    public static let z95 = 1.959963984540054

    /// The lower end of the 95% interval.
    public var low: Double { estimate - Self.z95 * standardError }
    /// The upper end of the 95% interval.
    public var high: Double { estimate + Self.z95 * standardError }

    /// An estimate.
    public init(estimate: Double, standardError: Double, rounds: Int, effectiveSampleSize: Double) {
        self.estimate = estimate
        self.standardError = standardError
        self.rounds = rounds
        self.effectiveSampleSize = effectiveSampleSize
    }

    /// The mean of per-round contributions with its standard error.
    init(contributions: [Double], effectiveSampleSize: Double) {
        let n = Double(contributions.count)
        let mean = n > 0 ? contributions.reduce(0, +) / n : 0
        let variance = n > 1 ? contributions.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        self.init(estimate: mean, standardError: (variance / max(n, 1)).squareRoot(), rounds: contributions.count,
                  effectiveSampleSize: effectiveSampleSize)
    }
}
