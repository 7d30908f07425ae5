import BaristaCore
import BaristaModels
import Foundation

/// One arm's line of an experience report.
public struct ArmReport: Sendable {
    /// `key`: the variant's key, or `control`.
    public var key: String
    /// The arm's totals.
    public var outcome: VariantOutcome
    /// `uplift` of the conversion rate over control (relative, 95% interval); nil for control or without a control that converted.
    public var uplift: Uplift?
    /// `probability_best`: the posterior probability that this arm converts best.
    public var probabilityBest: Double

    /// The API form.
    public var json: JSONValue {
        func round(_ x: Double) -> JSONValue { .number((x * 1e6).rounded() / 1e6) }
        return [
            "key": .string(key), "exposures": .number(Double(outcome.exposures)), "conversions": .number(Double(outcome.conversions)),
            "conversion_rate": round(outcome.conversionRate), "revenue": round(outcome.revenue),
            "revenue_per_exposure": round(outcome.revenuePerExposure),
            "uplift": uplift.map { ["estimate": round($0.estimate), "low": round($0.low), "high": round($0.high)] } ?? .null,
            "probability_best": round(probabilityBest),
        ]
    }
}

/// `GET /v1/experiences/{key}/report`.
public struct ExperienceReport: Sendable {
    /// The experience.
    public var experience: String
    /// The variants in the experience's order, then control (when the experience has one or people were held out).
    public var arms: [ArmReport]
    /// `srm_p_value`: whether exposures match the allocation (a small value means they do not);
    /// nil for bandits, whose allocation moves by design.
    public var srmPValue: Double?
    /// The period reported.
    public var from: Date, to: Date

    /// The API form.
    public var json: JSONValue {
        [
            "experience": .string(experience), "from": .string(Timestamp.format(from)), "to": .string(Timestamp.format(to)),
            "variants": .array(arms.map(\.json)), "srm_p_value": srmPValue.map { .number(($0 * 1e9).rounded() / 1e9) } ?? .null,
        ]
    }
}

extension Engine {
    /// Per variant and control: exposures, conversions, conversion rate, revenue per exposure,
    /// relative uplift over control with a 95% interval (delta method on the log ratio), the
    /// probability of being best (Beta posteriors, a seeded Monte-Carlo), and the sample-ratio
    /// mismatch p-value of an `ab` allocation (chi-square against the weights and control share).
    /// People in the global holdout are not counted here (they are the value report's baseline).
    /// Returns nil when there is no such experience.
    public func experienceReport(_ key: String, site: SiteID, from: Date, to: Date) async throws -> ExperienceReport? {
        guard let experience = try await experience(key, site: site) else { return nil }
        try await flushDecisionLog()
        let totals = Dictionary(uniqueKeysWithValues: try await store.armTotals(experience: key, site: site, from: from, to: to).map { ($0.arm, $0) })
        var keys = experience.variants.map(\.key)
        if experience.controlPercent > 0 || totals["control"] != nil { keys.append("control") }
        let outcomes = keys.map { key in
            totals[key].map { VariantOutcome(exposures: $0.exposures, conversions: $0.conversions, revenue: $0.revenue, revenueSquares: $0.revenueSquares) }
                ?? VariantOutcome(exposures: 0, conversions: 0)
        }
        let control = keys.last == "control" ? outcomes.last : nil
        let best = ExperimentStatistics.probabilityBest(outcomes)
        let arms = keys.indices.map { index in
            ArmReport(
                key: keys[index], outcome: outcomes[index],
                uplift: keys[index] == "control" ? nil : control.flatMap { ExperimentStatistics.relativeUplift(of: outcomes[index], over: $0) },
                probabilityBest: best[index])
        }
        var srm: Double?
        if case .ab(let weights) = experience.allocation {
            let share = experience.controlPercent / 100
            let total = experience.variants.reduce(0) { $0 + (weights[$1.key] ?? 0) }
            var expected = experience.variants.map { (1 - share) * (weights[$0.key] ?? 0) / total }
            if keys.last == "control" { expected.append(share) }
            srm = ExperimentStatistics.sampleRatioMismatchPValue(exposures: outcomes.map(\.exposures), weights: expected)
        }
        return ExperienceReport(experience: key, arms: arms, srmPValue: srm, from: from, to: to)
    }
}
