/// A point estimate with a confidence interval, as the experiment report's
/// `uplift: {estimate, low, high}` carries it.
public struct Uplift: Sendable, Hashable, Codable {
    /// The point estimate.
    public var estimate: Double
    /// The interval's lower end.
    public var low: Double
    /// The interval's upper end.
    public var high: Double

    /// An estimate and its interval, `low ≤ estimate ≤ high`.
    public init(estimate: Double, low: Double, high: Double) {
        self.estimate = estimate
        self.low = low
        self.high = high
    }

    /// Whether the interval excludes zero: the difference is significant at the interval's level.
    public var excludesZero: Bool { low > 0 || high < 0 }
}
