import BaristaCore
import Synchronization

/// The OpenAPI 3.1 document of the routes actually registered (see ``RouteTable``).
public enum OpenAPIDocument {
    private static let document = Mutex<JSONValue>(.null)

    /// The document of the last router built.
    public static var current: JSONValue { document.withLock { $0 } }

    static func publish(_ docs: [RouteDoc]) {
        document.withLock { $0 = build(docs) }
    }

    static func build(_ docs: [RouteDoc]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for doc in docs {
            var operation: [String: JSONValue] = [
                "summary": .string(doc.summary),
                "operationId": .string(operationID(doc)),
                "responses": responses(doc),
            ]
            var parameters: [JSONValue] = pathParameters(doc.path).map {
                ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string", "minLength": 1, "maxLength": 256]]
            }
            parameters += doc.query.map { name in
                let schema: JSONValue = name == "limit" ? ["type": "integer", "minimum": 1, "maximum": 1000] : ["type": "string"]
                return ["name": .string(name), "in": "query", "required": false, "schema": schema]
            }
            if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
            if let body = doc.requestBody {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
            }
            switch doc.access {
            case .open: operation["security"] = []
            case .secret: operation["security"] = [["secretKey": []]]
            case .publishable: operation["security"] = [["secretKey": []], ["publishableKey": []]]
            }
            var item = paths[doc.path]?.objectValue ?? [:]
            item[doc.method.rawValue.lowercased()] = .object(operation)
            paths[doc.path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Barista", "version": "1", "description": "Real-time personalization: events in, one profile per person, personal answers out."],
            "paths": .object(paths),
            "components": [
                "securitySchemes": [
                    "secretKey": ["type": "http", "scheme": "bearer", "description": "sk_… secret key: everything"],
                    "publishableKey": ["type": "http", "scheme": "bearer", "description": "pk_… publishable key: events, recommendations, rank, decide"],
                ],
                "schemas": ["Problem": problemSchema],
            ],
        ]
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    static func operationID(_ doc: RouteDoc) -> String {
        let words = doc.path.split(whereSeparator: { "/{}:_.".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return doc.method.rawValue.lowercased() + words.joined()
    }

    static func responses(_ doc: RouteDoc) -> JSONValue {
        let problem: JSONValue = ["description": "A problem (RFC 9457)", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
        var responses: [String: JSONValue] = [String(doc.successStatus): ["description": "Success", "content": ["application/json": ["schema": ["type": "object"]]]]]
        if doc.path == "/metrics" {
            responses["200"] = ["description": "Prometheus text", "content": ["text/plain": ["schema": ["type": "string"]]]]
        }
        if doc.path == "/sdk/barista.js" {
            responses["200"] = ["description": "The browser tag", "content": ["application/javascript": ["schema": ["type": "string"]]]]
            responses["304"] = ["description": "Not modified (If-None-Match)"]
        }
        if doc.replaces { responses["200"] = ["description": "Replaced", "content": ["application/json": ["schema": ["type": "object"]]]] }
        if doc.method == .post && doc.successStatus == 201 && !doc.replaces { responses["409"] = problem }
        if doc.access != .open {
            responses["401"] = problem
            responses["403"] = problem
        }
        if doc.requestBody != nil {
            responses["400"] = problem
            responses["413"] = problem
            responses["422"] = problem
            responses["507"] = problem  // the disk holding the data is full: nothing was stored
        }
        if !pathParameters(doc.path).isEmpty || !doc.query.isEmpty {
            responses["404"] = problem
            responses["422"] = problem
        }
        if doc.path == "/ready" { responses["503"] = problem }
        if doc.path == "/v1/rewards/redeem" { responses["409"] = problem }  // the balance is short
        return .object(responses)
    }

    static let problemSchema: JSONValue = [
        "type": "object", "required": ["type", "title", "status", "detail"],
        "properties": [
            "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
            "errors": ["type": "array", "items": ["type": "object", "required": ["field", "message"],
                "properties": ["field": ["type": "string"], "message": ["type": "string"]]]],
        ],
    ]

    static let eventSchema: JSONValue = [
        "type": "object",
        "properties": [
            "type": ["enum": ["track", "identify", "alias", "page", "screen"]],
            "event": ["type": "string"], "user_id": ["type": "string"], "anonymous_id": ["type": "string"],
            "previous_id": ["type": "string"], "message_id": ["type": "string"],
            "timestamp": ["oneOf": [["type": "string", "format": "date-time"], ["type": "number"]]],
            "properties": ["type": "object"], "traits": ["type": "object"], "context": ["type": "object"],
        ],
    ]

    static let eventBatchSchema: JSONValue = [
        "oneOf": [["type": "object", "required": ["batch"], "properties": ["batch": ["type": "array", "maxItems": 1000, "items": eventSchema]]], eventSchema],
    ]

    static let itemSchema: JSONValue = [
        "type": "object",
        "properties": [
            "item_id": ["type": "string"], "title": ["type": "string"], "category": ["type": "string"], "brand": ["type": "string"],
            "color": ["type": "string"], "style": ["type": "string"], "price": ["type": "number", "minimum": 0],
            "currency": ["type": "string"], "tags": ["type": "array", "items": ["type": "string"]], "in_stock": ["type": "boolean"],
            "url": ["type": "string"], "image_url": ["type": "string"], "attributes": ["type": "object"],
            "published_at": ["type": "string", "format": "date-time"],
        ],
        "additionalProperties": false,
    ]

    static let itemBatchSchema: JSONValue = [
        "type": "object", "required": ["items"], "properties": ["items": ["type": "array", "maxItems": 1000, "items": itemSchema]],
    ]

    static let consentSchema: JSONValue = [
        "type": "object", "additionalProperties": false,
        "properties": ["personalization": ["type": "boolean"], "email": ["type": "boolean"], "analytics": ["type": "boolean"]],
    ]

    static let preferencesSchema: JSONValue = [
        "type": "object", "additionalProperties": false,
        "properties": [
            "brands": ["type": "array", "items": ["type": "string"]], "colors": ["type": "array", "items": ["type": "string"]],
            "categories": ["type": "array", "items": ["type": "string"]], "styles": ["type": "array", "items": ["type": "string"]],
            "email_frequency_per_week": ["type": "number", "minimum": 0, "maximum": 100],
        ],
    ]

    static let recommendationRequestSchema: JSONValue = [
        "type": "object", "required": ["strategy"], "additionalProperties": false,
        "properties": [
            "user": ["type": "object", "properties": ["user_id": ["type": "string"], "anonymous_id": ["type": "string"]]],
            "strategy": ["enum": .array(RecommendationStrategy.allCases.map { .string($0.rawValue) })],
            "limit": ["type": "integer", "minimum": 1, "maximum": 100],
            "context": ["type": "object", "properties": [
                "item_id": ["type": "string"], "cart": ["type": "array", "items": ["type": "string"]], "channel": ["type": "string"],
            ]],
            "filters": ["type": "object", "additionalProperties": false, "properties": [
                "category": ["oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]],
                "price": ["type": "object", "additionalProperties": false, "properties": ["min": ["type": "number", "minimum": 0], "max": ["type": "number", "minimum": 0]]],
                "in_stock": ["type": "boolean"],
                "attributes": ["type": "object", "additionalProperties": ["type": "array", "items": ["type": "string"]]],
            ]],
            "exclude": ["type": "object", "additionalProperties": false, "properties": [
                "purchased": ["type": "boolean"], "viewed": ["type": "boolean"], "cart": ["type": "boolean"],
                "items": ["type": "array", "items": ["type": "string"]],
            ]],
            "diversity": ["type": "object", "required": ["max_per", "value"], "additionalProperties": false, "properties": [
                "max_per": ["enum": ["brand", "category", "color", "style"]], "value": ["type": "integer", "minimum": 1, "maximum": 100],
            ]],
        ],
    ]
}
