import BaristaCore
import BaristaEngine
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

/// The rewards programme in the running engine: earning through the log, merges, redemptions
/// racing for the same points, restarts, erasure, segments and personal offers.
struct RewardsEngineTests {
    static let program = #"""
        {"earn":[{"event":"Order Completed","points_per_unit":10,"unit":"revenue"},{"event":"Review Written","points_per_unit":25,"unit":"event"}],
         "multipliers":[{"segment":"vip","factor":2}],
         "tiers":[{"key":"gold","min_points":1000,"window":"30d","benefits":{"free_shipping":true}}],
         "rewards":[{"key":"free-drink","points":100,"title":"A free drink"},{"key":"mug","points":400}]}
        """#

    static func harness(store: (any BaristaStore)? = nil, clock: TestClock = TestClock()) async throws -> EngineHarness {
        let h = try await EngineHarness(store: store, clock: clock)
        let program = try RewardsProgram.parse(try JSON.parse(Self.program), now: clock.now).get()
        _ = try await h.engine.replaceRewardsProgram(program, site: h.site)
        return h
    }

    static func order(_ user: String? = nil, anonymous: String? = nil, _ revenue: Double, order: String = "o-" + RandomID.string(length: 6),
        message: String = "m-" + RandomID.string(length: 12), at: Date = Fixtures.now) -> Event {
        Fixtures.track("Order Completed", user: user, anonymous: anonymous, message: message, at: at,
            properties: ["order_id": .string(order), "revenue": .number(revenue)])
    }

    func balance(_ h: EngineHarness, _ id: String) async throws -> Int64? {
        try await h.profile(id)?.rewards?.balance
    }

    @Test func anOrderEarnsThroughTheLogAndARepeatedMessageEarnsOnce() async throws {
        let h = try await Self.harness()
        let first = try await h.send(Self.order("ada", 19.99, message: "m-1"))
        let again = try await h.send(Self.order("ada", 19.99, message: "m-1"))
        #expect(first.first?.stored == true && again.first?.stored == false)
        #expect(try await balance(h, "ada") == 199)
        let view = try #require(try await h.profile("ada")).json(at: h.clock.now)
        #expect(view["rewards"]?["balance"] == 199)
        #expect(view["rewards"]?["next_reward"] == ["key": "mug", "title": .null, "points": 400, "points_needed": 201])
        #expect(view["rewards"]?["tier"] == .null)
    }

    @Test func aSegmentsMultiplierAppliesToItsMembers() async throws {
        let h = try await Self.harness()
        _ = try await h.engine.createSegment(try SegmentEngineTests.segment("vip", #"{"trait":"vip","op":"eq","value":true}"#), site: h.site)
        _ = try await h.send(Fixtures.identify(user: "vip-person", traits: ["vip": true]), Fixtures.identify(user: "regular"))
        _ = try await h.send(Self.order("vip-person", 10), Self.order("regular", 10))
        #expect(try await balance(h, "vip-person") == 200)
        #expect(try await balance(h, "regular") == 100)
    }

    @Test func anAnonymousShoppersPointsFollowThemIntoTheirAccount() async throws {
        let h = try await Self.harness()
        _ = try await h.send(Self.order("known", 30))
        _ = try await h.send(Self.order(anonymous: "visitor", 12.5, order: "anon-order"))
        #expect(try await balance(h, "visitor") == 125)
        // The visitor logs in: the two profiles merge, and the ledgers with them.
        _ = try await h.send(Fixtures.identify(user: "known", anonymous: "visitor"))
        let merged = try #require(try await h.profile("known"))
        #expect(try await h.profile("visitor")?.profile.id == merged.profile.id)
        #expect(merged.rewards?.balance == 425)
        #expect(merged.profile.rewards.entries.count == 2)
        // The anonymous order can still be refunded after the merge.
        _ = try await h.send(Fixtures.track("Order Refunded", user: "known", properties: ["order_id": "anon-order", "revenue": 2.5]))
        #expect(try await balance(h, "known") == 400)
    }

    @Test func redemptionSpendsPointsAndAShortBalanceIsRefused() async throws {
        let h = try await Self.harness()
        _ = try await h.send(Self.order("ada", 15))
        let result = try await h.engine.redeem(user: UserReference(userID: "ada"), reward: "free-drink", messageID: "r-1", site: h.site)
        #expect(result.balance == 50 && result.redeemed)
        // The same message_id again: answered, not spent twice.
        let retry = try await h.engine.redeem(user: UserReference(userID: "ada"), reward: "free-drink", messageID: "r-1", site: h.site)
        #expect(retry.balance == 50 && !retry.redeemed)
        await #expect(throws: BaristaError.conflict("the balance is 50 points, short of the 100 points free-drink costs (50 more needed)")) {
            try await h.engine.redeem(user: UserReference(userID: "ada"), reward: "free-drink", messageID: "r-2", site: h.site)
        }
        await #expect(throws: BaristaError.self) {
            try await h.engine.redeem(user: UserReference(userID: "nobody"), reward: "free-drink", messageID: nil, site: h.site)
        }
        await #expect(throws: BaristaError.invalid("/reward", "is not a reward of the program (free-drink, mug)")) {
            try await h.engine.redeem(user: UserReference(userID: "ada"), reward: "car", messageID: nil, site: h.site)
        }
        #expect(try await balance(h, "ada") == 50)
        let events = try await h.engine.events(of: try #require(try await h.profile("ada")).profile.id, site: h.site)
        #expect(events.filter { $0.event.name == EventName.rewardRedeemed }.count == 1, "one redemption in the log")
    }

    @Test(arguments: [(20, 5), (12, 1), (30, 0)])
    func concurrentRedemptionsNeverSpendTheSamePointsTwice(attempts: Int, affordable: Int) async throws {
        let h = try await Self.harness()
        _ = try await h.send(Self.order("ada", Double(affordable) * 10))
        #expect(try await balance(h, "ada") == Int64(affordable) * 100)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<attempts {
                group.addTask {
                    do {
                        _ = try await h.engine.redeem(user: UserReference(userID: "ada"), reward: "free-drink", messageID: "race-\(n)", site: h.site)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var successes = 0
            for await succeeded in group where succeeded { successes += 1 }
            return successes
        }
        #expect(outcomes == affordable)
        #expect(try await balance(h, "ada") == 0)
    }

    @Test func theBalanceSurvivesCheckpointsAndRestartsAndErasureRemovesIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock()
        let h = try await Self.harness(store: try SQLiteStore(directory: directory), clock: clock)
        _ = try await h.send(Self.order("ada", 30, order: "o-1"), Self.order("bob", 5))
        _ = try await h.engine.redeem(user: UserReference(userID: "ada"), reward: "free-drink", messageID: "r-1", site: h.site)
        try await h.engine.checkpoint()
        // After the checkpoint: replayed at start.
        _ = try await h.send(Fixtures.track("Order Refunded", user: "ada", properties: ["order_id": "o-1", "revenue": 10]))
        _ = try await h.engine.redeem(user: UserReference(userID: "ada"), reward: "free-drink", messageID: "r-2", site: h.site)
        #expect(try await balance(h, "ada") == 300 - 100 - 100 - 100)
        let reopened = Engine(store: try SQLiteStore(directory: directory), clock: clock.function, logger: Logger(label: "test"))
        #expect(try await reopened.profile("ada", site: h.site)?.rewards?.balance == 0)
        #expect(try await reopened.profile("bob", site: h.site)?.rewards?.balance == 50)
        #expect(try await reopened.rewardsProgram(site: h.site).rewards.map(\.key) == ["free-drink", "mug"])
        // Erasure: the ledger goes with the profile, also after a restart.
        _ = try await reopened.erase("bob", site: h.site)
        try await reopened.checkpoint()
        #expect(try await reopened.profile("bob", site: h.site) == nil)
        let again = Engine(store: try SQLiteStore(directory: directory), clock: clock.function, logger: Logger(label: "test"))
        #expect(try await again.profile("bob", site: h.site) == nil)
        _ = try await again.ingest([Fixtures.identify(user: "bob")], site: h.site)
        #expect(try await again.profile("bob", site: h.site)?.rewards?.balance == 0, "a new bob starts from nothing")
    }

    @Test func segmentsReadTheBalanceThePointsToTheNextRewardAndTheTier() async throws {
        let h = try await Self.harness()
        _ = try await h.engine.createSegment(try SegmentEngineTests.segment("one-more-coffee",
            #"{"all":[{"rewards":"points_to_next","op":"lte","value":30},{"rewards":"balance","op":"lt","value":100}]}"#), site: h.site)
        _ = try await h.engine.createSegment(try SegmentEngineTests.segment("gold", #"{"rewards":"tier","op":"eq","value":"gold"}"#), site: h.site)
        _ = try await h.send(Self.order("ada", 7.5), Self.order("bob", 2))
        #expect(try await h.profile("ada")?.segments == ["one-more-coffee"], "75 points: 25 to a free drink")
        #expect(try await h.profile("bob")?.segments == [])
        _ = try await h.send(Fixtures.track("Review Written", user: "ada"))
        #expect(try await h.profile("ada")?.segments == [], "100 points: the drink is affordable now")
        _ = try await h.send(Self.order("bob", 120))
        #expect(try await h.profile("bob")?.segments == ["gold"])
        // Thirty days later the points leave gold's window: the clock alone moves bob out.
        h.clock.advance(by: 30 * 86_400 + 1)
        _ = await h.engine.expireSegmentWindows()
        #expect(try await h.profile("bob")?.segments == [])
        #expect(try await h.profile("bob")?.rewards?.balance == 1220, "the balance does not expire")
    }

    @Test func aBanditChoosesAmongPersonalOffersAndTheValueReportCountsThePoints() async throws {
        let h = try await Self.harness()
        _ = try await h.engine.updateSettings(site: h.site, patch: ["global_holdout_percent": 20])
        _ = try await h.engine.createSegment(try SegmentEngineTests.segment("members", #"{"rewards":"balance","op":"gte","value":1}"#), site: h.site)
        _ = try await h.engine.createExperience(try Experience.parse(try JSON.parse(#"""
            {"key":"offers","placement":"rewards_offer","status":"running","audience":{"segment":"members"},"allocation":{"type":"contextual_bandit"},
             "variants":[{"key":"double-pastries","payload":{"offer":"double_points","category":"pastries","factor":2}},
                         {"key":"double-beans","payload":{"offer":"double_points","category":"beans","factor":2}}]}
            """#), now: h.clock.now).get(), site: h.site)
        for n in 0..<60 { _ = try await h.send(Self.order("p\(n)", 1, message: "first-\(n)")) }
        var shown: [String: Int] = [:], held = 0, converted = 0
        for round in 0..<600 {
            let n = round % 60
            let answer = try #require(try await h.engine.decide(DecideRequest(user: UserReference(userID: "p\(n)"), placements: ["rewards_offer"]), site: h.site).first)
            #expect(answer.experience == "offers", "members are in the audience")
            guard let variant = answer.variant else {
                #expect(answer.control)
                held += 1
                continue
            }
            shown[variant, default: 0] += 1
            #expect(answer.payload["offer"] == "double_points")
            // Even-numbered people buy pastries when offered them; odd-numbered, beans.
            if variant == (n % 2 == 0 ? "double-pastries" : "double-beans") {
                converted += 1
                _ = try await h.send(Fixtures.track("Order Completed", user: "p\(n)",
                    properties: ["decision_id": .string(try #require(answer.decisionID)), "revenue": 4, "order_id": .string("offer-\(round)")]))
            }
        }
        #expect(held > 0 && shown.count == 2, "\(shown), held \(held)")
        let report = try #require(try await h.engine.experienceReport("offers", site: h.site, from: h.clock.now.addingTimeInterval(-3600),
            to: h.clock.now.addingTimeInterval(3600)))
        #expect(report.arms.reduce(0) { $0 + $1.outcome.conversions } > 0)
        let value = try await h.engine.valueReport(site: h.site, from: h.clock.now.addingTimeInterval(-3600), to: h.clock.now.addingTimeInterval(3600))
        let rewards = try #require(value["rewards"])
        let personalized = try #require(rewards["personalized"]?["points_earned"]?.doubleValue)
        let holdout = try #require(rewards["holdout"]?["points_earned"]?.doubleValue)
        #expect(personalized + holdout == Double(60 * 10 + converted * 40), "every point earned is on one side")
        #expect((rewards["holdout"]?["profiles"]?.doubleValue ?? 0) > 0)
    }

    @Test func anOfferShownByAnExperienceEarnsItsBonusUntilTheGoalWindowCloses() async throws {
        let h = try await Self.harness()
        _ = try await h.engine.createExperience(try Experience.parse(try JSON.parse(#"""
            {"key":"jacket-offer","placement":"offer","status":"running","allocation":{"type":"ab","weights":{"double":100}},
             "goal":{"event":"Order Completed","value_property":"revenue","window":"7d"},
             "variants":[{"key":"double","payload":{"points_offer":{"factor":2,"category":"jackets"}}}]}
            """#), now: h.clock.now).get(), site: h.site)
        func jacketOrder(_ user: String, at: Date) -> Event {
            Fixtures.track("Order Completed", user: user, at: at, properties: [
                "revenue": 60, "products": [["product_id": "jacket", "price": 40], ["product_id": "runner", "price": 20]],
            ])
        }
        _ = try await h.send(Fixtures.identify(user: "offered"), Fixtures.identify(user: "not-offered"))
        let answer = try #require(try await h.engine.decide(DecideRequest(user: UserReference(userID: "offered"), placements: ["offer"]), site: h.site).first)
        #expect(answer.variant == "double")
        _ = try await h.send(jacketOrder("offered", at: h.clock.now), jacketOrder("not-offered", at: h.clock.now))
        #expect(try await balance(h, "offered") == 600 + 400, "the jacket's 40.00 earn twice")
        #expect(try await balance(h, "not-offered") == 600)
        _ = try await h.send(jacketOrder("offered", at: h.clock.now.addingTimeInterval(8 * 86_400)))
        #expect(try await balance(h, "offered") == 1000 + 600, "after the goal window, no bonus")
    }

    @Test func aTriggerSendsOneMoreCoffeeToAFreeDrinkOncePerBalance() async throws {
        let shop = try await TriggerEngineTests.Shop()
        defer { shop.receiver.stop() }
        let program = try RewardsProgram.parse(try JSON.parse(Self.program), now: shop.clock.now).get()
        _ = try await shop.engine.replaceRewardsProgram(program, site: shop.site)
        _ = try await shop.trigger(#"{"key":"almost","when":{"prediction":"rewards.points_to_next","op":"lte","value":30},"deliver":{"webhook":"HOOK"}}"#)
        for user in ["near", "far"] { try await shop.person(user) }
        try await shop.send(Self.order("near", 8), Self.order("far", 1))
        var policy = DeliveryPolicy.local
        policy.predictionInterval = 0
        #expect(try await shop.pass(policy).delivered == 1, "80 points: 20 to a free drink")
        #expect(shop.receiver.deliveries.first?.json["user_id"] == "near")
        #expect(try await shop.pass(policy).delivered == 0, "once for the same balance")
        try await shop.send(Fixtures.track("Review Written", user: "far"), Self.order("far", 5))
        #expect(try await shop.pass(policy).delivered == 1, "far reached 85 points")
    }
}
