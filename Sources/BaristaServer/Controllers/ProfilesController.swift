import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// The profile routes: the 360° view, search, consent, preferences, export and erasure.
struct ProfilesController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.get, "/v1/profiles", "List and search profiles", access: .secret, query: ["q", "segment", "cursor", "limit"]) { request, context in
            try await list(request, context: context)
        }
        routes.on(.get, "/v1/profiles/{id}", "A profile's 360° view", access: .secret, query: ["by"]) { request, context in
            let site = try context.requireSecret()
            let snapshot = try await find(request, context: context, site: site)
            return JSONIO.response(snapshot.json(at: engine.currentTime))
        }
        routes.on(.put, "/v1/profiles/{id}/consent",
            "Set a person's consent (a publishable key may set only its visitor's own, with by=anonymous_id)", access: .publishable,
            body: OpenAPIDocument.consentSchema, query: ["by"]) { request, context in
            let caller = try context.requireCaller()
            let by = try lookup(request)
            guard caller.scope == .secret || by == .anonymousID else {
                throw APIError(status: .forbidden, title: "Forbidden",
                    detail: "a publishable key may set consent only for the browser's own anonymous id: ?by=anonymous_id")
            }
            let consent = try Consent.parse(try await JSONIO.body(request, limits: limits), at: JSONPointer()).get()
            let snapshot = try await engine.setConsent(consent, for: try JSONIO.parameter("id", context), by: by, site: caller.site)
            return JSONIO.response(snapshot.profile.consent.resolved(with: snapshot.settings.defaultConsent).json)
        }
        routes.on(.put, "/v1/profiles/{id}/preferences", "Set a person's own preferences", access: .secret,
            body: OpenAPIDocument.preferencesSchema) { request, context in
            let site = try context.requireSecret()
            let preferences = try Preferences.parse(try await JSONIO.body(request, limits: limits), at: JSONPointer()).get()
            let snapshot = try await engine.setPreferences(preferences, for: try JSONIO.parameter("id", context), site: site)
            return JSONIO.response(snapshot.profile.preferences.json)
        }
        routes.on(.get, "/v1/profiles/{id}/export", "Everything stored about a person", access: .secret, query: ["by"]) { request, context in
            let site = try context.requireSecret()
            let snapshot = try await find(request, context: context, site: site)
            let events = try await engine.events(of: snapshot.profile.id, site: site)
            let decisions = try await engine.decisions(of: snapshot.profile.id, site: site)
            return JSONIO.response([
                "profile": snapshot.json(at: engine.currentTime),
                "events": .array(events.map(\.event.json)),
                "decisions": .array(decisions.map(\.json)), "messages": [],
            ])
        }
        routes.on(.delete, "/v1/profiles/{id}", "Erase a person (right to be forgotten)", access: .secret, query: ["by"]) { request, context in
            let site = try context.requireSecret()
            let id = try JSONIO.parameter("id", context)
            guard let receipt = try await engine.erase(id, by: try lookup(request), site: site) else {
                throw BaristaError.notFound("no profile has the id \(id)")
            }
            return JSONIO.response([
                "erased": true,
                "receipt": ["profile_id": .string(receipt.profileID.rawValue), "events_deleted": .number(Double(receipt.eventsDeleted)),
                    "at": .string(Timestamp.format(receipt.at))],
            ])
        }
    }

    func lookup(_ request: Request) throws -> ProfileLookup? {
        guard let by = request.uri.queryParameters.get("by") else { return nil }
        guard let lookup = ProfileLookup(rawValue: String(by)) else {
            throw APIError(status: .unprocessableContent, title: "Unprocessable Content", detail: "by must be profile_id, user_id or anonymous_id",
                errors: [FieldError(field: "by", message: "must be profile_id, user_id or anonymous_id")])
        }
        return lookup
    }

    func find(_ request: Request, context: BaristaRequestContext, site: SiteID) async throws -> ProfileSnapshot {
        let id = try JSONIO.parameter("id", context)
        guard let snapshot = try await engine.profile(id, by: try lookup(request), site: site) else {
            throw BaristaError.notFound("no profile has the id \(id)")
        }
        return snapshot
    }

    func list(_ request: Request, context: BaristaRequestContext) async throws -> Response {
        let site = try context.requireSecret()
        let (limit, cursor) = try JSONIO.paging(request)
        let now = engine.currentTime
        if let raw = request.uri.queryParameters.get("segment"), !raw.isEmpty {
            let segment = String(raw).removingPercentEncoding ?? String(raw)
            guard let page = try await engine.segmentMembers(segment, site: site, after: cursor, limit: limit) else {
                throw BaristaError.notFound("no segment has the key \(segment)")
            }
            return JSONIO.response([
                "profiles": .array(page.profiles.map { $0.summaryJSON(at: now) }),
                "next_cursor": page.next.map(JSONValue.string) ?? .null,
            ])
        }
        let query = request.uri.queryParameters.get("q").map { String($0).removingPercentEncoding ?? String($0) }
        let page = try await engine.profiles(site: site, query: query, after: cursor, limit: limit)
        return JSONIO.response([
            "profiles": .array(page.profiles.map { $0.summaryJSON(at: now) }),
            "next_cursor": page.next.map(JSONValue.string) ?? .null,
        ])
    }
}
