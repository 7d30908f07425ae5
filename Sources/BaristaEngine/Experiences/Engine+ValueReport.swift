import BaristaCore
import BaristaModels
import Foundation

extension Engine {
    /// `GET /v1/reports/value`: does personalization pay here? People decided for in `[from, to)`,
    /// personalized versus the site's global holdout, overall and per placement: conversion per
    /// person (Wilson 95% interval), revenue per person (normal 95% interval), and the uplift of the
    /// personalized side (relative conversion uplift by the delta method; revenue difference by
    /// Welch's interval). A verdict in words says whether the intervals settle it.
    public func valueReport(site: SiteID, from: Date, to: Date) async throws -> JSONValue {
        let holdoutPercent = try await settings(site: site).globalHoldoutPercent
        try await flushDecisionLog()
        let totals = try await store.valueTotals(site: site, from: from, to: to)
        func outcome(_ rows: [ValueTotals], holdout: Bool) -> VariantOutcome {
            let row = rows.first { $0.holdout == holdout }
            return VariantOutcome(exposures: row?.profiles ?? 0, conversions: row?.converted ?? 0, revenue: row?.revenue ?? 0,
                revenueSquares: row?.revenueSquares ?? 0)
        }
        func round(_ x: Double) -> JSONValue { .number((x * 1e6).rounded() / 1e6) }
        func interval(_ uplift: Uplift?) -> JSONValue {
            uplift.map { ["estimate": round($0.estimate), "low": round($0.low), "high": round($0.high)] } ?? .null
        }
        func side(_ o: VariantOutcome) -> JSONValue {
            let conversion: JSONValue = o.exposures == 0 ? .null : {
                let bounds = ExperimentStatistics.wilsonInterval(conversions: o.conversions, exposures: o.exposures)
                return ["low": round(bounds.low), "high": round(bounds.high)]
            }()
            let spread = o.revenueVariance.map { ExperimentStatistics.z95 * ($0 / Double(max(o.exposures, 1))).squareRoot() }
            return [
                "profiles": .number(Double(o.exposures)), "converted": .number(Double(o.conversions)),
                "conversion_rate": round(o.conversionRate), "conversion_interval": conversion,
                "revenue": round(o.revenue), "revenue_per_profile": round(o.revenuePerExposure),
                "revenue_interval": spread.map { ["low": round(o.revenuePerExposure - $0), "high": round(o.revenuePerExposure + $0)] } ?? .null,
            ]
        }
        func group(_ rows: [ValueTotals]) -> [String: JSONValue] {
            let personalized = outcome(rows, holdout: false), holdout = outcome(rows, holdout: true)
            let conversion = ExperimentStatistics.relativeUplift(of: personalized, over: holdout)
            let revenue = ExperimentStatistics.revenueDifference(of: personalized, over: holdout)
            let verdict: String
            if personalized.exposures < 30 || holdout.exposures < 30 {
                verdict = "not enough data yet (fewer than 30 people on a side)"
            } else if let revenue, revenue.low > 0 {
                verdict = "personalization pays: more revenue per person than the holdout"
            } else if let revenue, revenue.high < 0 {
                verdict = "personalization costs revenue here: the holdout earns more per person"
            } else {
                verdict = "no difference shown yet: the interval spans zero"
            }
            return ["personalized": side(personalized), "holdout": side(holdout), "conversion_uplift": interval(conversion),
                "revenue_per_profile_difference": interval(revenue), "verdict": .string(verdict)]
        }
        let placements = Dictionary(grouping: totals.filter { $0.placement != nil }, by: { $0.placement! })
        let rewards = try await rewardsValue(site: site, from: from, to: to)
        return [
            "rewards": rewards,
            "from": .string(Timestamp.format(from)), "to": .string(Timestamp.format(to)), "global_holdout_percent": .number(holdoutPercent),
            "overall": .object(group(totals.filter { $0.placement == nil })),
            "placements": .array(placements.keys.sorted().map { key in
                var object = group(placements[key]!)
                object["placement"] = .string(key)
                return .object(object)
            }),
        ]
    }
}
