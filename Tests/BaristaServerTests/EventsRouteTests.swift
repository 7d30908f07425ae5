import BaristaCore
import BaristaTesting
import Hummingbird
import Testing

struct EventsRouteTests {
    @Test func aBatchKeepsItsValidEventsAndReportsTheBadOnesByIndex() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            let reply = try await client.send(.post, "/v1/events", key: h.publishableKey, body: """
                {"batch":[
                  {"type":"track","event":"Product Viewed","anonymous_id":"a1","message_id":"m1","properties":{"product_id":"sku-1"}},
                  {"type":"track","event":"Product Viewed","anonymous_id":"a1","properties":"oops"},
                  {"type":"identify","userId":"u1","anonymousId":"a1","messageId":"m2","traits":{"email":"ada@example.com"}},
                  {"type":"track","event":"Product Viewed","anonymous_id":"a1","message_id":"m1","properties":{"product_id":"sku-1"}}
                ]}
                """)
            #expect(reply.status == .accepted)
            #expect(reply.json["accepted"] == 2 && reply.json["duplicates"] == 1)
            let rejected = try #require(reply.json["rejected"]?.arrayValue)
            #expect(rejected.count == 1)
            #expect(rejected[0]["index"] == 1)
            #expect(rejected[0]["errors"]?.arrayValue?.first?["field"] == "/batch/1/properties")
            // The very next read sees the accepted events.
            let profile = try await client.send(.get, "/v1/profiles/u1")
            #expect(profile.status == .ok)
            #expect(profile.json["anonymous_ids"] == ["a1"])
            #expect(profile.json["recently_viewed"]?.arrayValue?.first?["item_id"] == "sku-1")
        }
    }

    @Test func aSingleEventObjectIsAcceptedToo() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            let reply = try await client.send(.post, "/v1/events", body: #"{"type":"track","event":"Signed Up","user_id":"u9"}"#)
            #expect(reply.status == .accepted && reply.json["accepted"] == 1)
            let bad = try await client.send(.post, "/v1/events", body: #"{"type":"track","user_id":"u9"}"#)
            #expect(bad.status == .accepted && bad.json["accepted"] == 0)
            #expect(bad.json["rejected"]?.arrayValue?.first?["errors"]?.arrayValue?.first?["field"] == "/event")
        }
    }

    @Test func malformedJSONIsA400Problem() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            #expect(try await client.send(.post, "/v1/events", body: #"{"batch":[{"type":"#).isProblem(.badRequest))
            #expect(try await client.send(.post, "/v1/events", body: "").isProblem(.badRequest))
            #expect(try await client.send(.post, "/v1/events", body: "[1,2]").isProblem(.badRequest))
            #expect(try await client.send(.post, "/v1/events", body: #"{"batch":{}}"#).isProblem(.unprocessableContent, field: "/batch"))
        }
    }

    @Test func limitsAnswer413() async throws {
        var limits = Limits()
        limits.maxBatchEvents = 3
        limits.maxBodyBytes = 2_000
        let h = try await ServerHarness(limits: limits)
        try await h.test { (client: ClientProxy) async throws in
            let four = JSONValue.object(["batch": .array((0..<4).map { i in ["type": "track", "event": "x", "user_id": .string("u\(i)")] })])
            #expect(try await client.send(.post, "/v1/events", json: four).isProblem(.contentTooLarge, field: "/batch"))
            let big = JSONValue.object(["type": "track", "event": "x", "user_id": "u", "properties": ["note": .string(String(repeating: "x", count: 3_000))]])
            #expect(try await client.send(.post, "/v1/events", json: big).isProblem(.contentTooLarge))
            // Nothing of a refused batch was kept.
            #expect(try await client.send(.get, "/v1/profiles/u0").status == .notFound)
        }
    }

    @Test func theBeaconFormTakesAPublishableKeyInTheQuery() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            let ok = try await client.send(.post, "/v1/events?key=\(h.publishableKey)", key: "", body: #"{"type":"page","anonymous_id":"b1"}"#)
            #expect(ok.status == .accepted && ok.json["accepted"] == 1)
            let secret = try await client.send(.post, "/v1/events?key=\(h.secretKey)", key: "", body: #"{"type":"page","anonymous_id":"b1"}"#)
            #expect(secret.isProblem(.forbidden))
        }
    }
}

