import BaristaCore
import BaristaTesting
import Hummingbird
import Testing

struct ProfilesRouteTests {
    @Test func theProfileViewHasEveryFieldOfTheContract() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            _ = try await client.send(.put, "/v1/items/sku-1", body: #"{"title":"Trail Runner 2","category":"shoes","brand":"Nimbus","color":"black","price":89}"#)
            _ = try await client.send(.post, "/v1/events", body: """
                {"batch":[
                 {"type":"identify","user_id":"u1","anonymous_id":"a1","traits":{"name":"Ada","address":{"country":"GB"}}},
                 {"type":"track","event":"Product Viewed","user_id":"u1","properties":{"product_id":"sku-1"}},
                 {"type":"track","event":"Product Added","user_id":"u1","properties":{"product_id":"sku-1","quantity":2}}
                ]}
                """)
            let view = try await client.send(.get, "/v1/profiles/u1").json
            for field in ["profile_id", "user_ids", "anonymous_ids", "traits", "consent", "preferences", "first_seen", "last_seen", "channels",
                "affinities", "intent", "cart", "recently_viewed", "orders", "revenue", "segments", "persona", "predictions",
                "email_cadence_per_week", "recent_events"]
            {
                #expect(view[field] != nil, "missing \(field)")
            }
            #expect(view["affinities"]?["brand"] == ["Nimbus": 1])
            #expect(view["cart"]?.arrayValue?.first?["quantity"] == 2)
            #expect(view["intent"] == "shopping")
            #expect(view["consent"] == ["personalization": true, "email": false, "analytics": true])
            let profileID = try #require(view["profile_id"]?.stringValue)
            #expect(try await client.send(.get, "/v1/profiles/\(profileID)").json["user_ids"] == ["u1"])
            #expect(try await client.send(.get, "/v1/profiles/a1").json["profile_id"]?.stringValue == profileID)
            #expect(try await client.send(.get, "/v1/profiles/a1?by=user_id").status == .notFound)
            #expect(try await client.send(.get, "/v1/profiles/a1?by=nonsense").isProblem(.unprocessableContent, field: "by"))
        }
    }

    @Test func idsInPathsArePercentDecoded() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            _ = try await client.send(.post, "/v1/events", body: #"{"type":"identify","user_id":"jo smith/1"}"#)
            #expect(try await client.send(.get, "/v1/profiles/jo%20smith%2F1").status == .ok)
            _ = try await client.send(.put, "/v1/items/BANK%20CHARGES", body: #"{"title":"Bank charges"}"#)
            #expect(try await client.send(.get, "/v1/items/BANK%20CHARGES").json["item_id"] == "BANK CHARGES")
        }
    }

    @Test func consentAndPreferencesAreStoredAndCreateUnknownPeople() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            let consent = try await client.send(.put, "/v1/profiles/new-1/consent", body: #"{"personalization":false,"email":true}"#)
            #expect(consent.status == .ok)
            #expect(consent.json == ["personalization": false, "email": true, "analytics": true])
            let preferences = try await client.send(.put, "/v1/profiles/new-1/preferences", body: #"{"brands":["Fjell"],"email_frequency_per_week":2}"#)
            #expect(preferences.json == ["brands": ["Fjell"], "email_frequency_per_week": 2])
            let view = try await client.send(.get, "/v1/profiles/new-1").json
            #expect(view["preferences"]?["brands"] == ["Fjell"])
            #expect(view["consent"]?["personalization"] == false)
            #expect(try await client.send(.put, "/v1/profiles/new-1/consent", body: #"{"marketing":true}"#).isProblem(.unprocessableContent, field: "/marketing"))
            #expect(try await client.send(.put, "/v1/profiles/new-1/preferences", body: #"{"brands":"Fjell"}"#).isProblem(.unprocessableContent, field: "/brands"))
        }
    }

    @Test func exportHoldsEveryEventAndErasureForgetsThePerson() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            _ = try await client.send(.post, "/v1/events", body: """
                {"batch":[
                 {"type":"track","event":"Product Viewed","anonymous_id":"a1","message_id":"e1","properties":{"product_id":"sku-1"}},
                 {"type":"identify","user_id":"u1","anonymous_id":"a1","message_id":"e2"},
                 {"type":"track","event":"Order Completed","user_id":"u1","message_id":"e3","properties":{"revenue":20}}
                ]}
                """)
            let export = try await client.send(.get, "/v1/profiles/u1/export").json
            #expect(export["events"]?.arrayValue?.map { $0["message_id"] } == ["e1", "e2", "e3"])
            #expect(export["profile"]?["orders"] == 1)
            #expect(export["decisions"] == [] && export["messages"] == [])
            let erased = try await client.send(.delete, "/v1/profiles/a1")
            #expect(erased.status == .ok && erased.json["erased"] == true)
            #expect(erased.json["receipt"]?["events_deleted"] == 3)
            for path in ["/v1/profiles/u1", "/v1/profiles/a1", "/v1/profiles/u1/export"] {
                #expect(try await client.send(.get, path).isProblem(.notFound), "\(path)")
            }
            #expect(try await client.send(.delete, "/v1/profiles/u1").isProblem(.notFound))
            #expect(try await client.send(.get, "/v1/profiles").json["profiles"] == [])
        }
    }

    @Test func profilesAreListedAPageAtATimeAndSearched() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            let batch = JSONValue.object(["batch": .array((0..<7).map { i in
                ["type": "identify", "user_id": .string("u\(i)"), "traits": ["email": .string("person\(i)@example.com")]]
            })])
            _ = try await client.send(.post, "/v1/events", json: batch)
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await client.send(.get, "/v1/profiles?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")).json
                seen += page["profiles"]?.arrayValue?.compactMap { $0["user_ids"]?.arrayValue?.first?.stringValue } ?? []
                cursor = page["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(Set(seen) == Set((0..<7).map { "u\($0)" }) && seen.count == 7)
            let found = try await client.send(.get, "/v1/profiles?q=person3%40").json["profiles"]?.arrayValue
            #expect(found?.map { $0["user_ids"] } == [["u3"]])
            #expect(try await client.send(.get, "/v1/profiles?limit=0").isProblem(.unprocessableContent, field: "limit"))
        }
    }
}

