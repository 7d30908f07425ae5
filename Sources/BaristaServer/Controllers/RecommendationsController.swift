import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// `POST /v1/recommendations` and `GET /v1/recommendations/report`.
struct RecommendationsController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.post, "/v1/recommendations", "Recommendations for a person or a page, by strategy", access: .publishable,
            body: OpenAPIDocument.recommendationRequestSchema) { request, context in
            let caller = try context.requireCaller()
            let body = try await JSONIO.body(request, limits: limits)
            let parsed = try RecommendationRequest.parse(body).mapError { BaristaError.invalid($0.errors) }.get()
            try await UserHashVerifier.require(parsed.user, caller: try context.requireCaller(), engine: engine)
            let result = try await engine.recommend(parsed, site: caller.site)
            return JSONIO.response(json: RecommendationResult.answerText(result))
        }
        routes.on(.get, "/v1/recommendations/report", "Impressions, clicks, orders and revenue per strategy", access: .secret,
            query: ["from", "to"]) { request, context in
            let site = try context.requireSecret()
            let now = engine.currentTime
            let from = try Self.time(request, "from") ?? now.addingTimeInterval(-30 * 86_400)
            let to = try Self.time(request, "to") ?? now.addingTimeInterval(1)
            guard from < to else { throw BaristaError.invalid("/from", "must be before to") }
            let rows = try await engine.recommendationReport(site: site, from: from, to: to)
            return JSONIO.response([
                "from": .string(Timestamp.format(from)), "to": .string(Timestamp.format(to)),
                "strategies": .array(rows.map(Self.json)),
            ])
        }
    }

    static func json(_ row: StrategyReport) -> JSONValue {
        func ratio(_ part: Int, _ whole: Int) -> JSONValue { whole == 0 ? .number(0) : .number((Double(part) / Double(whole) * 1e6).rounded() / 1e6) }
        return [
            "strategy": .string(row.strategy), "requests": .number(Double(row.requests)), "impressions": .number(Double(row.impressions)),
            "clicks": .number(Double(row.clicks)), "click_through": ratio(row.clicks, row.impressions), "adds": .number(Double(row.adds)),
            "orders": .number(Double(row.orders)), "conversion": ratio(row.orders, row.requests),
            "revenue": .number((row.revenue * 100).rounded() / 100),
        ]
    }

    /// A query time: RFC 3339 or Unix seconds; nil when absent.
    static func time(_ request: Request, _ name: String) throws -> Date? {
        guard let raw = request.uri.queryParameters.get(name), !raw.isEmpty else { return nil }
        if let date = Timestamp.parse(String(raw)) ?? Double(raw).map({ Date(timeIntervalSince1970: $0) }) { return date }
        throw APIError(status: .unprocessableContent, title: "Unprocessable Content", detail: "\(name) must be an RFC 3339 time or Unix seconds",
            errors: [FieldError(field: name, message: "must be an RFC 3339 time or Unix seconds")])
    }
}
