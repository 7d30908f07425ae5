/// One customer's purchase history summarised for the BG/NBD and Gamma-Gamma models.
///
/// All times share one unit (weeks in CDNOW and in `barista clv fit --transactions`), measured
/// from the customer's first purchase.
public struct CLVCustomer: Sendable, Hashable {
    /// The number of repeat purchases `x` (purchases after the first).
    public var frequency: Int
    /// The time of the last purchase `tₓ` (0 when `x = 0`).
    public var recency: Double
    /// The customer's age `T`: the time from the first purchase to the end of observation.
    public var age: Double
    /// The mean value of the repeat purchases `m`, when known (unused when `x = 0`).
    public var monetaryValue: Double?

    /// Creates a customer summary.
    ///
    /// - Parameters:
    ///   - frequency: The repeat purchases `x`.
    ///   - recency: The time of the last purchase `tₓ`.
    ///   - age: The time from the first purchase to the end of observation `T`.
    ///   - monetaryValue: The mean value of the repeat purchases, when known.
    public init(frequency: Int, recency: Double, age: Double, monetaryValue: Double? = nil) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.monetaryValue = monetaryValue
    }
}
