import BaristaClient
import Foundation
import Testing

/// The JSON the client writes and reads, without a server.
struct WireFormatTests {
    private func object(_ value: some Encodable) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value)) as? NSDictionary)
    }

    @Test func aRecommendationRequestIsWrittenAsTheAPIReadsIt() throws {
        var request = RecommendationRequest(strategy: .boughtTogether, user: .user("u42"), limit: 4, contextCart: ["sku-7"], channel: "email")
        request.filters = RecommendationFilters(categories: ["shoes"], minimumPrice: 10, maximumPrice: 100, inStock: true,
            attributes: ["color": ["black"]])
        request.exclude = RecommendationExclusions(viewed: false, items: ["sku-3"])
        request.diversity = Diversity(maxPer: "brand", value: 3)

        let expected: NSDictionary = [
            "strategy": "bought_together", "user": ["user_id": "u42"], "limit": 4,
            "context": ["cart": ["sku-7"], "channel": "email"],
            "filters": ["category": ["shoes"], "price": ["min": 10, "max": 100], "in_stock": true, "attributes": ["color": ["black"]]],
            "exclude": ["viewed": false, "items": ["sku-3"]],
            "diversity": ["max_per": "brand", "value": 3],
        ]
        #expect(try object(request) == expected)
        #expect(try object(RecommendationRequest(strategy: .trending)) == ["strategy": "trending"])
    }

    @Test(arguments: RecommendationStrategy.allCases)
    func everyStrategyHasItsAPIName(_ strategy: RecommendationStrategy) {
        let names = ["for_you", "similar", "bought_together", "trending", "recently_viewed", "because_you_viewed", "next"]
        #expect(names.contains(strategy.rawValue))
    }

    @Test func freeFormValuesRoundTripAndKeepTheirKeys() throws {
        let value: JSONValue = ["product_id": "sku-1", "price": 49.5, "tags": ["a", nil, true], "address": ["city": "London"]]
        let decoded = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(value))
        #expect(decoded == value)
        #expect(decoded["product_id"]?.stringValue == "sku-1")
        #expect(decoded["tags"]?[1]?.isNull == true)
        #expect(decoded["price"]?.intValue == nil && JSONValue.number(3).intValue == 3)
    }

    @Test func anEventIsWrittenInTheSegmentShape() throws {
        let event = BaristaEvent(kind: .track, event: "Product Viewed", userID: "u1", anonymousID: "a1", messageID: "m-1",
            timestamp: Date(timeIntervalSince1970: 0), properties: ["product_id": "sku-1"])
        let json = try object(event)
        #expect(json["type"] as? String == "track" && json["event"] as? String == "Product Viewed")
        #expect(json["user_id"] as? String == "u1" && json["anonymous_id"] as? String == "a1" && json["message_id"] as? String == "m-1")
        #expect(json["timestamp"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(json["traits"] == nil)
        #expect(try JSONDecoder().decode(BaristaEvent.self, from: try JSONEncoder().encode(event)) == event)
    }

    @Test func aProblemWithoutFieldErrorsDecodes() throws {
        let problem = try JSONDecoder().decode(Problem.self, from: Data(#"{"type":"about:blank","title":"Forbidden","status":403,"detail":"no"}"#.utf8))
        #expect(problem == Problem(type: "about:blank", title: "Forbidden", status: 403, detail: "no"))
        let error = BaristaClientError.http(status: 403, problem: problem, retryAfter: nil)
        #expect(error.localizedDescription.contains("HTTP 403: no"))
    }
}
