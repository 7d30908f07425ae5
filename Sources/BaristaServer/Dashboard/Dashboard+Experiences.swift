import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// How many variant rows the experience form offers.
    static let variantRows = 4

    /// `/dashboard/experiences` (list, create, start, pause) and `/dashboard/experiences/{key}`
    /// (the report in words and charts, and the edit form).
    func registerExperiences(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/experiences") { request, _ in
            try await signedIn(request) { signed in
                try await experiencesPage(signed, status: .ok, form: nil, errors: [])
            }
        }

        router.post("/dashboard/experiences") { request, _ in
            try await signedIn(request, role: .marketer) { signed in
                let form = signed.form
                if let action = form["action"], action == "start" || action == "pause", let key = form["key"] {
                    guard try await engine.setExperienceStatus(key, to: action == "start" ? .running : .paused, site: signed.site) != nil else {
                        throw DashboardFailure(status: .notFound, title: "No such experience", detail: "No experience has the key \(key).")
                    }
                    return Self.redirect(form["back"] == "report" ? "/dashboard/experiences/" + key : "/dashboard/experiences")
                }
                let (body, problems) = experienceBody(form)
                guard problems.isEmpty else { return try await experiencesPage(signed, status: .unprocessableContent, form: form, errors: problems) }
                switch Experience.parse(body, now: engine.currentTime) {
                case .failure(let failure):
                    return try await experiencesPage(signed, status: .unprocessableContent, form: form,
                        errors: failure.errors.map { ["field": $0.field, "message": $0.message] })
                case .success(let experience):
                    do {
                        if form["editing"] != nil {
                            _ = try await engine.replaceExperience(experience, site: signed.site)
                        } else {
                            _ = try await engine.createExperience(experience, site: signed.site)
                        }
                    } catch let error as BaristaError {
                        return try await experiencesPage(signed, status: error.isConflict ? .conflict : .unprocessableContent, form: form, errors: Self.problems(error))
                    }
                    return Self.redirect("/dashboard/experiences/" + experience.key)
                }
            }
        }

        router.get("/dashboard/experiences/:key") { request, context in
            try await signedIn(request) { signed in
                let key = try context.parameters.require("key")
                guard let experience = try await engine.experience(key, site: signed.site) else {
                    throw DashboardFailure(status: .notFound, title: "No such experience", detail: "No experience has the key \(key).")
                }
                let now = engine.currentTime
                let days = Int(signed.query["days"] ?? "") ?? 30
                guard let report = try await engine.experienceReport(key, site: signed.site, from: now.addingTimeInterval(-Double(max(1, days)) * 86_400), to: now) else {
                    throw DashboardFailure(status: .notFound, title: "No such experience", detail: "No experience has the key \(key).")
                }
                let verdict = ExperienceVerdict(report: report)
                let arms: [[String: Any]] = report.arms.map { arm in
                    [
                        "key": arm.key, "exposures": arm.outcome.exposures.formatted(), "conversions": arm.outcome.conversions.formatted(),
                        "rate": SVGChart.number(arm.outcome.conversionRate * 100) + "%",
                        "rpe": arm.outcome.revenuePerExposure.formatted(.number.precision(.fractionLength(2))),
                        "uplift": arm.uplift.map { "\(SVGChart.number($0.estimate * 100))% (\(SVGChart.number($0.low * 100))% to \(SVGChart.number($0.high * 100))%)" } ?? "–",
                        "best": SVGChart.number(arm.probabilityBest * 100) + "%",
                    ]
                }
                let intervals = report.arms.compactMap { arm in arm.uplift.map { (label: arm.key, estimate: $0.estimate, low: $0.low, high: $0.high) } }
                return render(page: "experience", title: "Experience \(key)", session: signed.session, [
                    "key": key, "placement": experience.placement, "status": experience.status.rawValue,
                    "running": experience.status == .running, "allocation": experience.allocation.type,
                    "days": "\(days)", "lines": verdict.lines, "arms": arms,
                    "uplift_chart": intervals.isEmpty ? "" : SVGChart.intervals(intervals, title: "Conversion uplift over control, 95% intervals"),
                    "exposure_chart": SVGChart.bars(report.arms.map { Double($0.outcome.exposures) }, labels: report.arms.map(\.key), title: "People exposed per arm"),
                    "srm": report.srmPValue.map(SVGChart.number) ?? "–",
                    "form": Self.withOptions(experienceForm(experience.json, editing: true),
                        segments: try await engine.segments(site: signed.site).map(\.definition.key)),
                    "json": JSON.string(experience.json, sortedKeys: true),
                ])
            }
        }
    }

    private func experiencesPage(_ signed: DashboardRequest, status: HTTPResponse.Status, form: FormData?, errors: [[String: String]]) async throws -> Response {
        let now = engine.currentTime
        var rows: [[String: Any]] = []
        for experience in try await engine.experiences(site: signed.site) {
            let report = try await engine.experienceReport(experience.key, site: signed.site, from: now.addingTimeInterval(-30 * 86_400), to: now)
            rows.append([
                "key": experience.key, "placement": experience.placement, "status": experience.status.rawValue,
                "running": experience.status == .running, "allocation": experience.allocation.type,
                "variants": experience.variants.map(\.key).joined(separator: ", "),
                "control": SVGChart.number(experience.controlPercent) + "%",
                "summary": report.map { ExperienceVerdict(report: $0).headline } ?? "",
            ])
        }
        let segments = try await engine.segments(site: signed.site).map(\.definition.key)
        let formValues = Self.withOptions(form.map(postedExperienceForm) ?? experienceForm(nil, editing: false), segments: segments)
        return render(status: status, page: "experiences", title: "Experiences", session: signed.session, [
            "rows": rows, "empty": rows.isEmpty, "form": formValues, "errors": errors,
        ])
    }

    /// The form's values from an experience's JSON (or blank for a new one).
    private func experienceForm(_ json: JSONValue?, editing: Bool) -> [String: Any] {
        let variants = json?["variants"]?.arrayValue ?? [["key": "a", "payload": [:]], ["key": "b", "payload": [:]]]
        let weights = json?["allocation"]?["weights"]?.objectValue ?? [:]
        let rows: [[String: Any]] = (0..<Self.variantRows).map { index in
            let variant: JSONValue? = index < variants.count ? variants[index] : nil
            let key = variant?["key"]?.stringValue ?? ""
            let recommendations = variant?["recommendations"]
            return [
                "index": "\(index)", "number": "\(index + 1)", "key": key,
                "is_recs": recommendations != nil,
                "payload": variant.map { v in (v["payload"].map { $0.isNull ? "{}" : JSON.string($0, sortedKeys: true) } ?? "{}") } ?? "",
                "strategy": recommendations?["strategy"]?.stringValue ?? "for_you",
                "limit": recommendations?["limit"]?.doubleValue.map { "\(Int($0))" } ?? "8",
                "weight": weights[key]?.doubleValue.map(SVGChart.number) ?? "",
            ]
        }
        return [
            "editing": editing, "key": json?["key"]?.stringValue ?? "", "name": json?["name"]?.stringValue ?? "",
            "placement": json?["placement"]?.stringValue ?? "", "priority": json?["priority"]?.doubleValue.map(SVGChart.number) ?? "0",
            "audience": json?["audience"]?["segment"]?.stringValue ?? "",
            "allocation": json?["allocation"]?["type"]?.stringValue ?? "ab",
            "control": json?["control_percent"]?.doubleValue.map(SVGChart.number) ?? "10",
            "goal": json?["goal"]?["event"]?.stringValue ?? "Order Completed",
            "window": json?["goal"]?["window"]?.stringValue ?? "7d",
            "start": json?["schedule"]?["start"]?.stringValue.map(Self.localInput) ?? "",
            "end": json?["schedule"]?["end"]?.stringValue.map(Self.localInput) ?? "",
            "status": json?["status"]?.stringValue ?? "draft",
            "variants": rows,
        ]
    }

    /// The form's values as posted, to show again with its errors.
    private func postedExperienceForm(_ form: FormData) -> [String: Any] {
        let rows: [[String: Any]] = (0..<Self.variantRows).map { index in
            [
                "index": "\(index)", "number": "\(index + 1)", "key": form["variant_\(index)_key"] ?? "",
                "is_recs": form["variant_\(index)_type"] == "recommendations",
                "payload": form.raw("variant_\(index)_payload") ?? "", "strategy": form["variant_\(index)_strategy"] ?? "for_you",
                "limit": form["variant_\(index)_limit"] ?? "8", "weight": form["variant_\(index)_weight"] ?? "",
            ]
        }
        return [
            "editing": form["editing"] != nil, "key": form["key"] ?? "", "name": form["name"] ?? "", "placement": form["placement"] ?? "",
            "priority": form["priority"] ?? "0", "audience": form["audience"] ?? "", "allocation": form["allocation"] ?? "ab",
            "control": form["control_percent"] ?? "0", "goal": form["goal"] ?? "Order Completed", "window": form["window"] ?? "7d",
            "start": form["start"] ?? "", "end": form["end"] ?? "", "status": form["status"] ?? "draft", "variants": rows,
        ]
    }

    /// API.md's experience JSON from the form, and the problems the form itself has (a payload
    /// that is not JSON, a number that is not one); the rest is `Experience.parse`'s to judge.
    private func experienceBody(_ form: FormData) -> (JSONValue, [[String: String]]) {
        var problems: [[String: String]] = []
        var variants: [JSONValue] = []
        var weights: [String: JSONValue] = [:]
        for index in 0..<Self.variantRows {
            guard let key = form["variant_\(index)_key"] else { continue }
            var variant: [String: JSONValue] = ["key": .string(key)]
            if form["variant_\(index)_type"] == "recommendations" {
                let limit = Int(form["variant_\(index)_limit"] ?? "8")
                if limit == nil { problems.append(["field": "variant \(index + 1) limit", "message": "must be a whole number"]) }
                variant["recommendations"] = ["strategy": .string(form["variant_\(index)_strategy"] ?? "for_you"), "limit": .number(Double(limit ?? 8))]
            } else {
                let text = form.raw("variant_\(index)_payload").flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } ?? "{}"
                do { variant["payload"] = try JSON.parse(text) } catch {
                    problems.append(["field": "variant \(index + 1) payload", "message": "is not JSON: \(error)"])
                }
            }
            if let weight = form["variant_\(index)_weight"] {
                if let number = Double(weight) { weights[key] = .number(number) } else {
                    problems.append(["field": "variant \(index + 1) weight", "message": "must be a number"])
                }
            }
            variants.append(.object(variant))
        }
        var body: [String: JSONValue] = ["key": .string(form["key"] ?? ""), "placement": .string(form["placement"] ?? ""), "variants": .array(variants),
            "status": .string(form["status"] ?? "draft")]
        if let name = form["name"] { body["name"] = .string(name) }
        if let audience = form["audience"] { body["audience"] = ["segment": .string(audience)] }
        for (field, name) in [("priority", "priority"), ("control_percent", "control_percent")] {
            guard let text = form[field] else { continue }
            if let number = Double(text) { body[name] = .number(number) } else { problems.append(["field": "/\(name)", "message": "must be a number"]) }
        }
        let type = form["allocation"] ?? "ab"
        var allocation: [String: JSONValue] = ["type": .string(type)]
        if type == "ab" {
            // No weights typed: an even split.
            allocation["weights"] = .object(weights.isEmpty ? Dictionary(uniqueKeysWithValues: variants.compactMap { $0["key"]?.stringValue }.map { ($0, JSONValue.number(1)) }) : weights)
        }
        body["allocation"] = .object(allocation)
        body["goal"] = ["event": .string(form["goal"] ?? "Order Completed"), "value_property": "revenue", "window": .string(form["window"] ?? "7d")]
        var schedule: [String: JSONValue] = [:]
        for field in ["start", "end"] {
            guard let text = form[field] else { continue }
            if let date = Self.parseLocalInput(text) { schedule[field] = .string(Timestamp.format(date)) } else {
                problems.append(["field": "/schedule/\(field)", "message": "must be a date and time"])
            }
        }
        if !schedule.isEmpty { body["schedule"] = .object(schedule) }
        return (.object(body), problems)
    }

    /// Adds the choices of the form's menus, each marked selected when it is the current value.
    static func withOptions(_ form: [String: Any], segments: [String]) -> [String: Any] {
        func options(_ choices: [(String, String)], current: String?) -> [[String: Any]] {
            choices.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == current] }
        }
        var form = form
        form["audience_options"] = options([("", "Everyone")] + segments.map { ($0, $0) }, current: form["audience"] as? String)
        form["allocation_options"] = options([("ab", "A/B test (fixed weights)"), ("bandit", "Bandit (learns the best variant)"),
            ("contextual_bandit", "Contextual bandit (the best variant per person)")], current: form["allocation"] as? String)
        form["status_options"] = options([("draft", "Draft"), ("running", "Running"), ("paused", "Paused")], current: form["status"] as? String)
        let strategies = RecommendationStrategy.allCases.map { ($0.rawValue, $0.rawValue) }
        form["variants"] = (form["variants"] as? [[String: Any]] ?? []).map { row in
            var row = row
            row["strategy_options"] = options(strategies, current: row["strategy"] as? String)
            return row
        }
        return form
    }

    /// `2026-11-23T14:05:00Z` → `2026-11-23T14:05` for a `datetime-local` input (times in UTC).
    static func localInput(_ iso: String) -> String { String(iso.prefix(16)) }

    /// A `datetime-local` value (UTC, as the form says) → a date.
    static func parseLocalInput(_ text: String) -> Date? {
        Timestamp.parse(text.count == 16 ? text + ":00Z" : text)
    }
}
