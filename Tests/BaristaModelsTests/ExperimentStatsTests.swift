import Foundation
import Testing
@testable import BaristaModels

@Suite struct ExperimentStatsTests {
    let control = VariantOutcome(exposures: 1000, conversions: 50)
    let variantB = VariantOutcome(exposures: 1000, conversions: 65)

    @Test func ratesArePerExposure() {
        var outcome = VariantOutcome(exposures: 0, conversions: 0)
        #expect(outcome.conversionRate == 0 && outcome.revenuePerExposure == 0 && outcome.revenueVariance == nil)
        // Given four exposures: revenues 10, 0, 30, 0 (two conversions)
        for revenue in [10.0, 0, 30, 0] { outcome.record(converted: revenue > 0, revenue: revenue) }
        // Then rate 2/4, revenue 40/4 = 10 per exposure, squares 100 + 900 = 1000,
        // variance (1000 − 4 · 10²) / 3 = 200
        #expect(outcome == VariantOutcome(exposures: 4, conversions: 2, revenue: 40, revenueSquares: 1000))
        #expect(outcome.conversionRate == 0.5)
        #expect(outcome.revenuePerExposure == 10)
        #expect(abs(outcome.revenueVariance! - 200) < 1e-12)
        #expect(control.conversionRate == 0.05 && variantB.conversionRate == 0.065)
    }

    @Test func relativeUpliftHasADeltaMethodInterval() throws {
        // 0.065 / 0.05 − 1 = 0.30; ln 1.3 = 0.262364
        // Var ln ratio = 1/65 − 1/1000 + 1/50 − 1/1000 = 0.0153846 + 0.02 − 0.002 = 0.0333846
        // se = √0.0333846 = 0.182715; 1.959964 · se = 0.358114
        // low = exp(0.262364 − 0.358114) − 1 = exp(−0.095750) − 1 = −0.091309
        // high = exp(0.262364 + 0.358114) − 1 = exp(0.620478) − 1 = 0.859817
        let uplift = try #require(ExperimentStatistics.relativeUplift(of: variantB, over: control))
        #expect(abs(uplift.estimate - 0.30) < 1e-12)
        #expect(abs(uplift.low - -0.091309) < 1e-5)
        #expect(abs(uplift.high - 0.859817) < 1e-5)
        #expect(!uplift.excludesZero)
    }

    @Test func relativeUpliftNeedsControlConversions() throws {
        let empty = VariantOutcome(exposures: 1000, conversions: 0)
        #expect(ExperimentStatistics.relativeUplift(of: variantB, over: empty) == nil)
        #expect(ExperimentStatistics.relativeUplift(of: variantB, over: VariantOutcome(exposures: 0, conversions: 0)) == nil)
        // A variant without conversions: estimate −1, upper end with half a conversion:
        // ln((0.5/1000)/0.05) = ln 0.01 = −4.605170; se = √(2 − 0.001 + 0.02 − 0.001) = √2.018 = 1.420563
        // high = exp(−4.605170 + 1.959964 · 1.420563) − 1 = exp(−1.820917) − 1 = −0.838123
        let none = try #require(ExperimentStatistics.relativeUplift(of: empty, over: control))
        #expect(none.estimate == -1 && none.low == -1)
        #expect(abs(none.high - -0.838123) < 1e-5)
    }

    @Test func absoluteUpliftHasANewcombeInterval() throws {
        // Wilson 95% for 65/1000: (0.051324, 0.082006); for 50/1000: (0.038130, 0.065314)
        // d = 0.015; low = 0.015 − √((0.065 − 0.051324)² + (0.065314 − 0.05)²) = 0.015 − 0.020532 = −0.005532
        // high = 0.015 + √((0.082006 − 0.065)² + (0.05 − 0.038130)²) = 0.015 + 0.020738 = 0.035738
        let wilson = ExperimentStatistics.wilsonInterval(conversions: 65, exposures: 1000)
        #expect(abs(wilson.low - 0.051324) < 1e-6 && abs(wilson.high - 0.082006) < 1e-6)
        let uplift = try #require(ExperimentStatistics.absoluteUplift(of: variantB, over: control))
        #expect(abs(uplift.estimate - 0.015) < 1e-12)
        #expect(abs(uplift.low - -0.005532) < 1e-6)
        #expect(abs(uplift.high - 0.035738) < 1e-6)
        #expect(ExperimentStatistics.absoluteUplift(of: variantB, over: VariantOutcome(exposures: 0, conversions: 0)) == nil)
    }

    @Test func revenueDifferenceIsWelch() throws {
        // Variant: 4 exposures, revenue 40, squares 1000 → mean 10, s² = 200
        // Control: 5 exposures, revenue 20, squares 200 → mean 4, s² = (200 − 5 · 16) / 4 = 30
        // se = √(200/4 + 30/5) = √56 = 7.483315; d = 6 ± 1.959964 · 7.483315 = 6 ± 14.667028
        let variant = VariantOutcome(exposures: 4, conversions: 2, revenue: 40, revenueSquares: 1000)
        let control = VariantOutcome(exposures: 5, conversions: 2, revenue: 20, revenueSquares: 200)
        let difference = try #require(ExperimentStatistics.revenueDifference(of: variant, over: control))
        #expect(abs(difference.estimate - 6) < 1e-12)
        #expect(abs(difference.low - (6 - 14.667028)) < 1e-5 && abs(difference.high - (6 + 14.667028)) < 1e-5)
    }

