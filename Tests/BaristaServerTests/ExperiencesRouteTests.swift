import BaristaCore
import BaristaModels
import BaristaTesting
import Foundation
import Hummingbird
import Testing

/// Experiences, decide and reports through HTTP.
struct ExperiencesRouteTests {
    @Test func experiencesAreValidatedStartedAndDecideAnswersEveryPlacement() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let bad = try await client.send(.post, "/v1/experiences", body: #"""
                {"key":"hero","placement":"home_hero","variants":[{"key":"a","payload":1},{"key":"a","payload":2}],
                 "allocation":{"type":"ab","weights":{"a":50,"c":50}},"control_percent":100,"goal":{"window":"soon"}}
                """#)
            #expect(bad.isProblem(.unprocessableContent, field: "/variants/1/key"), "\(bad.text)")
            for field in ["/allocation/weights/c", "/control_percent", "/goal/window"] { #expect(bad.isProblem(.unprocessableContent, field: field), "\(field)") }
            let unknownSegment = try await client.send(.post, "/v1/experiences", body: #"{"key":"x","placement":"p","audience":{"segment":"nope"},"variants":[{"key":"a","payload":1}]}"#)
            #expect(unknownSegment.isProblem(.unprocessableContent, field: "/audience/segment"))

            let body = #"""
                {"key":"hero","placement":"home_hero","priority":5,"control_percent":10,
                 "variants":[{"key":"a","payload":{"headline":"Run further"}},{"key":"recs","recommendations":{"strategy":"trending","limit":2}}],
                 "allocation":{"type":"ab","weights":{"a":50,"recs":50}}}
                """#
            let created = try await client.send(.post, "/v1/experiences", body: body)
            #expect(created.status == .created && created.json["status"] == "draft" && created.json["goal"]?["window"] == "7d", "\(created.text)")
            #expect(try await client.send(.post, "/v1/experiences", body: body).isProblem(.conflict))

            let decideBody = #"{"user":{"anonymous_id":"visitor-1"},"placements":["home_hero","email_block"]}"#
            let draft = try await client.send(.post, "/v1/decide", key: h.publishableKey, body: decideBody)
            #expect(draft.json["decisions"]?.arrayValue?.first?["experience"] == .null, "a draft does not decide")
            #expect(try await client.send(.post, "/v1/experiences/hero/start").json["status"] == "running")

            var seen: Set<String> = []
            for n in 0..<40 {
                let reply = try await client.send(.post, "/v1/decide", key: h.publishableKey, body: #"{"user":{"anonymous_id":"v-\#(n)"},"placements":["home_hero","email_block"]}"#)
                let decisions = try #require(reply.json["decisions"]?.arrayValue)
                #expect(decisions.count == 2 && decisions[1]["experience"] == .null && decisions[1]["decision_id"] == .null)
                let hero = decisions[0]
                #expect(hero["decision_id"]?.stringValue?.hasPrefix("dec_") == true)
                let variant = hero["variant"]?.stringValue ?? "control"
                seen.insert(variant)
                if variant == "recs" { #expect(hero["recommendations"]?["recommendation_id"]?.stringValue != nil && hero["payload"] == .null) }
                if variant == "a" { #expect(hero["payload"]?["headline"] == "Run further") }
                if variant == "control" { #expect(hero["control"] == true && hero["payload"] == .null) }
            }
            #expect(seen.isSuperset(of: ["a", "recs"]))
            #expect(try await client.send(.post, "/v1/decide", key: h.publishableKey, body: #"{"placements":[]}"#).isProblem(.unprocessableContent, field: "/placements"))
            #expect(try await client.send(.get, "/v1/experiences").json["experiences"]?.arrayValue?.count == 1)
            #expect(try await client.send(.post, "/v1/experiences/hero/pause").json["status"] == "paused")
            #expect(try await client.send(.post, "/v1/experiences/nope/start").isProblem(.notFound))
        }
    }

    @Test func theReportCountsExposuresAndConversionsAndFlagsASampleRatioMismatch() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let experience = #"{"key":"promo","placement":"banner","status":"running","control_percent":50,"variants":[{"key":"b","payload":1}]}"#
            #expect(try await client.send(.post, "/v1/experiences", body: experience).status == .created)
            var decided: [(user: String, id: String, variant: String)] = []
            for n in 0..<200 {
                let reply = try await client.send(.post, "/v1/decide", key: h.publishableKey, body: #"{"user":{"user_id":"u\#(n)"},"placements":["banner"]}"#)
                let decision = try #require(reply.json["decisions"]?.arrayValue?.first)
                decided.append(("u\(n)", decision["decision_id"]!.stringValue!, decision["variant"]?.stringValue ?? "control"))
            }
            // Every fourth person orders for 20 (attributed by decision_id); every fifth orders 40, attributed by the window.
            var expected: [String: (exposures: Int, conversions: Int, revenue: Double)] = [:]
            var events: [String] = []
            for (index, d) in decided.enumerated() {
                var entry = expected[d.variant] ?? (0, 0, 0)
                entry.exposures += 1
                if index % 4 == 0 {
                    events.append(#"{"type":"track","event":"Order Completed","user_id":"\#(d.user)","properties":{"revenue":20,"decision_id":"\#(d.id)"}}"#)
                    entry.conversions += 1
                    entry.revenue += 20
                } else if index % 5 == 0 {
                    events.append(#"{"type":"track","event":"Order Completed","user_id":"\#(d.user)","properties":{"revenue":40}}"#)
                    entry.conversions += 1
                    entry.revenue += 40
                }
                expected[d.variant] = entry
            }
            let sent = try await client.send(.post, "/v1/events", body: #"{"batch":[\#(events.joined(separator: ","))]}"#)
            #expect(sent.status == .accepted)
            let report = try await client.send(.get, "/v1/experiences/promo/report")
            let arms = try #require(report.json["variants"]?.arrayValue)
            #expect(arms.map { $0["key"]?.stringValue } == ["b", "control"])
            var outcomes: [VariantOutcome] = []
            for arm in arms {
                let key = arm["key"]!.stringValue!
                let e = try #require(expected[key])
                #expect(arm["exposures"]?.doubleValue == Double(e.exposures) && arm["conversions"]?.doubleValue == Double(e.conversions))
                #expect(arm["revenue_per_exposure"]?.doubleValue.map { abs($0 - e.revenue / Double(e.exposures)) < 1e-6 } == true)
                outcomes.append(VariantOutcome(exposures: e.exposures, conversions: e.conversions))
            }
            // Uplift of b over control by the delta method, computed from the counts here.
            let (b, c) = (outcomes[0], outcomes[1])
            let ratio = b.conversionRate / c.conversionRate
            let se = (1 / Double(b.conversions) - 1 / Double(b.exposures) + 1 / Double(c.conversions) - 1 / Double(c.exposures)).squareRoot()
            #expect(abs((arms[0]["uplift"]?["estimate"]?.doubleValue ?? 0) - (ratio - 1)) < 1e-5)
            #expect(abs((arms[0]["uplift"]?["low"]?.doubleValue ?? 0) - (ratio * exp(-1.959963984540054 * se) - 1)) < 1e-5)
            #expect(arms[1]["uplift"] == .null)
            #expect((report.json["srm_p_value"]?.doubleValue ?? 0) > 0.001, "a 50/50 hash split matches its weights: \(report.text)")

            // Now 90% control: the earlier 50/50 exposures no longer match the allocation.
            var skewed = try #require(try await client.send(.get, "/v1/experiences/promo").json.objectValue)
            skewed["control_percent"] = 90
            #expect(try await client.send(.put, "/v1/experiences/promo", json: .object(skewed)).status == .ok)
            let mismatch = try await client.send(.get, "/v1/experiences/promo/report")
            #expect((mismatch.json["srm_p_value"]?.doubleValue ?? 1) < 1e-6, "\(mismatch.text)")
        }
    }

    @Test func theValueReportComparesPersonalizedPeopleWithTheGlobalHoldout() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            #expect(try await client.send(.patch, "/v1/settings", body: #"{"global_holdout_percent":30}"#).status == .ok)
            #expect(try await client.send(.post, "/v1/experiences", body: #"{"key":"hero","placement":"home","status":"running","variants":[{"key":"a","payload":1}]}"#).status == .created)
            #expect(try await client.send(.post, "/v1/experiences", body: #"{"key":"mail","placement":"email","status":"running","variants":[{"key":"m","payload":1}]}"#).status == .created)
            var held = 0, heldRevenue = 0.0, personalRevenue = 0.0, events: [String] = []
            for n in 0..<120 {
                let reply = try await client.send(.post, "/v1/decide", key: h.publishableKey, body: #"{"user":{"user_id":"v\#(n)"},"placements":["home","email"]}"#)
                let decisions = try #require(reply.json["decisions"]?.arrayValue)
                #expect(decisions[0]["control"] == decisions[1]["control"], "the holdout is the same person everywhere")
                let isHeld = decisions[0]["control"] == true
                if isHeld { held += 1 }
                if n % 3 == 0 {
                    // One order, attributed to both placements' decisions by the goal window: counted once overall.
                    events.append(#"{"type":"track","event":"Order Completed","user_id":"v\#(n)","properties":{"revenue":10}}"#)
                    if isHeld { heldRevenue += 10 } else { personalRevenue += 10 }
                }
            }
            #expect(held > 15 && held < 60, "30% of 120 held out: \(held)")
            #expect(try await client.send(.post, "/v1/events", body: #"{"batch":[\#(events.joined(separator: ","))]}"#).status == .accepted)
            let report = try await client.send(.get, "/v1/reports/value")
            let overall = try #require(report.json["overall"])
            #expect(overall["holdout"]?["profiles"]?.doubleValue == Double(held) && overall["personalized"]?["profiles"]?.doubleValue == Double(120 - held))
            #expect(overall["holdout"]?["revenue"]?.doubleValue == heldRevenue && overall["personalized"]?["revenue"]?.doubleValue == personalRevenue, "\(report.text)")
            #expect(report.json["placements"]?.arrayValue?.map { $0["placement"]?.stringValue } == ["email", "home"])
            #expect(overall["verdict"]?.stringValue?.isEmpty == false && overall["revenue_per_profile_difference"]?["low"] != nil)
        }
    }

    @Test func aThreeArmBanditConvergesThroughHTTP() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            #expect(try await client.send(.post, "/v1/experiences", body: #"""
                {"key":"arms","placement":"slot","status":"running","allocation":{"type":"bandit"},
                 "variants":[{"key":"two","payload":2},{"key":"five","payload":5},{"key":"ten","payload":10}]}
                """#).status == .created)
            let rates = ["two": 0.02, "five": 0.05, "ten": 0.10]
            var random = SeededRandom(seed: 11)
            var lastThousand: [String: Int] = [:]
            for n in 0..<3_000 {
                let user = "s\(n % 250)"
                let reply = try await client.send(.post, "/v1/decide", key: h.publishableKey, body: #"{"user":{"user_id":"\#(user)"},"placements":["slot"]}"#)
                let decision = try #require(reply.json["decisions"]?.arrayValue?.first)
                let variant = try #require(decision["variant"]?.stringValue)
                if n >= 2_000 { lastThousand[variant, default: 0] += 1 }
                if Double.random(in: 0..<1, using: &random) < rates[variant]! {
                    let id = decision["decision_id"]!.stringValue!
                    _ = try await client.send(.post, "/v1/events", key: h.publishableKey,
                        body: #"{"type":"track","event":"Order Completed","user_id":"\#(user)","properties":{"decision_id":"\#(id)","revenue":5}}"#)
                }
            }
            #expect(lastThousand["ten", default: 0] > 500, "the 10% arm gets most of the last thousand decisions: \(lastThousand)")
            let report = try await client.send(.get, "/v1/experiences/arms/report")
            let best = report.json["variants"]?.arrayValue?.max { ($0["probability_best"]?.doubleValue ?? 0) < ($1["probability_best"]?.doubleValue ?? 0) }
            #expect(best?["key"] == "ten" && report.json["srm_p_value"] == .null, "\(report.text)")
        }
    }
}
