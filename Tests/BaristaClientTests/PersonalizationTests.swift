import BaristaClient
import Crypto
import Foundation
import Testing

struct PersonalizationTests {
    /// A server with a small catalog and a running experience on `home_hero`.
    static func shop() async throws -> LiveBarista {
        let server = try await LiveBarista.start()
        for (id, category) in [("sku-1", "shoes"), ("sku-2", "shoes"), ("sku-3", "shirts"), ("sku-4", "shirts")] {
            try await server.admin("PUT", "/v1/items/\(id)", #"{"title":"Item \#(id)","category":"\#(category)","price":20}"#)
        }
        let status = try await server.admin("POST", "/v1/experiences", """
            {"key":"home-hero","placement":"home_hero","status":"running",
             "variants":[{"key":"a","payload":{"headline":"Hello"}}],"allocation":{"type":"ab","weights":{"a":100}}}
            """)
        #expect(status == 201)
        return server
    }

    @Test func recommendationsRankAndDecideAnswerTypedModels() async throws {
        let server = try await Self.shop()
        defer { Task { await server.stop() } }
        let app = server.client()
        try await app.track("Product Viewed", properties: ["product_id": "sku-1"], userID: "u1")
        try await app.flush()

        let trending = try await app.recommendations(RecommendationRequest(strategy: .trending, user: .user("u1"), limit: 3))
        #expect(trending.strategy == .trending)
        #expect(!trending.recommendationID.isEmpty)
        #expect(!trending.items.isEmpty && trending.items.count <= 3)
        #expect(trending.items.allSatisfy { $0.item?.itemID == $0.itemID })

        var similar = RecommendationRequest(strategy: .similar, contextItem: "sku-1")
        similar.filters.categories = ["shoes"]
        let alike = try await app.recommendations(similar)
        #expect(alike.items.allSatisfy { $0.item?.category == "shoes" && $0.itemID != "sku-1" })

        let ranked = try await app.rank(items: ["sku-3", "sku-1", "unknown"], user: .user("u1"))
        #expect(!ranked.rankingID.isEmpty)
        #expect(Set(ranked.itemIDs) == ["sku-3", "sku-1", "unknown"])
        #expect(ranked.itemIDs.last == "unknown")

        let decisions = try await app.decide(placements: ["home_hero", "nowhere"], user: .user("u1"))
        #expect(decisions.map(\.placement) == ["home_hero", "nowhere"])
        #expect(decisions[0].experience == "home-hero" && decisions[0].variant == "a")
        #expect(decisions[0].payload["headline"] == "Hello")
        #expect(decisions[0].decisionID != nil && !decisions[0].control)
        #expect(decisions[1].experience == nil && decisions[1].variant == nil)
    }

    @Test func anInvalidRequestThrowsA422NamingTheField() async throws {
        let server = try await LiveBarista.start()
        defer { Task { await server.stop() } }
        let app = server.client()
        do {
            _ = try await app.recommendations(RecommendationRequest(strategy: .similar))
            Issue.record("a similar request without an item was answered")
        } catch let error as BaristaClientError {
            #expect(error.status == 422)
            #expect(error.problem?.status == 422)
            #expect(error.problem?.title == "Unprocessable Content")
            #expect(error.problem?.errors.map(\.field) == ["/context/item_id"])
            #expect(!error.isTransient)
        }
    }
}

extension PersonalizationTests {
    @Test func onASiteThatRequiresUserHashesTheAppSendsTheHashItWasGiven() async throws {
        let server = try await Self.shop()
        defer { Task { await server.stop() } }
        let secret = "identity-secret-0123456789"
        #expect(try await server.admin("PATCH", "/v1/settings", #"{"require_user_hash":true,"identity_secret":"\#(secret)"}"#) == 200)
        // What the shop's server computes: hex HMAC-SHA256(identity_secret, user id).
        let computed = HMAC<SHA256>.authenticationCode(for: Array("u1".utf8), using: SymmetricKey(data: Array(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        let forged = String(repeating: "ab", count: 32)
        let app = server.client()
        try await app.identify(userID: "u1", traits: ["email": "u1@example.com"], userHash: computed)
        try await app.track("Product Viewed", properties: ["product_id": "sku-1"])
        let report = try await app.flush()
        #expect(report.accepted == 2 && report.rejected.isEmpty, "\(report)")
        let picks = try await app.recommendations(RecommendationRequest(strategy: .forYou, limit: 2))
        #expect(!picks.items.isEmpty, "the current user's requests carry the hash too")

        let forger = server.client()
        try await forger.identify(userID: "u1", userHash: forged)
        let refused = try await forger.flush()
        #expect(refused.accepted == 0 && refused.rejected.first?.errors.first?.field == "/batch/0/user_hash")
    }
}