    @Test(arguments: [(3.841, 1, 0.050014), (5.991, 2, 0.050012), (11.07, 5, 0.050010),
                      (16.0, 1, 6.334248e-5), (60.0, 30, 9.206824e-4), (0.001, 1, 0.974773), (0.5, 30, 1.0)])
    func chiSquareSurvivalMatchesTables(x: Double, df: Int, expected: Double) {
        let p = ExperimentStatistics.chiSquareSurvival(x, degreesOfFreedom: df)
        #expect(abs(p - expected) / expected < 1e-4, "χ²(\(df)) survival at \(x) = \(p)")
    }

    @Test func chiSquareSurvivalKeepsTinyTailsAndEdges() {
        // χ²(10) at 100: 5.4497e-17 (the continued fraction keeps relative precision)
        let tail = ExperimentStatistics.chiSquareSurvival(100, degreesOfFreedom: 10)
        #expect(abs(tail - 5.449702e-17) / 5.449702e-17 < 1e-4)
        #expect(ExperimentStatistics.chiSquareSurvival(0, degreesOfFreedom: 3) == 1)
        #expect(ExperimentStatistics.chiSquareSurvival(.infinity, degreesOfFreedom: 3) == 0)
        // χ²(2) survival is exactly exp(−x/2)
        for x in [0.1, 1, 2.5, 7, 40] {
            #expect(abs(ExperimentStatistics.chiSquareSurvival(x, degreesOfFreedom: 2) - exp(-x / 2)) < 1e-13)
        }
    }

    @Test func sampleRatioMismatch() throws {
        // 5000/5000 at 50/50: χ² = 0, p = 1
        #expect(ExperimentStatistics.sampleRatioMismatchPValue(exposures: [5000, 5000], weights: [50, 50]) == 1)
        // 5200/4800: E = 5000 each, χ² = 200²/5000 · 2 = 16, df 1: p = erfc(√8) = 6.334e-5
        let skewed = try #require(ExperimentStatistics.sampleRatioMismatchPValue(exposures: [5200, 4800], weights: [0.5, 0.5]))
        #expect(abs(skewed - 6.334248e-5) / 6.334248e-5 < 1e-5)
        // 3 ways at 50/25/25 with 1950/1000/1050: E = 2000/1000/1000,
        // χ² = 50²/2000 + 0 + 50²/1000 = 1.25 + 2.5 = 3.75, df 2: p = exp(−1.875) = 0.153355
        let threeWay = try #require(ExperimentStatistics.sampleRatioMismatchPValue(exposures: [1950, 1000, 1050], weights: [50, 25, 25]))
        #expect(abs(threeWay - exp(-1.875)) < 1e-12)
    }

    @Test func sampleRatioMismatchEdges() {
        #expect(ExperimentStatistics.sampleRatioMismatchPValue(exposures: [0, 0], weights: [1, 1]) == nil)
        #expect(ExperimentStatistics.sampleRatioMismatchPValue(exposures: [10], weights: [1]) == nil)
        // A zero-weight arm with exposures cannot happen by chance
        #expect(ExperimentStatistics.sampleRatioMismatchPValue(exposures: [10, 10, 1], weights: [1, 1, 0]) == 0)
        // ... and without exposures it is left out (df stays 1)
        #expect(ExperimentStatistics.sampleRatioMismatchPValue(exposures: [10, 10, 0], weights: [1, 1, 0]) == 1)
    }

    @Test func identicalArmsAreEquallyLikelyBest() {
        let best = ExperimentStatistics.probabilityBest([control, control])
        // Monte-Carlo standard error ≤ 0.5/√20000 = 0.0035; allow 4 of them
        #expect(abs(best[0] - 0.5) < 0.015 && abs(best[1] - 0.5) < 0.015)
        #expect(abs(best.reduce(0, +) - 1) < 1e-12)
        let three = ExperimentStatistics.probabilityBest([control, control, control])
        #expect(three.allSatisfy { abs($0 - 1.0 / 3) < 0.015 })
    }

    @Test func aClearlyBetterArmIsAlmostSurelyBest() {
        // 5% against 10% on 2000 exposures each: z ≈ 6, so P(best) ≈ 1
        let worse = VariantOutcome(exposures: 2000, conversions: 100)
        let better = VariantOutcome(exposures: 2000, conversions: 200)
        let best = ExperimentStatistics.probabilityBest([worse, better, worse])
        #expect(best[1] > 0.99)
        // B against control (50 vs 65 of 1000): P(B better) = Φ(0.015 / √(0.05·0.95/1000 + 0.065·0.935/1000))
        // = Φ(0.015 / 0.010349) = Φ(1.4494) ≈ 0.926 (normal approximation)
        let pair = ExperimentStatistics.probabilityBest([control, variantB])
        #expect(abs(pair[1] - 0.926) < 0.015)
    }

    @Test func probabilityBestIsDeterministic() {
        let arms = [control, variantB, VariantOutcome(exposures: 900, conversions: 55)]
        #expect(ExperimentStatistics.probabilityBest(arms) == ExperimentStatistics.probabilityBest(arms))
        #expect(ExperimentStatistics.probabilityBest([control]) == [1])
        #expect(ExperimentStatistics.probabilityBest([]) == [])
    }
}
