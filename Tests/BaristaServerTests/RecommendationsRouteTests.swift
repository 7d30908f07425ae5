import BaristaCore
import BaristaTesting
import Foundation
import Hummingbird
import Testing

/// Each strategy on small crafted shops, through HTTP.
struct RecommendationsRouteTests {
    /// Unix seconds `minutes` before the harness clock.
    static func at(_ minutes: Double) -> Double { Fixtures.now.timeIntervalSince1970 - minutes * 60 }

    static func view(_ user: String, _ item: String, minutesAgo: Double, extra: String = "") -> String {
        #"{"type":"track","event":"Product Viewed","user_id":"\#(user)","timestamp":\#(at(minutesAgo)),"properties":{"product_id":"\#(item)"\#(extra)}}"#
    }

    static func order(_ user: String, _ items: [String], minutesAgo: Double) -> String {
        let lines = items.map { #"{"product_id":"\#($0)","quantity":1,"price":10}"# }.joined(separator: ",")
        return #"{"type":"track","event":"Order Completed","user_id":"\#(user)","timestamp":\#(at(minutesAgo)),"properties":{"products":[\#(lines)],"revenue":\#(items.count * 10)}}"#
    }

    static func catalog(_ client: ClientProxy, _ items: [(id: String, title: String, category: String, brand: String)], outOfStock: Set<String> = []) async throws {
        let body = items.map { item in
            #"{"item_id":"\#(item.id)","title":"\#(item.title)","category":"\#(item.category)","brand":"\#(item.brand)","price":10,"in_stock":\#(!outOfStock.contains(item.id))}"#
        }.joined(separator: ",")
        let reply = try await client.send(.post, "/v1/items:batch", body: #"{"items":[\#(body)]}"#)
        #expect(reply.status == .ok)
    }

    static func send(_ client: ClientProxy, _ events: [String]) async throws {
        let reply = try await client.send(.post, "/v1/events", body: #"{"batch":[\#(events.joined(separator: ","))]}"#)
        #expect(reply.status == .accepted && reply.json["accepted"]?.doubleValue == Double(events.count), "\(reply.text)")
    }

    static func ids(_ reply: ClientProxy.Reply) -> [String] {
        reply.json["items"]?.arrayValue?.compactMap { $0["item_id"]?.stringValue } ?? []
    }

    @Test func boughtTogetherReturnsTheComplementNotTheSubstitute() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, [
                ("shoe-a", "Trail Runner 2", "shoes", "Nimbus"), ("shoe-b", "Road Runner", "shoes", "Nimbus"),
                ("socks", "Running Socks", "socks", "Nimbus"), ("cap", "Cap", "hats", "Other"),
            ])
            var events: [String] = []
            for person in 0..<6 {
                events.append(Self.view("p\(person)", "shoe-a", minutesAgo: 50))
                events.append(Self.view("p\(person)", "shoe-b", minutesAgo: 49))
                events.append(Self.order("p\(person)", ["shoe-a", "socks"], minutesAgo: 40))
            }
            events.append(Self.order("q", ["cap"], minutesAgo: 30))
            try await Self.send(client, events)
            let reply = try await client.send(.post, "/v1/recommendations", key: h.publishableKey,
                body: #"{"strategy":"bought_together","context":{"item_id":"shoe-a"},"limit":3}"#)
            #expect(reply.status == .ok)
            let items = Self.ids(reply)
            #expect(items.first == "socks")
            #expect(!items.contains("shoe-a"))
            #expect(items.firstIndex(of: "shoe-b").map { $0 > 0 } ?? true, "a substitute is not a complement")
            #expect(reply.json["items"]?.arrayValue?.first?["reason"]?.stringValue == "Often bought with Trail Runner 2")
            #expect(reply.json["items"]?.arrayValue?.first?["item"]?["title"] == "Running Socks")
            #expect(reply.json["recommendation_id"]?.stringValue?.hasPrefix("rec_") == true)
            #expect(reply.json["model_version"] == "live")

            let similar = try await client.send(.post, "/v1/recommendations", body: #"{"strategy":"similar","context":{"item_id":"shoe-a"}}"#)
            #expect(Self.ids(similar).first == "shoe-b", "similar is the co-viewed substitute: \(similar.text)")
        }
    }

    @Test func nextReturnsTheNextSeasonAndNeverThePreviousOne() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, (1...4).map { ("s\($0)", "Season \($0)", "series", "Studio") })
            var events: [String] = []
            for person in 0..<5 {
                for season in 1...3 { events.append(Self.view("v\(person)", "s\(season)", minutesAgo: Double(100 - season * 10))) }
            }
            try await Self.send(client, events)
            let afterOne = try await client.send(.post, "/v1/recommendations", body: #"{"strategy":"next","context":{"item_id":"s1"}}"#)
            #expect(Self.ids(afterOne).first == "s2")
            #expect(afterOne.json["items"]?.arrayValue?.first?["reason"]?.stringValue == "Often comes next after Season 1")
            let afterTwo = try await client.send(.post, "/v1/recommendations", body: #"{"strategy":"next","context":{"item_id":"s2"},"limit":1}"#)
            #expect(Self.ids(afterTwo) == ["s3"])
        }
    }

    @Test func excludedOutOfStockAndDeletedItemsNeverAppear() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, (1...8).map { ("i\($0)", "Item \($0)", "c", "b") }, outOfStock: ["i2"])
            var events: [String] = []
            for person in 0..<4 {
                for item in 1...8 { events.append(Self.view("x\(person)", "i\(item)", minutesAgo: Double(100 - item))) }
            }
            events.append(Self.order("u", ["i3"], minutesAgo: 5))
            events.append(Self.view("u", "i1", minutesAgo: 4))
            try await Self.send(client, events)
            #expect(try await client.send(.delete, "/v1/items/i4").status == .ok)
            for strategy in ["for_you", "trending", "because_you_viewed", "similar", "next"] {
                let reply = try await client.send(.post, "/v1/recommendations",
                    body: #"{"user":{"user_id":"u"},"strategy":"\#(strategy)","context":{"item_id":"i1"},"exclude":{"items":["i5"]},"limit":20}"#)
                #expect(reply.status == .ok)
                let items = Self.ids(reply)
                #expect(!items.isEmpty, "\(strategy) answered nothing")
                for banned in ["i2", "i3", "i4", "i5"] { #expect(!items.contains(banned), "\(strategy) returned \(banned)") }
            }
        }
    }

