import BaristaCore
import BaristaEngine
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
        var valid: [Event] = []
        var rejected: [JSONValue] = []
        for (index, element) in elements.enumerated() {
            switch validator.validate(element, at: base(index), now: now) {
            case .success(let event): valid.append(event)
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
