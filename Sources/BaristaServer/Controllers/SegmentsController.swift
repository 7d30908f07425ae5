import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// Segments: `POST /v1/segments`, `GET /v1/segments`, `GET`/`PUT`/`DELETE /v1/segments/{key}`,
/// `POST /v1/segments:preview` and `GET /v1/segments/{key}/members`.
struct SegmentsController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.post, "/v1/segments", "Create a segment (a rule kept up to date as events arrive)", access: .secret,
            body: OpenAPIDocument.segmentSchema, status: 201) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            let definition = try SegmentDefinition.parse(body, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            return JSONIO.response(try await engine.createSegment(definition, site: site).json, status: .created)
        }
        routes.on(.get, "/v1/segments", "Every segment with its size", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(["segments": .array(try await engine.segments(site: site).map(\.json)), "next_cursor": .null])
        }
        routes.on(.post, "/v1/segments:preview", "How many people a rule holds now, and a sample, without saving it", access: .secret,
            body: OpenAPIDocument.segmentPreviewSchema) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            guard case .object(let object) = body else { throw BaristaError.invalid("", "must be a JSON object with a rule") }
            for key in object.keys.sorted() where key != "rule" { throw BaristaError.invalid("/\(key)", "is not a field of a preview (rule)") }
            guard let value = object["rule"] else { throw BaristaError.invalid("/rule", "is required") }
            let rule = try SegmentRule.parse(value, at: JSONPointer("/rule")).mapError { BaristaError.invalid($0.errors) }.get()
            let preview = try await engine.previewSegment(rule, site: site)
            return JSONIO.response(["size": .number(Double(preview.size)), "sample": .array(preview.sample.map { .string($0.rawValue) })])
        }
        routes.on(.get, "/v1/segments/{key}", "One segment with its size", access: .secret) { _, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            guard let segment = try await engine.segment(key, site: site) else { throw BaristaError.notFound("no segment has the key \(key)") }
            return JSONIO.response(segment.json)
        }
        routes.on(.put, "/v1/segments/{key}", "Create or replace a segment", access: .secret, body: OpenAPIDocument.segmentSchema,
            status: 201, replaces: true) { request, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            let body = try await JSONIO.body(request, limits: limits)
            let definition = try SegmentDefinition.parse(body, key: key, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            let (summary, created) = try await engine.replaceSegment(definition, site: site)
            return JSONIO.response(summary.json, status: created ? .created : .ok)
        }
        routes.on(.delete, "/v1/segments/{key}", "Delete a segment (refused while another segment names it)", access: .secret) { _, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            guard try await engine.deleteSegment(key, site: site) else { throw BaristaError.notFound("no segment has the key \(key)") }
            return JSONIO.response(["deleted": true, "key": .string(key)])
        }
        routes.on(.get, "/v1/segments/{key}/members", "A page of a segment's members", access: .secret, query: ["cursor", "limit"]) { request, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            let (limit, cursor) = try JSONIO.paging(request)
            guard let page = try await engine.segmentMembers(key, site: site, after: cursor, limit: limit) else {
                throw BaristaError.notFound("no segment has the key \(key)")
            }
            let now = engine.currentTime
            return JSONIO.response([
                "profiles": .array(page.profiles.map { $0.summaryJSON(at: now) }),
                "next_cursor": page.next.map(JSONValue.string) ?? .null,
            ])
        }
    }
}

extension OpenAPIDocument {
    /// A rule is a recursive tree; the schema names its shapes without repeating their checks,
    /// which the server makes (and reports by JSON Pointer).
    static let segmentRuleSchema: JSONValue = [
        "type": "object", "minProperties": 1, "maxProperties": 5,
        "description": "all/any/not groups; trait, event, affinity, prediction, consent, intent, channel, geo and segment leaves (API.md)",
    ]

    static let segmentSchema: JSONValue = [
        "type": "object", "required": ["rule"], "additionalProperties": false,
        "properties": [
            "key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"],
            "name": ["type": "string", "minLength": 1, "maxLength": 256], "description": ["type": ["string", "null"]],
            "rule": segmentRuleSchema, "persona": ["type": "boolean"], "priority": ["type": "integer"],
            "created_at": ["type": "string"], "updated_at": ["type": "string"],
        ],
    ]

    static let segmentPreviewSchema: JSONValue = [
        "type": "object", "required": ["rule"], "additionalProperties": false, "properties": ["rule": segmentRuleSchema],
    ]
}
