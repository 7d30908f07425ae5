import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard`: the site at a glance, and what personalization earns against the holdout.
    func registerOverview(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard") { request, _ in
            try await signedIn(request) { signed in
                let site = signed.site
                let now = engine.currentTime
                let activity = try await engine.activity(site: site)
                let perMinute = engine.eventsPerMinute(site: site, minutes: 60)
                let labels = (0..<60).map { minute in minute == 59 ? "now" : "−\(59 - minute) min" }
                let from = now.addingTimeInterval(-30 * 86_400)
                let value = try await engine.valueReport(site: site, from: from, to: now)
                let settings = try await engine.settings(site: site)

                var experiences: [[String: Any]] = []
                for experience in try await engine.experiences(site: site) where experience.status != .draft {
                    guard let report = try await engine.experienceReport(experience.key, site: site, from: from, to: now) else { continue }
                    let exposures = report.arms.reduce(0) { $0 + $1.outcome.exposures }
                    let summary = ExperienceVerdict(report: report).headline
                    experiences.append(["key": experience.key, "placement": experience.placement, "status": experience.status.rawValue,
                        "exposures": exposures.formatted(), "summary": summary, "sort": exposures])
                }
                experiences.sort { ($0["sort"] as? Int ?? 0) > ($1["sort"] as? Int ?? 0) }

                return render(page: "overview", title: "Overview", session: signed.session, [
                    "events_last_hour": perMinute.reduce(0, +).formatted(),
                    "events_chart": SVGChart.bars(perMinute.map(Double.init), labels: labels, title: "Events stored per minute, last hour (this node)"),
                    "profiles": activity.profiles.formatted(), "identified": activity.identified.formatted(),
                    "active7d": activity.active7d.formatted(), "active30d": activity.active30d.formatted(),
                    "customers": activity.customers.formatted(), "orders": activity.orders.formatted(),
                    "revenue": activity.revenue.formatted(.number.precision(.fractionLength(0...2))),
                    "holdout_percent": SVGChart.number(settings.globalHoldoutPercent),
                    "value": valueSummary(value),
                    "value_chart": valueChart(value),
                    "experiences": Array(experiences.prefix(5)),
                    "has_experiences": !experiences.isEmpty,
                ])
            }
        }
    }

    /// The value report in words: what personalized people earn against the global holdout.
    private func valueSummary(_ value: JSONValue) -> [String: Any] {
        let overall = value["overall"]
        let personalized = overall?["personalized"], holdout = overall?["holdout"]
        func money(_ v: JSONValue?) -> String { v?.doubleValue.map { $0.formatted(.number.precision(.fractionLength(2))) } ?? "–" }
        func percent(_ v: JSONValue?) -> String { v?.doubleValue.map { SVGChart.number($0 * 100) + "%" } ?? "–" }
        let revenue = overall?["revenue_per_profile_difference"]
        let conversion = overall?["conversion_uplift"]
        return [
            "verdict": overall?["verdict"]?.stringValue ?? "no data yet",
            "personalized_profiles": personalized?["profiles"]?.mustache ?? "0",
            "holdout_profiles": holdout?["profiles"]?.mustache ?? "0",
            "personalized_rpp": money(personalized?["revenue_per_profile"]),
            "holdout_rpp": money(holdout?["revenue_per_profile"]),
            "personalized_cr": percent(personalized?["conversion_rate"]),
            "holdout_cr": percent(holdout?["conversion_rate"]),
            "revenue_interval": revenue.flatMap { r -> String? in
                guard let e = r["estimate"]?.doubleValue, let l = r["low"]?.doubleValue, let h = r["high"]?.doubleValue else { return nil }
                return "\(e.formatted(.number.precision(.fractionLength(2)))) per person (95% interval \(l.formatted(.number.precision(.fractionLength(2)))) to \(h.formatted(.number.precision(.fractionLength(2)))))"
            } ?? "not enough data for an interval yet",
            "conversion_interval": conversion.flatMap { c -> String? in
                guard let e = c["estimate"]?.doubleValue, let l = c["low"]?.doubleValue, let h = c["high"]?.doubleValue else { return nil }
                return "\(SVGChart.number(e * 100))% (95% interval \(SVGChart.number(l * 100))% to \(SVGChart.number(h * 100))%)"
            } ?? "not enough data for an interval yet",
        ]
    }

    private func valueChart(_ value: JSONValue) -> String {
        var rows: [(label: String, estimate: Double, low: Double, high: Double)] = []
        if let c = value["overall"]?["conversion_uplift"], let e = c["estimate"]?.doubleValue, let l = c["low"]?.doubleValue, let h = c["high"]?.doubleValue {
            rows.append(("overall", e, l, h))
        }
        for placement in value["placements"]?.arrayValue ?? [] {
            if let c = placement["conversion_uplift"], let e = c["estimate"]?.doubleValue, let l = c["low"]?.doubleValue, let h = c["high"]?.doubleValue {
                rows.append((placement["placement"]?.stringValue ?? "?", e, l, h))
            }
        }
        return rows.isEmpty ? "" : SVGChart.intervals(rows, title: "Conversion uplift over the global holdout, with 95% intervals")
    }
}

/// An experience report in words a marketer can act on.
struct ExperienceVerdict {
    let report: ExperienceReport

    /// One line per variant against control, and what to do.
    var lines: [String] {
        var lines: [String] = []
        for arm in report.arms where arm.key != "control" {
            guard let uplift = arm.uplift else {
                lines.append("\(arm.key): \(arm.outcome.exposures.formatted()) people, \(arm.outcome.conversions.formatted()) conversions; no comparison with control yet.")
                continue
            }
            let e = SVGChart.number(abs(uplift.estimate) * 100), l = SVGChart.number(uplift.low * 100), h = SVGChart.number(uplift.high * 100)
            let direction = uplift.estimate >= 0 ? "beats" : "trails"
            let advice: String
            if uplift.low > 0 { advice = arm.probabilityBest >= 0.95 ? "\(arm.key) is the winner" : "\(arm.key) beats control; keep running to pick among the variants" }
            else if uplift.high < 0 { advice = "\(arm.key) loses to control: pause it" }
            else { advice = "keep running: the interval still includes no difference" }
            lines.append("\(arm.key) \(direction) control by \(e)%, 95% interval \(l)% to \(h)%; \(advice).")
        }
        if let srm = report.srmPValue, srm < 0.001 {
            lines.append("Warning: the split of people does not match the allocation (sample-ratio mismatch, p = \(SVGChart.number(srm))); check how the placement is called before trusting the result.")
        }
        return lines
    }

    /// The first line, or what is missing.
    var headline: String {
        lines.first ?? "no exposures yet"
    }
}
