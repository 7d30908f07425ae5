extension ExperimentStatistics {
    /// The p-value of a sample-ratio-mismatch test: Pearson's chi-square goodness of fit of the
    /// observed exposures to the shares the allocation asked for.
    ///
    /// With `N` exposures in all and shares `wᵢ / Σw`, the expected counts are `Eᵢ = N wᵢ / Σw`,
    /// `χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ` over the arms of positive weight, and the p-value is the
    /// chi-square survival function with `k − 1` degrees of freedom. A small value (the usual
    /// alarm is below 0.001) says the assignment or the exposure logging is broken, not that a
    /// variant is better.
    ///
    /// - Parameters:
    ///   - exposures: Observed exposures per arm, the control included.
    ///   - weights: The allocation's weight per arm in the same order (any scale: percentages,
    ///     fractions), `≥ 0`.
    /// - Returns: nil when there are no exposures or fewer than two arms of positive weight;
    ///   0 when an arm of zero weight has exposures (that cannot happen by chance).
    public static func sampleRatioMismatchPValue(exposures: [Int], weights: [Double]) -> Double? {
        precondition(exposures.count == weights.count, "one weight per arm")
        let total = exposures.reduce(0, +)
        let weightSum = weights.reduce(0) { $0 + max(0, $1) }
        let armsWithWeight = weights.filter { $0 > 0 }.count
        guard total > 0, armsWithWeight > 1, weightSum > 0 else { return nil }
        var chiSquare = 0.0
        for (observed, weight) in zip(exposures, weights) {
            guard weight > 0 else {
                if observed > 0 { return 0 }
                continue
            }
            let expected = Double(total) * weight / weightSum
            let difference = Double(observed) - expected
            chiSquare += difference * difference / expected
        }
        return chiSquareSurvival(chiSquare, degreesOfFreedom: armsWithWeight - 1)
    }

    /// The survival function of the chi-square distribution, `P(X > x)` for `X ~ χ²(df)`:
    /// the regularized upper incomplete gamma function `Q(df / 2, x / 2)`.
    ///
    /// - Parameters:
    ///   - x: The statistic; values `≤ 0` give 1.
    ///   - degreesOfFreedom: `> 0`.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom: Int) -> Double {
        precondition(degreesOfFreedom > 0, "degrees of freedom must be positive")
        return SpecialFunctions.regularizedUpperIncompleteGamma(Double(degreesOfFreedom) / 2, max(0, x) / 2)
    }
}
