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
                if let verifier, let problem = verifier.problem(with: event, element: element, at: base(index)) {
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

    /// What is wrong with the event's `user_hash`, or nil when it is right or not needed.
    func problem(with event: Event, element: JSONValue, at base: JSONPointer) -> FieldError? {
        guard let userID = event.userID else { return nil }
        let pointer = base.appending("user_hash").description
        guard let key else { return FieldError(field: pointer, message: "cannot be checked: the site requires user_hash but has no identity_secret") }
        guard let given = (element["user_hash"] ?? element["userHash"])?.stringValue else {
            return FieldError(field: pointer, message: "is required with user_id: hex HMAC-SHA256(identity_secret, user_id), from your server")
        }
        let expected = HMAC<SHA256>.authenticationCode(for: Array(userID.utf8), using: key)
        guard let bytes = Self.bytes(hex: given), bytes.count == 32, Self.equal(bytes, Array(expected)) else {
            return FieldError(field: pointer, message: "does not match user_id")
        }
        return nil
    }

    /// Refuses (403) a publishable-key request that names a person by `user_id` without the
    /// right `user_hash` when the site requires one: recommendations, rankings and decisions for
    /// someone are as personal as their events.
    static func require(_ user: UserReference?, caller: Caller, engine: Engine) async throws {
        guard caller.scope == .publishable, let user, let userID = user.userID else { return }
        let settings = try await engine.settings(site: caller.site)
        guard settings.requireUserHash else { return }
        let verifier = UserHashVerifier(secret: settings.identitySecret)
        let element: JSONValue = user.userHash.map { ["user_hash": .string($0)] } ?? [:]
        let probe = Event(kind: .track, name: "check", userID: userID, messageID: "check", timestamp: Date(), receivedAt: Date())
        if let problem = verifier.problem(with: probe, element: element, at: JSONPointer("/user")) {
            throw APIError(status: .forbidden, title: "Forbidden", detail: "user_hash " + problem.message, errors: [problem])
        }
    }

    /// Compares in time independent of where the first difference is.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.value(digits[index]), let low = Self.value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