struct ItemsRouteTests {
    @Test func itemsAreCreatedReplacedListedAndDeleted() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            #expect(try await client.send(.put, "/v1/items/sku-1", body: #"{"title":"Runner","category":"shoes","price":10}"#).status == .created)
            #expect(try await client.send(.put, "/v1/items/sku-1", body: #"{"title":"Runner 2","category":"shoes","price":12}"#).status == .ok)
            let batch = try await client.send(.post, "/v1/items:batch", body: """
                {"items":[{"item_id":"sku-2","title":"Jacket","category":"jackets"},{"title":"no id"},{"item_id":"sku-3","price":"free"}]}
                """)
            #expect(batch.json["upserted"] == 1)
            #expect(batch.json["rejected"]?.arrayValue?.map { $0["index"] } == [1, 2])
            #expect(batch.json["rejected"]?.arrayValue?.last?["errors"]?.arrayValue?.first?["field"] == "/items/2/price")
            #expect(try await client.send(.get, "/v1/items/sku-1").json["title"] == "Runner 2")
            #expect(try await client.send(.get, "/v1/items?category=shoes").json["items"]?.arrayValue?.count == 1)
            #expect(try await client.send(.get, "/v1/items?q=jack").json["items"]?.arrayValue?.map { $0["item_id"] } == ["sku-2"])
            let page = try await client.send(.get, "/v1/items?limit=1").json
            #expect(page["next_cursor"] == "sku-1")
            #expect(try await client.send(.get, "/v1/items?limit=1&cursor=sku-1").json["items"]?.arrayValue?.first?["item_id"] == "sku-2")
            #expect(try await client.send(.delete, "/v1/items/sku-1").status == .ok)
            #expect(try await client.send(.get, "/v1/items/sku-1").isProblem(.notFound))
            #expect(try await client.send(.put, "/v1/items/sku-9", body: #"{"price":-3,"colour":"red"}"#).isProblem(.unprocessableContent, field: "/price"))
        }
    }
}

struct SettingsRouteTests {
    @Test func settingsReadAndPatchWithErrorsPerField() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            let defaults = try await client.send(.get, "/v1/settings").json
            #expect(defaults["feedback_weights"]?["Order Completed"] == 5)
            #expect(defaults["default_consent"] == ["personalization": true, "analytics": true, "email": false])
            let patched = try await client.send(.patch, "/v1/settings", body: #"{"global_holdout_percent":5,"webhook_secret":"0123456789abcdef"}"#)
            #expect(patched.json["global_holdout_percent"] == 5)
            #expect(patched.json["webhook_secret"] == ["set": true])
            let bad = try await client.send(.patch, "/v1/settings", body: #"{"global_holdout_percent":500}"#)
            #expect(bad.isProblem(.unprocessableContent, field: "/global_holdout_percent"))
            #expect(try await client.send(.get, "/v1/settings").json["global_holdout_percent"] == 5)
        }
    }
}
