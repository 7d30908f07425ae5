import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// `POST /v1/rank` (the caller's own list in the person's order) and `GET /v1/items/{item_id}/audience`
/// (the people most likely to engage with an item).
struct RankingController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.post, "/v1/rank", "The caller's own list (search results, a category page) in the person's order",
            access: .publishable, body: OpenAPIDocument.rankRequestSchema) { request, context in
            let caller = try context.requireCaller()
            let body = try await JSONIO.body(request, limits: limits)
            let parsed = try RankRequest.parse(body).mapError { BaristaError.invalid($0.errors) }.get()
            try await UserHashVerifier.require(parsed.user, caller: try context.requireCaller(), engine: engine)
            return JSONIO.response(json: try await engine.rank(parsed, site: caller.site).jsonText)
        }
        routes.on(.get, "/v1/items/{item_id}/audience", "The people most likely to engage with an item, also a brand-new one",
            access: .secret, query: ["limit", "threshold"]) { request, context in
            let site = try context.requireSecret()
            let id = ItemID(try JSONIO.parameter("item_id", context))
            let query = request.uri.queryParameters
            var limit = 100
            if let text = query.get("limit") {
                guard let value = Int(text), (1...1000).contains(value) else { throw BaristaError.invalid("limit", "must be a whole number from 1 to 1000") }
                limit = value
            }
            var threshold = 0.1
            if let text = query.get("threshold") {
                guard let value = Double(text), (0...1).contains(value) else { throw BaristaError.invalid("threshold", "must be a number from 0 to 1") }
                threshold = value
            }
            guard let audience = try await engine.audience(of: id, limit: limit, threshold: threshold, site: site) else {
                throw BaristaError.notFound("no item has the id \(id.rawValue)")
            }
            return JSONIO.response(audience.json)
        }
    }
}

extension OpenAPIDocument {
    static let rankRequestSchema: JSONValue = [
        "type": "object", "required": ["items"], "additionalProperties": false,
        "properties": [
            "user": ["type": "object", "properties": ["user_id": ["type": "string"], "anonymous_id": ["type": "string"]]],
            "items": ["type": "array", "minItems": 1, "maxItems": .number(Double(RankRequest.maximumItems)), "uniqueItems": true,
                "items": ["type": "string", "minLength": 1, "maxLength": 256]],
            "context": ["type": "object"],
        ],
    ]
}
