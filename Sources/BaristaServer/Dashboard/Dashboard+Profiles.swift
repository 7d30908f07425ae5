import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/profiles` (search) and `/dashboard/profiles/{id}` (the 360° view, export, erase).
    func registerProfiles(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/profiles") { request, _ in
            try await signedIn(request) { signed in
                let query = signed.query["q"]
                let (profiles, next) = try await engine.profiles(site: signed.site, query: query, after: signed.query["cursor"], limit: 50)
                let now = engine.currentTime
                let rows: [[String: Any]] = profiles.map { snapshot in
                    let p = snapshot.profile
                    return [
                        "id": p.id.rawValue, "path": Self.profilePath(p.id.rawValue),
                        "user_id": snapshot.userIDs.first ?? "anonymous",
                        "email": p.traits["email"]?.stringValue ?? "",
                        "last_seen": DashboardTime.show(p.lastSeen),
                        "orders": p.orders.formatted(), "revenue": p.revenue.formatted(.number.precision(.fractionLength(0...2))),
                        "intent": p.intent(at: now), "segments": snapshot.segments,
                    ]
                }
                let count = try await engine.profileCount(site: signed.site)
                return render(page: "profiles", title: "Profiles", session: signed.session, [
                    "q": query ?? "", "rows": rows, "empty": rows.isEmpty, "total": count.formatted(),
                    "next": next.map { "/dashboard/profiles?" + Self.queryString(["q": query, "cursor": $0]) } ?? false,
                ])
            }
        }

        router.get("/dashboard/profiles/:id") { request, context in
            try await signedIn(request) { signed in
                let id = try context.parameters.require("id")
                guard let snapshot = try await engine.profile(id, site: signed.site) else {
                    throw DashboardFailure(status: .notFound, title: "No such profile", detail: "No profile, user id or anonymous id is \(id).")
                }
                return render(page: "profile", title: "Profile \(id)", session: signed.session, try await profileView(snapshot, signed: signed))
            }
        }

        router.get("/dashboard/profiles/:id/export") { request, context in
            try await signedIn(request) { signed in
                let id = try context.parameters.require("id")
                guard let snapshot = try await engine.profile(id, site: signed.site) else {
                    throw DashboardFailure(status: .notFound, title: "No such profile", detail: "No profile is \(id).")
                }
                let events = try await engine.events(of: snapshot.profile.id, site: signed.site)
                let decisions = try await engine.decisions(of: snapshot.profile.id, site: signed.site)
                let body: JSONValue = ["profile": snapshot.json(at: engine.currentTime), "events": .array(events.map(\.event.json)),
                    "decisions": .array(decisions.map(\.json))]
                var response = Self.json(body)
                response.headers[.contentDisposition] = "attachment; filename=\"profile-\(snapshot.profile.id.rawValue).json\""
                return response
            }
        }

        // The erase form posts to the profile's own page; it must repeat the id to confirm.
        router.post("/dashboard/profiles/:id") { request, context in
            try await signedIn(request, role: .marketer) { signed in
                let id = try context.parameters.require("id")
                guard signed.form["action"] == "erase" else {
                    throw DashboardFailure(status: .unprocessableContent, title: "Unknown action", detail: "This page can only erase a profile.")
                }
                guard let snapshot = try await engine.profile(id, site: signed.site) else {
                    throw DashboardFailure(status: .notFound, title: "No such profile", detail: "No profile is \(id); it may have been erased already.")
                }
                guard signed.form["confirm"] == snapshot.profile.id.rawValue || signed.form["confirm"] == id else {
                    var view = try await profileView(snapshot, signed: signed)
                    view["erase_error"] = "To erase, type the profile id \(snapshot.profile.id.rawValue) in the box."
                    return render(status: .unprocessableContent, page: "profile", title: "Profile \(id)", session: signed.session, view)
                }
                guard let receipt = try await engine.erase(snapshot.profile.id.rawValue, by: .profileID, site: signed.site) else {
                    throw DashboardFailure(status: .notFound, title: "No such profile", detail: "No profile is \(id).")
                }
                return render(page: "erased", title: "Profile erased", session: signed.session, [
                    "id": receipt.profileID.rawValue, "events": receipt.eventsDeleted.formatted(), "at": DashboardTime.show(receipt.at),
                ])
            }
        }
    }

    private func profileView(_ snapshot: ProfileSnapshot, signed: DashboardRequest) async throws -> [String: Any] {
        let now = engine.currentTime
        let json = snapshot.json(at: now)
        let p = snapshot.profile
        var affinityCharts: [[String: Any]] = []
        for (dimension, values) in (json["affinities"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let rows = (values.objectValue ?? [:]).compactMap { key, value in value.doubleValue.map { (label: key, value: $0) } }
                .sorted { $0.value > $1.value }.prefix(6)
            guard !rows.isEmpty else { continue }
            affinityCharts.append(["dimension": dimension, "chart": SVGChart.shares(Array(rows), title: "Affinity by \(dimension)")])
        }
        let events = try await engine.events(of: p.id, site: signed.site).suffix(100).reversed()
        let timeline: [[String: Any]] = events.map { stored in
            let e = stored.event
            let item = e.productID?.rawValue
            return ["at": DashboardTime.show(e.timestamp), "name": e.name ?? e.kind.rawValue, "channel": e.channel,
                "detail": item.map { "item \($0)" } ?? (e.properties["revenue"]?.doubleValue.map { "revenue \(SVGChart.number($0))" } ?? "")]
        }
        let consent = (json["consent"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ["purpose": $0.key, "granted": $0.value.boolValue ?? false] as [String: Any] }
        let predictions = (json["predictions"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.compactMap { key, value -> [String: Any]? in
            value.isNull ? nil : ["name": key.replacingOccurrences(of: "_", with: " "), "value": value.mustache]
        }
        let traits = (json["traits"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ["name": $0.key, "value": JSON.string($0.value).trimmingCharacters(in: CharacterSet(charactersIn: "\""))] }
        return [
            "id": p.id.rawValue, "path": Self.profilePath(p.id.rawValue),
            "user_ids": snapshot.userIDs, "anonymous_ids": snapshot.anonymousIDs,
            "traits": traits, "consent": consent, "predictions": predictions,
            "segments": snapshot.segments, "persona": snapshot.persona ?? false,
            "first_seen": DashboardTime.show(p.firstSeen), "last_seen": DashboardTime.show(p.lastSeen),
            "orders": p.orders.formatted(), "revenue": p.revenue.formatted(.number.precision(.fractionLength(0...2))),
            "intent": json["intent"]?.stringValue ?? "", "intent_signals": json["intent_signals"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            "cadence": snapshot.emailCadence.map { ["per_week": SVGChart.number($0.perWeek), "reason": $0.explanation] as [String: Any] } ?? false,
            "send_hour": p.preferredSendHour.map { String(format: "%02d:00 UTC", $0) } ?? false,
            "affinities": affinityCharts, "has_affinities": !affinityCharts.isEmpty,
            "cart": json["cart"]?.arrayValue?.compactMap { $0["item_id"]?.stringValue } ?? [],
            "has_cart": !(json["cart"]?.arrayValue ?? []).isEmpty,
            "timeline": timeline, "json": JSON.string(json, sortedKeys: true),
        ]
    }

    static func profilePath(_ id: String) -> String {
        "/dashboard/profiles/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? id)
    }

    /// `a=1&b=2` from the non-nil values, percent-encoded.
    static func queryString(_ fields: [String: String?]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.compactMap { key, value in
            value.map { key + "=" + ($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0) }
        }.joined(separator: "&")
    }
}