struct AuthTests {
    @Test func everyV1RouteNeedsAKnownKey() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            #expect(try await client.send(.get, "/v1/profiles", key: "").isProblem(.unauthorized))
            #expect(try await client.send(.get, "/v1/profiles", key: "sk_unknownunknownunknownunknown00").isProblem(.unauthorized))
            #expect(try await client.send(.post, "/v1/events", key: "", body: "{}").isProblem(.unauthorized))
            #expect(try await client.send(.get, "/health", key: "").status == .ok)
        }
    }

    @Test func aPublishableKeyCannotReadProfilesOrChangeTheCatalog() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            _ = try await client.send(.post, "/v1/events", key: h.publishableKey, body: #"{"type":"identify","user_id":"u1"}"#)
            #expect(try await client.send(.get, "/v1/profiles/u1", key: h.publishableKey).isProblem(.forbidden))
            #expect(try await client.send(.get, "/v1/profiles", key: h.publishableKey).isProblem(.forbidden))
            #expect(try await client.send(.put, "/v1/items/x", key: h.publishableKey, body: "{}").isProblem(.forbidden))
            #expect(try await client.send(.delete, "/v1/profiles/u1", key: h.publishableKey).isProblem(.forbidden))
            #expect(try await client.send(.get, "/v1/settings", key: h.publishableKey).isProblem(.forbidden))
        }
    }

    @Test func aRevokedKeyStopsWorking() async throws {
        let h = try await ServerHarness()
        try await h.test { (client: ClientProxy) async throws in
            #expect(try await client.send(.get, "/v1/profiles").status == .ok)
            #expect(try await h.engine.revokeKeys(prefix: String(h.secretKey.prefix(11))) == 1)
            #expect(try await client.send(.get, "/v1/profiles").isProblem(.unauthorized))
        }
    }

    @Test func oneSiteCanNeitherReadNorChangeAnothersData() async throws {
        let h = try await ServerHarness()
        let other = try await h.engine.createSite(named: "rival")
        try await h.test { (client: ClientProxy) async throws in
            // Given a person and an item in the first site
            _ = try await client.send(.post, "/v1/events", body: #"{"type":"identify","user_id":"shared-id","traits":{"email":"a@shop.example"}}"#)
            _ = try await client.send(.put, "/v1/items/sku-1", body: #"{"title":"Ours"}"#)
            // Then the other site's key sees none of it
            #expect(try await client.send(.get, "/v1/profiles/shared-id", key: other.secretKey).status == .notFound)
            #expect(try await client.send(.get, "/v1/profiles", key: other.secretKey).json["profiles"] == [])
            #expect(try await client.send(.get, "/v1/items/sku-1", key: other.secretKey).status == .notFound)
            #expect(try await client.send(.delete, "/v1/items/sku-1", key: other.secretKey).status == .notFound)
            #expect(try await client.send(.delete, "/v1/profiles/shared-id", key: other.secretKey).status == .notFound)
            #expect(try await client.send(.get, "/v1/profiles/shared-id/export", key: other.secretKey).status == .notFound)
            // And when the other site uses the same ids, it gets its own, separate person and item
            _ = try await client.send(.post, "/v1/events", key: other.publishableKey, body: #"{"type":"identify","user_id":"shared-id","traits":{"email":"b@rival.example"}}"#)
            _ = try await client.send(.put, "/v1/items/sku-1", key: other.secretKey, body: #"{"title":"Theirs"}"#)
            _ = try await client.send(.put, "/v1/profiles/shared-id/consent", key: other.secretKey, body: #"{"email":true}"#)
            let ours = try await client.send(.get, "/v1/profiles/shared-id")
            #expect(ours.json["traits"]?["email"] == "a@shop.example")
            #expect(ours.json["consent"]?["email"] == false)
            #expect(try await client.send(.get, "/v1/items/sku-1").json["title"] == "Ours")
        }
    }
}
