/// One customer's outlook from fitted BG/NBD and Gamma-Gamma models: whether they are still
/// buying, how much they will buy in the next 90 days, and what that is worth in 12 months.
public struct CustomerPrediction: Sendable, Hashable {
    /// The probability that the customer is still alive (``BGNBD/probabilityAlive(x:tx:T:)``).
    public var pAlive: Double
    /// The purchases expected in the next 90 days.
    public var expectedPurchases90d: Double
    /// The undiscounted value of the purchases expected in the next 12 months (365.25 days), or
    /// `nil` when there is no spend estimate for the customer (see
    /// ``predict(bgnbd:gammaGamma:customer:periodDays:)``).
    public var clv12m: Double?

    /// Creates a prediction from its parts.
    ///
    /// - Parameters:
    ///   - pAlive: The probability that the customer is alive.
    ///   - expectedPurchases90d: The purchases expected in the next 90 days.
    ///   - clv12m: The value of the purchases expected in the next 12 months, if known.
    public init(pAlive: Double, expectedPurchases90d: Double, clv12m: Double?) {
        self.pAlive = pAlive
        self.expectedPurchases90d = expectedPurchases90d
        self.clv12m = clv12m
    }

    /// The days in the 12-month horizon of ``clv12m``.
    public static let daysIn12Months = 365.25

    /// Predicts one customer's outlook.
    ///
    /// The horizons, 90 days and 365.25 days, are converted into the models' time unit:
    /// `periodDays` days each (7 when frequency, recency and age are in weeks, as in CDNOW).
    /// ``clv12m`` is the BG/NBD conditional expected purchases over 12 months times the
    /// Gamma-Gamma conditional expected spend per purchase, undiscounted. A customer with no
    /// repeat purchase, or without a positive ``CLVCustomer/monetaryValue``, is valued at the
    /// population mean spend `p γ / (q − 1)`; that mean is finite only when `q > 1`, so with
    /// `q ≤ 1`, or with no Gamma-Gamma model at all, ``clv12m`` is `nil`: without a spend
    /// model there is nothing to multiply the expected purchases by.
    /// - Parameters:
    ///   - bgnbd: The fitted purchase model, in the unit of `customer`.
    ///   - gammaGamma: The fitted spend model, if any.
    ///   - customer: The customer's history, in units of `periodDays` days.
    ///   - periodDays: The length in days of the models' time unit, > 0.
    /// - Returns: The customer's prediction.
    public static func predict(
        bgnbd: BGNBD, gammaGamma: GammaGamma?, customer: CLVCustomer, periodDays: Double
    ) -> CustomerPrediction {
        precondition(periodDays > 0, "periodDays must be positive")
        let (x, tx, T) = (customer.frequency, customer.recency, customer.age)
        let purchases12m = bgnbd.conditionalExpectedPurchases(t: daysIn12Months / periodDays, x: x, tx: tx, T: T)
        return CustomerPrediction(
            pAlive: bgnbd.probabilityAlive(x: x, tx: tx, T: T),
            expectedPurchases90d: bgnbd.conditionalExpectedPurchases(t: 90 / periodDays, x: x, tx: tx, T: T),
            clv12m: gammaGamma.flatMap { spend(of: customer, under: $0) }.map { purchases12m * $0 })
    }

    /// The Gamma-Gamma expected spend per purchase of `customer`, or `nil` when not finite.
    private static func spend(of customer: CLVCustomer, under model: GammaGamma) -> Double? {
        let m = customer.monetaryValue ?? 0
        let own = customer.frequency > 0 && m > 0
        if !own && model.q <= 1 { return nil }
        // x = 0 gives the population mean p γ / (q − 1).
        let spend = model.conditionalExpectedAverageSpend(x: own ? customer.frequency : 0, m: own ? m : 0)
        return spend.isFinite && spend >= 0 ? spend : nil
    }
}