    @Test func aNewItemGetsSimilarItemsFromItsAttributes() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, [
                ("old-1", "Cafetière", "coffee", "Bodum"), ("old-2", "Grinder", "coffee", "Hario"), ("old-3", "Teapot", "tea", "Bodum"),
                ("old-4", "Mug", "kitchen", "Ikea"), ("new", "Cafetière XL", "coffee", "Bodum"),
            ])
            let reply = try await client.send(.post, "/v1/recommendations", body: #"{"strategy":"similar","context":{"item_id":"new"},"limit":2}"#)
            #expect(Self.ids(reply).first == "old-1")
            #expect(reply.json["items"]?.arrayValue?.first?["reason"]?.stringValue?.contains("Cafetière XL") == true)
        }
    }

    @Test func coldStartIsNeverEmptyAndSaysWhy() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, (1...5).map { ("i\($0)", "Item \($0)", $0 < 3 ? "shoes" : "bags", "b") })
            // A site without events: the newest items.
            let empty = try await client.send(.post, "/v1/recommendations", body: #"{"user":{"user_id":"nobody"},"strategy":"for_you","limit":3}"#)
            #expect(Self.ids(empty).count == 3)
            try await Self.send(client, [Self.view("a", "i4", minutesAgo: 3), Self.view("b", "i4", minutesAgo: 2), Self.view("c", "i5", minutesAgo: 1)])
            let stranger = try await client.send(.post, "/v1/recommendations", body: #"{"user":{"anonymous_id":"never-seen"},"strategy":"for_you"}"#)
            #expect(Self.ids(stranger).first == "i4")
            #expect(stranger.json["items"]?.arrayValue?.first?["reason"] == "Trending now")
            // Stated preferences come first for a person without history.
            _ = try await client.send(.put, "/v1/profiles/pref-1/preferences", body: #"{"categories":["shoes"]}"#)
            let stated = try await client.send(.post, "/v1/recommendations", body: #"{"user":{"user_id":"pref-1"},"strategy":"for_you","limit":2}"#)
            #expect(Set(Self.ids(stated)) == ["i1", "i2"], "\(stated.text)")
            #expect(stated.json["items"]?.arrayValue?.first?["reason"] == "Matches your preferred category shoes")
        }
    }

    @Test func aViewChangesForYouAndBecauseYouViewedOnTheNextCall() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, [
                ("tent", "Tent", "camping", "A"), ("stove", "Stove", "camping", "A"), ("lamp", "Lamp", "camping", "A"),
                ("dress", "Dress", "fashion", "B"), ("scarf", "Scarf", "fashion", "B"), ("hat", "Hat", "fashion", "B"),
            ])
            var events: [String] = []
            for person in 0..<5 {
                events += [Self.view("c\(person)", "tent", minutesAgo: 60), Self.view("c\(person)", "stove", minutesAgo: 59), Self.view("c\(person)", "lamp", minutesAgo: 58)]
                events += [Self.view("f\(person)", "dress", minutesAgo: 60), Self.view("f\(person)", "scarf", minutesAgo: 59), Self.view("f\(person)", "hat", minutesAgo: 58)]
            }
            try await Self.send(client, events + [Self.view("me", "tent", minutesAgo: 10)])
            let request = #"{"user":{"user_id":"me"},"strategy":"for_you","limit":2}"#
            let before = Self.ids(try await client.send(.post, "/v1/recommendations", body: request))
            #expect(Set(before) == ["stove", "lamp"])
            try await Self.send(client, [Self.view("me", "dress", minutesAgo: 1)])
            let after = Self.ids(try await client.send(.post, "/v1/recommendations", body: request))
            #expect(after.contains("scarf") || after.contains("hat"), "the new view counts at once: \(after)")
            let because = try await client.send(.post, "/v1/recommendations", body: #"{"user":{"user_id":"me"},"strategy":"because_you_viewed","limit":1}"#)
            #expect(because.json["items"]?.arrayValue?.first?["reason"] == "Because you viewed Dress")
            let recent = try await client.send(.post, "/v1/recommendations", body: #"{"user":{"user_id":"me"},"strategy":"recently_viewed"}"#)
            #expect(Self.ids(recent) == ["dress", "tent"])
        }
    }

    @Test func withoutConsentOnlyNonPersonalizedResults() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, (1...4).map { ("i\($0)", "Item \($0)", "c", "b") })
            try await Self.send(client, [Self.view("a", "i1", minutesAgo: 5), Self.view("a", "i2", minutesAgo: 4), Self.view("me", "i3", minutesAgo: 3)])
            _ = try await client.send(.put, "/v1/profiles/me/consent", body: #"{"personalization":false}"#)
            let reply = try await client.send(.post, "/v1/recommendations", body: #"{"user":{"user_id":"me"},"strategy":"for_you"}"#)
            let reasons = reply.json["items"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
            #expect(!reasons.isEmpty)
            #expect(reasons.allSatisfy { $0.contains("not personalized") })
            let recent = try await client.send(.post, "/v1/recommendations", body: #"{"user":{"user_id":"me"},"strategy":"recently_viewed"}"#)
            #expect(!Self.ids(recent).isEmpty && Self.ids(recent) != ["i3"])
        }
    }

    @Test func filtersDiversityAndBoosts() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, [
                ("a1", "A1", "shoes", "Acme"), ("a2", "A2", "shoes", "Acme"), ("a3", "A3", "shoes", "Acme"),
                ("b1", "B1", "shoes", "Bolt"), ("c1", "C1", "bags", "Acme"),
            ])
            var events: [String] = []
            for (rank, item) in ["a1", "a2", "a3", "c1", "b1"].enumerated() {
                for person in 0..<(10 - rank) { events.append(Self.view("p\(person)", item, minutesAgo: Double(30 - rank))) }
            }
            try await Self.send(client, events)
            let diverse = try await client.send(.post, "/v1/recommendations",
                body: #"{"strategy":"trending","filters":{"category":["shoes"]},"diversity":{"max_per":"brand","value":1},"limit":5}"#)
            #expect(Self.ids(diverse) == ["a1", "b1"])
            let priced = try await client.send(.post, "/v1/recommendations", body: #"{"strategy":"trending","filters":{"price":{"min":20}}}"#)
            #expect(priced.status == .ok && Self.ids(priced).isEmpty, "no item costs 20 or more, so nothing passes the filter")
            _ = try await client.send(.patch, "/v1/settings", body: #"{"boosts":[{"attribute":"brand","value":"Bolt","factor":100}]}"#)
            let boosted = try await client.send(.post, "/v1/recommendations", body: #"{"strategy":"trending","limit":1}"#)
            #expect(Self.ids(boosted) == ["b1"])
        }
    }

    @Test func badRequestsNameTheFieldAtFault() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            func post(_ body: String) async throws -> ClientProxy.Reply { try await client.send(.post, "/v1/recommendations", body: body) }
            #expect(try await post(#"{"limit":3}"#).isProblem(.unprocessableContent, field: "/strategy"))
            #expect(try await post(#"{"strategy":"psychic"}"#).isProblem(.unprocessableContent, field: "/strategy"))
            #expect(try await post(#"{"strategy":"similar"}"#).isProblem(.unprocessableContent, field: "/context/item_id"))
            #expect(try await post(#"{"strategy":"bought_together"}"#).isProblem(.unprocessableContent, field: "/context"))
            #expect(try await post(#"{"strategy":"trending","limit":101}"#).isProblem(.unprocessableContent, field: "/limit"))
            #expect(try await post(#"{"strategy":"trending","exclude":{"purchase":true}}"#).isProblem(.unprocessableContent, field: "/exclude/purchase"))
            #expect(try await post(#"{"strategy":"trending","filters":{"price":{"min":9,"max":3}}}"#).isProblem(.unprocessableContent, field: "/filters/price"))
            #expect(try await post(#"{"strategy":"trending","diversity":{"max_per":"size","value":2}}"#).isProblem(.unprocessableContent, field: "/diversity/max_per"))
            #expect(try await post(#"{"strategy":"for_you","user":{}}"#).isProblem(.unprocessableContent, field: "/user"))
            #expect(try await post(#"[1]"#).isProblem(.unprocessableContent))
            #expect(try await client.send(.post, "/v1/recommendations", key: "", body: #"{"strategy":"trending"}"#).isProblem(.unauthorized))
        }
    }

    @Test func theReportAttributesClicksAndOrdersToTheirStrategy() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            try await Self.catalog(client, (1...3).map { ("i\($0)", "Item \($0)", "c", "b") })
            try await Self.send(client, [Self.view("a", "i1", minutesAgo: 9), Self.view("b", "i1", minutesAgo: 8), Self.view("b", "i2", minutesAgo: 7)])
            let shown = try await client.send(.post, "/v1/recommendations", key: h.publishableKey, body: #"{"strategy":"trending","limit":2}"#)
            let id = try #require(shown.json["recommendation_id"]?.stringValue)
            let first = try #require(Self.ids(shown).first)
            _ = try await client.send(.post, "/v1/recommendations", body: #"{"strategy":"similar","context":{"item_id":"i1"}}"#)
            let click = #"{"type":"track","event":"Product Clicked","user_id":"me","message_id":"click-1","properties":{"product_id":"\#(first)","recommendation_id":"\#(id)"}}"#
            let buy = #"{"type":"track","event":"Order Completed","user_id":"me","message_id":"order-1","properties":{"recommendation_id":"\#(id)","revenue":42.5,"products":[{"product_id":"\#(first)"}]}}"#
            try await Self.send(client, [click, buy])
            _ = try await client.send(.post, "/v1/events", body: click)  // a retry counts once
            let report = try await client.send(.get, "/v1/recommendations/report")
            #expect(report.status == .ok)
            let rows = report.json["strategies"]?.arrayValue ?? []
            let trending = try #require(rows.first { $0["strategy"] == "trending" })
            #expect(trending["requests"] == 1)
            #expect(trending["impressions"] == 2)
            #expect(trending["clicks"] == 1)
            #expect(trending["click_through"] == 0.5)
            #expect(trending["orders"] == 1)
            #expect(trending["revenue"] == 42.5)
            #expect(rows.contains { $0["strategy"] == "similar" && $0["clicks"] == 0 })
            #expect(try await client.send(.get, "/v1/recommendations/report", key: h.publishableKey).isProblem(.forbidden))
            #expect(try await client.send(.get, "/v1/recommendations/report?from=yesterday").isProblem(.unprocessableContent, field: "from"))
        }
    }
}
