/// What one arm of an experiment (a variant, or the control) has gathered so far: the sums its
/// report is computed from.
///
/// Revenue is counted per exposure: an exposure's revenue is everything its goal attributed to
/// it (zero when it did not convert), `revenue` is the sum of those values and `revenueSquares`
/// the sum of their squares, so the per-exposure variance follows without keeping every value.
/// An exposure that converted twice contributes the square of its total, not two squares.
public struct VariantOutcome: Sendable, Hashable, Codable {
    /// How many exposures (decisions shown) the arm had.
    public var exposures: Int
    /// How many of those exposures converted (at most one conversion per exposure).
    public var conversions: Int
    /// The sum over exposures of the revenue each one brought.
    public var revenue: Double
    /// The sum over exposures of the square of the revenue each one brought.
    public var revenueSquares: Double

    /// An arm's sums, as the engine counted them.
    ///
    /// - Parameters:
    ///   - exposures: Exposures, `≥ 0`.
    ///   - conversions: Converted exposures, `0...exposures`.
    ///   - revenue: Sum of per-exposure revenue.
    ///   - revenueSquares: Sum of squared per-exposure revenue.
    public init(exposures: Int, conversions: Int, revenue: Double = 0, revenueSquares: Double = 0) {
        precondition(exposures >= 0 && (0...max(exposures, 0)).contains(conversions), "conversions must be within 0...exposures")
        self.exposures = exposures
        self.conversions = conversions
        self.revenue = revenue
        self.revenueSquares = revenueSquares
    }

    /// Adds one exposure that brought `revenue` (zero when it did not convert): a conversion is
    /// counted when `converted` is true.
    public mutating func record(converted: Bool, revenue: Double = 0) {
        exposures += 1
        if converted { conversions += 1 }
        self.revenue += revenue
        revenueSquares += revenue * revenue
    }

    /// Conversions per exposure; 0 when the arm has no exposures yet.
    public var conversionRate: Double {
        exposures > 0 ? Double(conversions) / Double(exposures) : 0
    }

    /// Revenue per exposure; 0 when the arm has no exposures yet.
    public var revenuePerExposure: Double {
        exposures > 0 ? revenue / Double(exposures) : 0
    }

    /// The sample variance (divisor `n − 1`) of per-exposure revenue, from the two sums; nil with
    /// fewer than two exposures.
    public var revenueVariance: Double? {
        guard exposures > 1 else { return nil }
        let n = Double(exposures)
        let mean = revenue / n
        return max(0, (revenueSquares - n * mean * mean) / (n - 1))
    }
}
