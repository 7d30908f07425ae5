import BaristaCore
import BaristaEngine
import Crypto
import Foundation
import Hummingbird

/// `POST /v1/events`: Segment-spec events, one or a batch; every valid event is kept, every bad one reported.
struct EventsController {
    let engine: Engine
    let limits: Limits
    let metrics: ServerMetrics

    func register(on routes: RouteTable) {
        routes.on(.post, "/v1/events", "Send events (Segment spec), one or a batch", access: .publishable,
            body: OpenAPIDocument.eventBatchSchema, status: 202, query: ["key"]) { request, context in
            try await ingest(request, context: context)
        }
    }

    func ingest(_ request: Request, context: BaristaRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let body = try await JSONIO.body(request, limits: limits)
        let (elements, base) = try Self.elements(of: body, limits: limits)
        let validator = EventValidator(limits: limits)
        let now = engine.currentTime
        let settings = try await engine.settings(site: caller.site)
        let verifier = caller.scope == .publishable && settings.requireUserHash ? UserHashVerifier(secret: settings.identitySecret) : nil
        var valid: [Event] = []
        var rejected: [JSONValue] = []
        for (index, element) in elements.enumerated() {
            switch validator.validate(element, at: base(index), now: now) {
            case .success(let event):
                if let verifier, let problem = verifier.problem(
                    userID: event.userID, given: (element["user_hash"] ?? element["userHash"])?.stringValue,
                    at: base(index).appending("user_hash").description)
                {
                    rejected.append(ValidationErrors([problem]).rejectedEntry(index: index))
                } else {
                    valid.append(event)
                }
            case .failure(let failure):
                rejected.append(failure.rejectedEntry(index: index))
            }
        }
        let results = try await engine.ingest(valid, site: caller.site)
        let accepted = results.count { $0.stored }
        let duplicates = results.count - accepted
        metrics.eventsAccepted.increment(by: Int64(accepted))
        metrics.eventsDuplicate.increment(by: Int64(duplicates))
        metrics.eventsRejected.increment(by: Int64(rejected.count))
        return JSONIO.response(
            ["accepted": .number(Double(accepted)), "duplicates": .number(Double(duplicates)), "rejected": .array(rejected)],
            status: .accepted)
    }

    /// The events of a body: `{"batch":[…]}` or one event object.
    static func elements(of body: JSONValue, limits: Limits) throws -> ([JSONValue], (Int) -> JSONPointer) {
        guard case .object(let object) = body else {
            throw BaristaError.malformed("the body must be an object: {\"batch\":[…]} or one event", field: "")
        }
        guard let batch = object["batch"] else { return ([body], { _ in JSONPointer() }) }
        guard case .array(let elements) = batch else {
            throw BaristaError.invalid("/batch", "must be an array of events")
        }
        guard elements.count <= limits.maxBatchEvents else {
            throw BaristaError.tooLarge("a batch holds at most \(limits.maxBatchEvents) events; this one has \(elements.count)", field: "/batch")
        }
        return (elements, { JSONPointer("/batch").appending($0) })
    }
}

/// `require_user_hash`: a publishable-key event that names a person by `user_id` (or, for an
/// `alias`, by `previous_id` too) must carry `user_hash` = hex HMAC-SHA256(`identity_secret`,
/// `user_id`), computed by the shop's server, so that a browser cannot claim someone else's profile.
struct UserHashVerifier {
    let key: SymmetricKey?

    init(secret: String?) {
        key = secret.map { SymmetricKey(data: Array($0.utf8)) }
    }

    /// What is wrong with `given` as the `user_hash` of `userID` (reported at `pointer`), or nil
    /// when it is right or there is no `user_id`. Compared in constant time (swift-crypto's check).
    func problem(userID: String?, given: String?, at pointer: String) -> FieldError? {
        guard let userID else { return nil }
        guard let key else { return FieldError(field: pointer, message: "cannot be checked: the site requires user_hash but has no identity_secret") }
        guard let given else {
            return FieldError(field: pointer, message: "is required with user_id: hex HMAC-SHA256(identity_secret, user_id), from your server")
        }
        guard let mac = Hex.decode(given), HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(userID.utf8), using: key) else {
            return FieldError(field: pointer, message: "does not match user_id")
        }
        return nil
    }

    /// Refuses (403) a publishable-key request that names a person by `user_id` without the
    /// right `user_hash` when the site requires one: recommendations, rankings and decisions for
    /// someone are as personal as their events.
    static func require(_ user: UserReference?, caller: Caller, engine: Engine) async throws {
        guard caller.scope == .publishable, let user, user.userID != nil else { return }
        let settings = try await engine.settings(site: caller.site)
        guard settings.requireUserHash else { return }
        let verifier = UserHashVerifier(secret: settings.identitySecret)
        if let problem = verifier.problem(userID: user.userID, given: user.userHash, at: "/user/user_hash") {
            throw APIError(status: .forbidden, title: "Forbidden", detail: "user_hash " + problem.message, errors: [problem])
        }
    }
}
