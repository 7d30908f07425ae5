import BaristaCore
import BaristaEngine
import BaristaModels
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

/// Experiences: allocation, control groups, the global holdout, attribution and bandits.
struct ExperienceEngineTests {
    static func experience(_ json: String, now: Date = Fixtures.now) throws -> Experience {
        try Experience.parse(try JSON.parse(json), now: now).get()
    }

    static let hero = #"""
        {"key":"hero","placement":"home_hero","status":"running","control_percent":20,
         "variants":[{"key":"a","payload":{"headline":"A"}},{"key":"b","payload":{"headline":"B"}}],
         "allocation":{"type":"ab","weights":{"a":50,"b":50}},"goal":{"event":"Order Completed","window":"1d"}}
        """#

    static func decide(_ h: EngineHarness, _ user: String, engine: Engine? = nil) async throws -> PlacementDecision {
        try #require(try await (engine ?? h.engine).decide(DecideRequest(user: UserReference(userID: user), placements: ["home_hero"]), site: h.site).first)
    }

    @Test func abIsStickyAcrossRestartsAndTheControlShareHolds() async throws {
        let store = try SQLiteStore()
        let h = try await EngineHarness(store: store)
        _ = try await h.engine.createExperience(try Self.experience(Self.hero), site: h.site)
        var first: [String: String] = [:]
        var controls = 0, counts: [String: Int] = [:]
        for n in 0..<600 {
            let answer = try await Self.decide(h, "u\(n)")
            first["u\(n)"] = answer.variant ?? "control"
            if answer.control { controls += 1 } else { counts[answer.variant!, default: 0] += 1 }
            #expect(answer.decisionID != nil && answer.experience == "hero")
            #expect(answer.payload == (answer.control ? .null : ["headline": .string(answer.variant!.uppercased())]))
        }
        // 20% control: 120 expected, binomial sd ≈ 9.8; 4 sd either side.
        #expect(abs(controls - 120) < 40, "\(controls) controls")
        #expect(abs(counts["a", default: 0] - counts["b", default: 0]) < 80, "\(counts)")
        for n in 0..<50 { #expect(try await Self.decide(h, "u\(n)").variant ?? "control" == first["u\(n)"]) }
        try await h.engine.checkpoint()
        let restarted = Engine(store: store, clock: h.clock.function, logger: Logger(label: "test"))
        for n in 0..<50 { #expect(try await Self.decide(h, "u\(n)", engine: restarted).variant ?? "control" == first["u\(n)"], "the same after a restart") }
    }

    @Test func theGlobalHoldoutGetsNoPersonalizationAnywhere() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.createExperience(try Self.experience(Self.hero), site: h.site)
        _ = try await h.engine.updateSettings(site: h.site, patch: ["global_holdout_percent": 100])
        _ = try await h.send(Fixtures.track("Product Viewed", user: "ada", properties: ["product_id": "runner"]))
        let answer = try await Self.decide(h, "ada")
        #expect(answer.control && answer.variant == nil && answer.payload == .null && answer.decisionID != nil)
        var request = RecommendationRequest(strategy: .recentlyViewed, user: UserReference(userID: "ada"))
        request.limit = 5
        let recommended = try await h.engine.recommend(request, site: h.site)
        #expect(!recommended.items.isEmpty && recommended.items.allSatisfy { !$0.reason.contains("viewed") && $0.reason.contains("not personalized") },
            "a held-out person's history is not used: \(recommended.items.map(\.reason))")
        let ranked = try await h.engine.rank(RankRequest(user: UserReference(userID: "ada"), items: [ItemID("jacket"), ItemID("runner")]), site: h.site)
        #expect(!ranked.personalized && ranked.items.map(\.itemID) == [ItemID("jacket"), ItemID("runner")])
        let report = try #require(try await h.engine.experienceReport("hero", site: h.site, from: .distantPast, to: .distantFuture))
        #expect(report.arms.allSatisfy { $0.outcome.exposures == 0 }, "holdout decisions are the value report's, not the experience's")
    }

    @Test func conversionsAreAttributedByDecisionIdOrWithinTheGoalWindow() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.createExperience(try Self.experience(Self.hero), site: h.site)
        let ada = try await Self.decide(h, "ada"), bob = try await Self.decide(h, "bob"), cy = try await Self.decide(h, "cy")
        h.clock.advance(by: 3600)
        _ = try await h.send(
            Fixtures.track("Order Completed", user: "ada", at: h.clock.now, properties: ["revenue": 30, "decision_id": .string(ada.decisionID!)]),
            Fixtures.track("Order Completed", user: "bob", at: h.clock.now, properties: ["revenue": 12]))
        h.clock.advance(by: 2 * 86_400)
        _ = try await h.send(Fixtures.track("Order Completed", user: "cy", at: h.clock.now, properties: ["revenue": 99]))
        let report = try #require(try await h.engine.experienceReport("hero", site: h.site, from: .distantPast, to: .distantFuture))
        var converted: [String: (Int, Double)] = [:]
        for arm in report.arms { converted[arm.key] = (arm.outcome.conversions, arm.outcome.revenue) }
        var expected: [String: (Int, Double)] = [:]
        for (answer, revenue) in [(ada, 30.0), (bob, 12.0), (cy, 0.0)] {
            let key = answer.variant ?? "control"
            expected[key] = ((expected[key]?.0 ?? 0) + (revenue > 0 ? 1 : 0), (expected[key]?.1 ?? 0) + revenue)
        }
        for (key, value) in expected {
            #expect(converted[key]?.0 == value.0 && converted[key]?.1 == value.1, "\(key): \(String(describing: converted[key])) vs \(value); cy's order came after the 1-day window")
        }
    }

    @Test func theDecisionLogReadsBackForOffPolicyEvaluation() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.createExperience(try Self.experience(#"""
            {"key":"ctx","placement":"slot","status":"running","control_percent":10,"allocation":{"type":"contextual_bandit"},
             "variants":[{"key":"x","payload":1},{"key":"y","payload":2}]}
            """#), site: h.site)
        for n in 0..<200 {
            let answer = try #require(try await h.engine.decide(DecideRequest(user: UserReference(userID: "o\(n)"), placements: ["slot"]), site: h.site).first)
            if n % 4 == 0 { _ = try await h.send(Fixtures.track("Order Completed", user: "o\(n)", properties: ["decision_id": .string(answer.decisionID!)])) }
        }
        let rows = try await h.engine.decisionLog(site: h.site, experience: "ctx")
        #expect(rows.count == 200 && rows.filter(\.converted).count == 50)
        #expect(rows.allSatisfy { $0.decision.control || $0.decision.features.count == 21 }, "the contextual bandit logs its features")
        let text = rows.map { $0.decision.offPolicyLine(converted: $0.converted) }.joined(separator: "\n")
        let log = try BanditLog(bytes: Array(text.utf8))
        #expect(log.count == 200 && log.layout == .decisionLog)
        let logged = OffPolicyEstimator.ips(log, target: .logged(log))
        #expect(abs(logged.estimate - 0.25) < 1e-9, "the logging policy's own value is its mean reward")
    }

    @Test func aContextualBanditLearnsWhoConvertsOnWhatAndKeepsItAcrossARestart() async throws {
        let store = try SQLiteStore()
        let h = try await EngineHarness(store: store)
        _ = try await h.engine.createExperience(try Self.experience(#"""
            {"key":"ctx","placement":"slot","status":"running","allocation":{"type":"contextual_bandit"},
             "variants":[{"key":"for-app","payload":1},{"key":"for-web","payload":2}]}
            """#), site: h.site)
        // App people convert on for-app only, web people on for-web only.
        for n in 0..<60 {
            _ = try await h.send(Fixtures.track("Product Viewed", user: "p\(n)", properties: ["product_id": "runner"], channel: n % 2 == 0 ? "app" : "web"))
        }
        var right = 0
        for round in 0..<1_500 {
            let n = round % 60
            let answer = try #require(try await h.engine.decide(DecideRequest(user: UserReference(userID: "p\(n)"), placements: ["slot"]), site: h.site).first)
            let wanted = n % 2 == 0 ? "for-app" : "for-web"
            if round >= 1_000, answer.variant == wanted { right += 1 }
            if answer.variant == wanted { _ = try await h.send(Fixtures.track("Order Completed", user: "p\(n)", properties: ["decision_id": .string(answer.decisionID!)])) }
        }
        #expect(right > 400, "\(right) of the last 500 decisions fit the person's channel")
        try await h.engine.checkpointLiveModels()
        let restarted = Engine(store: store, clock: h.clock.function, logger: Logger(label: "test"))
        var kept = 0
        for n in 0..<60 {
            let answer = try #require(try await restarted.decide(DecideRequest(user: UserReference(userID: "p\(n)"), placements: ["slot"]), site: h.site).first)
            if answer.variant == (n % 2 == 0 ? "for-app" : "for-web") { kept += 1 }
        }
        #expect(kept > 45, "what it learned survives a restart: \(kept) of 60")
    }

    @Test func aBanditSendsMostTrafficToTheBestArm() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.createExperience(try Self.experience(#"""
            {"key":"offers","placement":"offer","status":"running","allocation":{"type":"bandit"},
             "variants":[{"key":"low","payload":1},{"key":"mid","payload":2},{"key":"high","payload":3}]}
            """#), site: h.site)
        let rates = ["low": 0.02, "mid": 0.05, "high": 0.10]
        var random = SeededRandom(seed: 7)
        var lastThousand: [String: Int] = [:]
        for n in 0..<3_000 {
            let user = "p\(n % 300)"
            let answer = try #require(try await h.engine.decide(DecideRequest(user: UserReference(userID: user), placements: ["offer"]), site: h.site).first)
            let variant = try #require(answer.variant)
            #expect(answer.probability.map { $0 >= 0.01 && $0 <= 1 } == true)
            if n >= 2_000 { lastThousand[variant, default: 0] += 1 }
            if Double.random(in: 0..<1, using: &random) < rates[variant]! {
                _ = try await h.send(Fixtures.track("Order Completed", user: user, properties: ["decision_id": .string(answer.decisionID!), "revenue": 10]))
            }
        }
        #expect(lastThousand["high", default: 0] > 500, "\(lastThousand)")
        #expect(lastThousand.values.allSatisfy { $0 >= 3 }, "the 1% floor keeps every arm alive: \(lastThousand)")
    }
}
