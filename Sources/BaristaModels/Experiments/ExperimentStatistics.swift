#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The statistics of an experiment report: uplifts with intervals, the probability that each arm
/// is best, and the sample-ratio-mismatch test. Pure functions of ``VariantOutcome`` sums.
public enum ExperimentStatistics {
    /// The two-sided 95% standard normal quantile, `Φ⁻¹(0.975)`.
    public static let z95 = 1.959963984540054

    /// The relative uplift of a variant's conversion rate over the control's,
    /// `rate_variant / rate_control − 1`, with a confidence interval by the delta method on the
    /// log of the ratio.
    ///
    /// With `x` conversions out of `n` exposures per arm, `Var(ln p̂) ≈ (1 − p) / (n p) = 1/x − 1/n`,
    /// so `se = √(1/x_v − 1/n_v + 1/x_c − 1/n_c)` and the interval is
    /// `exp(ln(p̂_v / p̂_c) ± z · se) − 1`: asymmetric, and never below −1.
    /// When the variant has no conversion the estimate is −1 and the upper end uses half a
    /// conversion in its place (Haldane's correction); the lower end is then −1.
    ///
    /// - Parameters:
    ///   - variant: The variant's sums.
    ///   - control: The control's sums.
    ///   - z: The normal quantile of the interval; ``z95`` for a two-sided 95% interval.
    /// - Returns: nil when the control has no conversions (the ratio is undefined) or either arm
    ///   has no exposures.
    public static func relativeUplift(of variant: VariantOutcome, over control: VariantOutcome, z: Double = z95) -> Uplift? {
        guard control.conversions > 0, control.exposures > 0, variant.exposures > 0 else { return nil }
        let nv = Double(variant.exposures), nc = Double(control.exposures)
        let xc = Double(control.conversions)
        let xv = variant.conversions > 0 ? Double(variant.conversions) : 0.5
        let logRatio = log((xv / nv) / (xc / nc))
        let standardError = max(0, 1 / xv - 1 / nv + 1 / xc - 1 / nc).squareRoot()
        let high = exp(logRatio + z * standardError) - 1
        guard variant.conversions > 0 else { return Uplift(estimate: -1, low: -1, high: high) }
        return Uplift(estimate: exp(logRatio) - 1, low: exp(logRatio - z * standardError) - 1, high: high)
    }

    /// The absolute difference of conversion rates, `rate_variant − rate_control`, with
    /// Newcombe's hybrid score interval (his method 10, 1998).
    ///
    /// Each rate gets its Wilson score interval `(l, u)`; with `d = p̂_v − p̂_c` the interval is
    /// `d − √((p̂_v − l_v)² + (u_c − p̂_c)²)` to `d + √((u_v − p̂_v)² + (p̂_c − l_c)²)`. Unlike the
    /// Wald interval it stays inside [−1, 1] and behaves with zero or all conversions.
    ///
    /// - Parameters:
    ///   - variant: The variant's sums.
    ///   - control: The control's sums.
    ///   - z: The normal quantile of the interval; ``z95`` for a two-sided 95% interval.
    /// - Returns: nil when either arm has no exposures.
    public static func absoluteUplift(of variant: VariantOutcome, over control: VariantOutcome, z: Double = z95) -> Uplift? {
        guard variant.exposures > 0, control.exposures > 0 else { return nil }
        let pv = variant.conversionRate, pc = control.conversionRate
        let (lv, uv) = wilsonInterval(conversions: variant.conversions, exposures: variant.exposures, z: z)
        let (lc, uc) = wilsonInterval(conversions: control.conversions, exposures: control.exposures, z: z)
        let difference = pv - pc
        let low = difference - ((pv - lv) * (pv - lv) + (uc - pc) * (uc - pc)).squareRoot()
        let high = difference + ((uv - pv) * (uv - pv) + (pc - lc) * (pc - lc)).squareRoot()
        return Uplift(estimate: difference, low: low, high: high)
    }

    /// The Wilson score interval of a binomial proportion:
    /// `(p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)`.
    ///
    /// - Parameters:
    ///   - conversions: Successes, `0...exposures`.
    ///   - exposures: Trials, `> 0`.
    ///   - z: The normal quantile; ``z95`` for 95%.
    /// - Returns: The interval's ends, within [0, 1].
    public static func wilsonInterval(conversions: Int, exposures: Int, z: Double = z95) -> (low: Double, high: Double) {
        precondition(exposures > 0, "a proportion needs at least one trial")
        let n = Double(exposures), p = Double(conversions) / n, z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let halfWidth = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        return (max(0, centre - halfWidth), min(1, centre + halfWidth))
    }

    /// The difference of revenue per exposure, `mean_variant − mean_control`, with a Welch
    /// (unequal variances) normal interval `d ± z √(s²_v/n_v + s²_c/n_c)` from the arms' revenue
    /// sums and sums of squares.
    ///
    /// - Parameters:
    ///   - variant: The variant's sums.
    ///   - control: The control's sums.
    ///   - z: The normal quantile of the interval; ``z95`` for a two-sided 95% interval.
    /// - Returns: nil when either arm has fewer than two exposures.
    public static func revenueDifference(of variant: VariantOutcome, over control: VariantOutcome, z: Double = z95) -> Uplift? {
        guard let sv = variant.revenueVariance, let sc = control.revenueVariance else { return nil }
        let difference = variant.revenuePerExposure - control.revenuePerExposure
        let standardError = (sv / Double(variant.exposures) + sc / Double(control.exposures)).squareRoot()
        return Uplift(estimate: difference, low: difference - z * standardError, high: difference + z * standardError)
    }
}
