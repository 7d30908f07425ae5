import BaristaCore
import BaristaEngine
import BaristaTesting
import Foundation
import Testing

/// `/v1/rewards/program`, `POST /v1/rewards/redeem` and the profile view's `rewards`, over HTTP.
struct RewardsRouteTests {
    static let program: JSONValue = [
        "earn": [["event": "Order Completed", "points_per_unit": 10, "unit": "revenue"]],
        "multipliers": [["segment": "vip", "factor": 2, "from": "2026-12-24T00:00:00Z", "to": "2026-12-27T00:00:00Z"]],
        "tiers": [["key": "gold", "min_points": 1000, "window": "365d", "benefits": ["free_shipping": true]]],
        "rewards": [["key": "free-drink", "points": 100, "title": "A free drink"]],
    ]

    @Test func theProgramIsReadAndReplacedWithTheSecretKeyOnly() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let empty = try await client.send(.get, "/v1/rewards/program")
            #expect(empty.status == .ok && empty.json["earn"] == [] && empty.json["rewards"] == [])
            let saved = try await client.send(.put, "/v1/rewards/program", json: Self.program)
            #expect(saved.status == .ok)
            #expect(saved.json["earn"]?.arrayValue?.first?["points_per_unit"] == 10)
            #expect(saved.json["tiers"]?.arrayValue?.first?["benefits"] == ["free_shipping": true])
            let read = try await client.send(.get, "/v1/rewards/program")
            #expect(read.json == saved.json)
            // What was read can be sent back as it is.
            #expect(try await client.send(.put, "/v1/rewards/program", json: read.json).status == .ok)
            for (method, path) in [("GET", "/v1/rewards/program"), ("PUT", "/v1/rewards/program"), ("POST", "/v1/rewards/redeem")] {
                let reply = try await client.send(.init(method)!, path, key: h.publishableKey, json: Self.program)
                #expect(reply.isProblem(.forbidden), "\(method) \(path) with a publishable key")
            }
            #expect(try await client.send(.get, "/v1/rewards/program", key: "").isProblem(.unauthorized))
            let document = try await client.send(.get, "/openapi.json", key: "").json
            #expect(document["paths"]?["/v1/rewards/redeem"]?["post"]?["responses"]?["409"] != nil, "a short balance is documented")
        }
    }

    @Test func anInvalidProgramIsRefusedWithThePointerOfEachProblem() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let bad: JSONValue = [
                "earn": [["event": "Order Completed", "points_per_unit": -1], ["event": "Review", "points_per_unit": 5, "unit": "stars"]],
                "multipliers": [["segment": "vip", "factor": 0]],
                "tiers": [["key": "gold", "min_points": 100, "window": "forever"]],
                "rewards": [["key": "free drink", "points": 0]],
            ]
            let reply = try await client.send(.put, "/v1/rewards/program", json: bad)
            #expect(reply.isProblem(.unprocessableContent, field: "/earn/0/points_per_unit"))
            let fields = Set(reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(fields == ["/earn/0/points_per_unit", "/earn/1/unit", "/multipliers/0/factor", "/tiers/0/window", "/rewards/0/key", "/rewards/0/points"])
            #expect(try await client.send(.get, "/v1/rewards/program").json["earn"] == [], "nothing was saved")
        }
    }

    @Test func redeemingSpendsPointsAndAShortBalanceIsAConflict() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            #expect(try await client.send(.put, "/v1/rewards/program", json: Self.program).status == .ok)
            let order: JSONValue = ["type": "track", "event": "Order Completed", "user_id": "ada", "message_id": "o-1",
                "properties": ["order_id": "1001", "revenue": 19.99]]
            #expect(try await client.send(.post, "/v1/events", json: order).json["accepted"] == 1)
            #expect(try await client.send(.post, "/v1/events", json: order).json["duplicates"] == 1)
            let profile = try await client.send(.get, "/v1/profiles/ada")
            #expect(profile.json["rewards"] == ["balance": 199, "tier": .null, "tier_benefits": .null, "next_reward": .null],
                "19.99 at 10 a unit; 199 covers the only reward")

            let redeem: JSONValue = ["user": ["user_id": "ada"], "reward": "free-drink", "message_id": "r-1"]
            let first = try await client.send(.post, "/v1/rewards/redeem", json: redeem)
            #expect(first.status == .ok && first.json["balance"] == 99)
            let retried = try await client.send(.post, "/v1/rewards/redeem", json: redeem)
            #expect(retried.status == .ok && retried.json["balance"] == 99 && retried.json["redeemed"] == false)
            let short = try await client.send(.post, "/v1/rewards/redeem", json: ["user": ["user_id": "ada"], "reward": "free-drink", "message_id": "r-2"])
            #expect(short.isProblem(.conflict))
            #expect(short.json["detail"] == "the balance is 99 points, short of the 100 points free-drink costs (1 more needed)")
            #expect(try await client.send(.get, "/v1/profiles/ada").json["rewards"]?["next_reward"]?["points_needed"] == 1)

            let refund: JSONValue = ["type": "track", "event": "Order Refunded", "user_id": "ada", "properties": ["order_id": "1001"]]
            #expect(try await client.send(.post, "/v1/events", json: refund).json["accepted"] == 1)
            #expect(try await client.send(.get, "/v1/profiles/ada").json["rewards"]?["balance"] == -100, "spent points refunded: the balance owes them")

            // Only the redeem route records a redemption.
            let forged: JSONValue = ["type": "track", "event": "Reward Redeemed", "user_id": "ada", "properties": ["reward": "free-drink", "points": -1000]]
            let rejected = try await client.send(.post, "/v1/events", json: forged)
            #expect(rejected.json["rejected"]?.arrayValue?.first?["errors"]?.arrayValue?.first?["field"] == "/event")
        }
    }

    @Test func aBadRedemptionNamesItsFields() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            #expect(try await client.send(.put, "/v1/rewards/program", json: Self.program).status == .ok)
            let reply = try await client.send(.post, "/v1/rewards/redeem", json: ["user": ["id": "ada"], "reward": 3, "message_id": "", "extra": true])
            let fields = Set(reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(reply.isProblem(.unprocessableContent))
            #expect(fields == ["/user", "/reward", "/message_id", "/extra"], "\(fields)")
            let unknown = try await client.send(.post, "/v1/rewards/redeem", json: ["user": ["user_id": "ada"], "reward": "car"])
            #expect(unknown.isProblem(.unprocessableContent, field: "/reward"))
            let stranger = try await client.send(.post, "/v1/rewards/redeem", json: ["user": ["user_id": "stranger"], "reward": "free-drink"])
            #expect(stranger.isProblem(.conflict), "an unknown person has no points")
        }
    }
}
