import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/segments`: the list with sizes and trends, and the rule builder that writes API.md's JSON rule.
    func registerSegments(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/segments") { request, _ in
            try await signedIn(request) { signed in
                var values: [String: Any] = [:]
                if let key = signed.query["edit"], let summary = try await engine.segment(key, site: signed.site) {
                    let json = summary.definition.json
                    values["form"] = ["key": key, "name": json["name"]?.stringValue ?? "", "rule": JSON.string(json["rule"] ?? .null),
                        "persona": summary.definition.persona, "priority": "\(summary.definition.priority)", "editing": true] as [String: Any]
                }
                return try await segmentsPage(signed, status: .ok, values)
            }
        }

        router.post("/dashboard/segments") { request, _ in
            try await signedIn(request, role: .marketer) { signed in
                let form = signed.form
                if form["action"] == "delete", let key = form["key"] {
                    do {
                        _ = try await engine.deleteSegment(key, site: signed.site)
                    } catch let error as BaristaError {
                        return try await segmentsPage(signed, status: .conflict, ["errors": Self.problems(error)])
                    }
                    return Self.redirect("/dashboard/segments?" + Self.queryString(["deleted": key]))
                }
                let posted: [String: Any] = ["key": form["key"] ?? "", "name": form["name"] ?? "", "rule": form.raw("rule") ?? "",
                    "persona": form["persona"] != nil, "priority": form["priority"] ?? "0", "editing": form["editing"] != nil]
                var problems: [[String: String]] = []
                var rule: JSONValue = .null
                do { rule = try JSON.parse(form.raw("rule") ?? "") } catch {
                    problems.append(["field": "/rule", "message": "is not JSON: \(error)"])
                }
                let priority = Double(form["priority"] ?? "0")
                if priority == nil { problems.append(["field": "/priority", "message": "must be a number"]) }
                guard problems.isEmpty else {
                    return try await segmentsPage(signed, status: .unprocessableContent, ["form": posted, "errors": problems])
                }
                var body: [String: JSONValue] = ["key": .string(form["key"] ?? ""), "rule": rule, "persona": .bool(form["persona"] != nil),
                    "priority": .number(priority ?? 0)]
                if let name = form["name"] { body["name"] = .string(name) }
                switch SegmentDefinition.parse(.object(body), now: engine.currentTime) {
                case .failure(let failure):
                    return try await segmentsPage(signed, status: .unprocessableContent,
                        ["form": posted, "errors": failure.errors.map { ["field": $0.field, "message": $0.message] }])
                case .success(let definition):
                    do {
                        let summary = form["editing"] != nil
                            ? try await engine.replaceSegment(definition, site: signed.site).summary
                            : try await engine.createSegment(definition, site: signed.site)
                        return Self.redirect("/dashboard/segments?" + Self.queryString(["saved": summary.definition.key]))
                    } catch let error as BaristaError {
                        return try await segmentsPage(signed, status: error.isConflict ? .conflict : .unprocessableContent,
                            ["form": posted, "errors": Self.problems(error)])
                    }
                }
            }
        }

        // The builder's live size: `{"rule":{…}}` → `{"size","sample"}`, as `POST /v1/segments:preview`.
        router.post("/dashboard/segments/preview") { request, _ in
            try await signedIn(request) { signed in
                let body = (try? JSON.parse(signed.form.raw("body") ?? "")) ?? .null
                guard let value = body["rule"] else {
                    return Self.json(["detail": "send {\"rule\": …}", "errors": [["field": "/rule", "message": "is required"]]], status: .unprocessableContent)
                }
                switch SegmentRule.parse(value, at: JSONPointer("/rule")) {
                case .failure(let failure):
                    return Self.json(["detail": "the rule is not valid",
                        "errors": .array(failure.errors.map { ["field": .string($0.field), "message": .string($0.message)] })], status: .unprocessableContent)
                case .success(let rule):
                    let preview = try await engine.previewSegment(rule, site: signed.site)
                    return Self.json(["size": .number(Double(preview.size)), "sample": .array(preview.sample.map { .string($0.rawValue) })])
                }
            }
        }
    }

    private func segmentsPage(_ signed: DashboardRequest, status: HTTPResponse.Status, _ extra: [String: Any]) async throws -> Response {
        let history = try await engine.segmentHistory(site: signed.site)
        let now = engine.currentTime
        let rows: [[String: Any]] = try await engine.segments(site: signed.site).map { summary in
            let key = summary.definition.key
            let samples = history[key] ?? []
            let weekAgo = samples.last { $0.day <= now.addingTimeInterval(-7 * 86_400) }
            let trend: String
            if let weekAgo {
                let change = summary.size - weekAgo.size
                trend = (change >= 0 ? "+" : "−") + abs(change).formatted() + " in 7 days"
            } else {
                trend = samples.count > 1 ? "tracked for \(samples.count) days" : "trend after a day of tracking"
            }
            return [
                "key": key, "name": summary.definition.json["name"]?.stringValue ?? key, "size": summary.size.formatted(),
                "persona": summary.definition.persona, "trend": trend,
                "sparkline": samples.count > 1 ? SVGChart.bars(samples.map { Double($0.size) }, labels: samples.map { DashboardTime.show($0.day) },
                    title: "Daily size of \(key)", height: 40) : "",
                "edit": "/dashboard/segments?" + Self.queryString(["edit": key]),
            ]
        }
        var values = extra
        values["rows"] = rows
        values["empty"] = rows.isEmpty
        values["segment_keys"] = rows.map { $0["key"] as? String ?? "" }
        if values["form"] == nil { values["form"] = ["key": "", "name": "", "rule": "", "persona": false, "priority": "0", "editing": false] as [String: Any] }
        if let saved = signed.query["saved"] { values["notice"] = "Saved segment \(saved)." }
        if let deleted = signed.query["deleted"] { values["notice"] = "Deleted segment \(deleted)." }
        return render(status: status, page: "segments", title: "Segments", session: signed.session, values)
    }
}

extension BaristaError {
    var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}
