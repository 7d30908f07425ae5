import BaristaCore
import BaristaEngine
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

/// Segments kept up to date as events arrive and as time passes (a test clock, never a sleep).
struct SegmentEngineTests {
    static func rule(_ json: String) throws -> SegmentRule {
        try SegmentRule.parse(try JSON.parse(json), at: JSONPointer("/rule")).get()
    }

    static func segment(_ key: String, _ rule: String, persona: Bool = false, priority: Int = 0) throws -> SegmentDefinition {
        SegmentDefinition(key: key, rule: try Self.rule(rule), persona: persona, priority: priority, createdAt: Fixtures.now, updatedAt: Fixtures.now)
    }

    static func order(_ user: String, revenue: Double, at: Date) -> Event {
        Fixtures.track("Order Completed", user: user, at: at, properties: ["revenue": .number(revenue), "products": [["product_id": "runner"]]])
    }

    func members(_ h: EngineHarness, _ key: String) async throws -> [String] {
        let page = try #require(try await h.engine.segmentMembers(key, site: h.site, after: nil, limit: 100))
        return page.profiles.flatMap(\.userIDs)
    }

    @Test func anEventWindowCountsAsEventsArriveAndExpiresAsTimePasses() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.createSegment(try Self.segment("repeat", #"{"event":"Order Completed","within":"1d","count":{"gte":2}}"#), site: h.site)
        let start = h.clock.now
        _ = try await h.send(Self.order("ada", revenue: 10, at: start))
        #expect(try await members(h, "repeat").isEmpty)
        h.clock.advance(by: 3600)
        _ = try await h.send(Self.order("ada", revenue: 10, at: h.clock.now))
        #expect(try await members(h, "repeat") == ["ada"], "the second order within a day joins at once")
        #expect(try await h.profile("ada")?.segments == ["repeat"])

        h.clock.advance(by: 22 * 3600)
        #expect(await h.engine.expireSegmentWindows() == 0, "23 h after the first order both still count")
        #expect(try await members(h, "repeat") == ["ada"])
        h.clock.advance(by: 3600 + 1)
        #expect(await h.engine.expireSegmentWindows() == 1)
        #expect(try await members(h, "repeat").isEmpty, "the first order left the window")
        #expect(try await h.engine.segment("repeat", site: h.site)?.size == 0)
    }

    @Test func aSegmentCreatedLaterReadsTheLogAndSumsAProperty() async throws {
        let h = try await EngineHarness()
        let now = h.clock.now
        _ = try await h.send(
            Self.order("big", revenue: 80, at: now.addingTimeInterval(-5 * 86_400)), Self.order("big", revenue: 30, at: now.addingTimeInterval(-86_400)),
            Self.order("small", revenue: 20, at: now.addingTimeInterval(-86_400)),
            Self.order("old", revenue: 500, at: now.addingTimeInterval(-60 * 86_400)))
        let created = try await h.engine.createSegment(
            try Self.segment("spenders", #"{"event":"Order Completed","within":"30d","sum":{"property":"revenue","gte":100}}"#), site: h.site)
        #expect(created.size == 1)
        #expect(try await members(h, "spenders") == ["big"])
        _ = try await h.send(Self.order("small", revenue: 85, at: now))
        #expect(try await members(h, "spenders").sorted() == ["big", "small"])
        let preview = try await h.engine.previewSegment(try Self.rule(#"{"event":"Order Completed","count":{"gte":1}}"#), site: h.site)
        #expect(preview.size == 3, "all-time: the 60-day-old order counts")

        // A rule no segment uses, previewed twice around a new event: the second reads only the newer log.
        let signups = try Self.rule(#"{"event":"Signed Up","within":"7d"}"#)
        _ = try await h.send(Fixtures.track("Signed Up", user: "big", at: now))
        #expect(try await h.engine.previewSegment(signups, site: h.site).size == 1)
        _ = try await h.send(Fixtures.track("Signed Up", user: "new", at: now))
        #expect(try await h.engine.previewSegment(signups, site: h.site).size == 2)
        _ = try await h.engine.erase("new", site: h.site)
        #expect(try await h.engine.previewSegment(signups, site: h.site).size == 1)
    }

    @Test func traitsConsentChannelsGeoAndIntentAreLeaves() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.createSegment(try Self.segment("uk-b2b", #"""
            {"all":[{"trait":"company.industry","op":"eq","value":"retail"},{"geo":{"country":"gb"}},{"consent":"email","is":true},{"channel":"app"}]}
            """#), site: h.site)
        _ = try await h.engine.createSegment(try Self.segment("shopping", #"{"intent":"shopping"}"#), site: h.site)
        _ = try await h.send(
            Fixtures.identify(user: "ada", traits: ["company": ["industry": "retail"], "address": ["country": "GB"]]),
            Fixtures.track("Product Viewed", user: "ada", properties: ["product_id": "runner"], channel: "app"))
        #expect(try await members(h, "uk-b2b").isEmpty, "email consent defaults to false")
        _ = try await h.engine.setConsent(Consent(email: true), for: "ada", site: h.site)
        #expect(try await members(h, "uk-b2b") == ["ada"])

        _ = try await h.send(Fixtures.track("Product Added", user: "ada", at: h.clock.now, properties: ["product_id": "runner"]))
        #expect(try await members(h, "shopping") == ["ada"])
        h.clock.advance(by: 31 * 60)
        #expect(await h.engine.expireSegmentWindows() == 1)
        #expect(try await members(h, "shopping").isEmpty, "the visit lapsed: browsing again")
    }

    @Test func affinitySharesMatchValuesIgnoringCase() async throws {
        let h = try await EngineHarness()  // runner: brand Nimbus, category shoes; jacket: brand Fjell, category jackets
        _ = try await h.engine.createSegment(try Self.segment("nimbus-fans", #"{"affinity":"brand","value":"NIMBUS","op":"gte","score":0.6}"#), site: h.site)
        _ = try await h.engine.createSegment(try Self.segment("any-jackets", #"{"affinity":"category","value":"Jackets"}"#), site: h.site)
        _ = try await h.send(
            Fixtures.track("Product Viewed", user: "ada", properties: ["product_id": "runner"]),
            Fixtures.track("Product Added", user: "ada", properties: ["product_id": "runner"]),
            Fixtures.track("Product Viewed", user: "ada", properties: ["product_id": "jacket"]))
        // Nimbus: 1 + 3 of 5 (view 1, add 3, jacket view 1) = 0.8 ≥ 0.6; jackets 0.2 > 0.
        #expect(try await h.profile("ada")?.segments == ["any-jackets", "nimbus-fans"])
        _ = try await h.send(Fixtures.track("Product Added", user: "ada", properties: ["product_id": "jacket"]))
        #expect(try await h.profile("ada")?.segments == ["any-jackets"], "Nimbus fell to 4 of 8 = 0.5")
    }

    @Test func segmentsNameSegmentsPersonasTakeTheHighestPriorityAndReferencesAreGuarded() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.createSegment(try Self.segment("buyers", #"{"event":"Order Completed"}"#, persona: true, priority: 1), site: h.site)
        _ = try await h.engine.createSegment(
            try Self.segment("vip", #"{"all":[{"segment":"buyers"},{"trait":"tier","op":"in","value":["gold","platinum"]}]}"#, persona: true, priority: 5),
            site: h.site)
        _ = try await h.send(Self.order("ada", revenue: 10, at: h.clock.now), Fixtures.identify(user: "ada", traits: ["tier": "gold"]))
        _ = try await h.send(Self.order("bob", revenue: 10, at: h.clock.now))
        let ada = try #require(try await h.profile("ada"))
        #expect(ada.segments == ["buyers", "vip"] && ada.persona == "vip")
        #expect(try await h.profile("bob")?.persona == "buyers")

        await #expect(throws: BaristaError.self) { try await h.engine.deleteSegment("buyers", site: h.site) }
        await #expect(throws: BaristaError.self) {
            try await h.engine.replaceSegment(try Self.segment("buyers", #"{"segment":"vip"}"#), site: h.site)
        }
        await #expect(throws: BaristaError.self) { try await h.engine.createSegment(try Self.segment("x", #"{"segment":"nope"}"#), site: h.site) }
        await #expect(throws: BaristaError.self) { try await h.engine.createSegment(try Self.segment("buyers", #"{"channel":"web"}"#), site: h.site) }
        #expect(try await h.engine.deleteSegment("vip", site: h.site))
        #expect(try await h.profile("ada")?.persona == "buyers")
    }

    @Test func mergesMoveTalliesErasureRemovesMembersAndARestartRebuildsEverything() async throws {
        let store = try SQLiteStore()
        let clock = TestClock()
        let h = try await EngineHarness(store: store, clock: clock)
        _ = try await h.engine.createSegment(try Self.segment("two-orders", #"{"event":"Order Completed","within":"7d","count":{"gte":2}}"#), site: h.site)
        _ = try await h.send(Self.order("ada", revenue: 10, at: clock.now), Fixtures.track("Order Completed", anonymous: "anon", at: clock.now))
        #expect(try await members(h, "two-orders").isEmpty)
        _ = try await h.send(Event(kind: .alias, userID: "ada", previousID: "anon", messageID: "alias-1", timestamp: clock.now, receivedAt: clock.now))
        #expect(try await members(h, "two-orders") == ["ada"], "the anonymous order counts for the merged person")
        _ = try await h.send(Self.order("bob", revenue: 10, at: clock.now), Self.order("bob", revenue: 10, at: clock.now))
        #expect(try await members(h, "two-orders").sorted() == ["ada", "bob"])
        _ = try await h.engine.erase("bob", site: h.site)
        #expect(try await members(h, "two-orders") == ["ada"])
        try await h.engine.checkpoint()

        let restarted = Engine(store: store, clock: clock.function, logger: Logger(label: "test"))
        let page = try #require(try await restarted.segmentMembers("two-orders", site: h.site, after: nil, limit: 10))
        #expect(page.profiles.flatMap(\.userIDs) == ["ada"])
        clock.advance(by: 8 * 86_400)
        #expect(await restarted.expireSegmentWindows() == 1, "the restart scheduled the window's end again")
        #expect(try await restarted.segment("two-orders", site: h.site)?.size == 0)
    }

    @Test func membersPageInProfileIdOrderAndPreviewSamplesTheSmallestIds() async throws {
        let h = try await EngineHarness()
        let events = (0..<7).map { Fixtures.track("Signed Up", user: "u\($0)", properties: ["plan": $0 % 2 == 0 ? "pro" : "free"]) }
        _ = try await h.engine.ingest(events, site: h.site)
        _ = try await h.engine.createSegment(try Self.segment("signed", #"{"event":"Signed Up"}"#), site: h.site)
        var seen: [ProfileID] = []
        var cursor: String?
        repeat {
            let page = try #require(try await h.engine.segmentMembers("signed", site: h.site, after: cursor, limit: 3))
            seen += page.profiles.map(\.profile.id)
            cursor = page.next
        } while cursor != nil
        #expect(seen.count == 7 && seen == seen.sorted())
        let preview = try await h.engine.previewSegment(try Self.rule(#"{"segment":"signed"}"#), site: h.site, sampleSize: 2)
        #expect(preview.size == 7 && preview.sample == Array(seen.prefix(2)))
    }
}

/// Per-profile predictions from the site's fitted population models.
struct PredictionEngineTests {
    @Test func purchaseModelsAndEmailPriorsGivePredictionsThatSegmentsRead() async throws {
        let h = try await EngineHarness()
        let now = h.clock.now
        var events: [Event] = []
        // 120 customers: a third buy every week, a third bought often and stopped, a third bought once.
        for person in 0..<120 {
            let user = "c\(person)"
            let days: [Int] = switch person % 3 {
            case 0: Array(stride(from: 200, through: 0, by: -7))
            case 1: Array(stride(from: 200, through: 120, by: -10))
            default: [150]
            }
            for day in days { events.append(SegmentEngineTests.order(user, revenue: Double(20 + person % 7), at: now.addingTimeInterval(-Double(day) * 86_400))) }
            // Email: everyone got 2 to 20 emails; a third open them all.
            let sends = 2 + person % 19
            for send in 0..<sends {
                events.append(Fixtures.track("Email Delivered", user: user, at: now.addingTimeInterval(-Double(send) * 3600)))
                if person % 3 == 0 || send == 0 { events.append(Fixtures.track("Email Opened", user: user, at: now.addingTimeInterval(-Double(send) * 3600))) }
            }
        }
        _ = try await h.engine.ingest(events, site: h.site)
        _ = try await h.engine.createSegment(try SegmentEngineTests.segment("lapsing", #"{"prediction":"p_alive","op":"lt","value":0.3}"#), site: h.site)
        #expect(try await h.profile("c1")?.predictions.pAlive == nil, "no predictions before the first fit")

        let models = try await h.engine.refreshPredictions(site: h.site)
        #expect(models.customers == 120 && models.bgnbd != nil && models.gammaGamma != nil && models.engagement != nil)
        let steady = try #require(try await h.profile("c0")?.predictions)
        let stopped = try #require(try await h.profile("c1")?.predictions)
        let once = try #require(try await h.profile("c2")?.predictions)
        #expect(try #require(steady.pAlive) > 0.9)
        #expect(try #require(stopped.pAlive) < 0.3, "ten orders then 17 silent weeks")
        #expect(once.pAlive == 1, "BG/NBD: one purchase, no evidence of dropping out")
        #expect((steady.expectedOrders90d ?? 0) > (stopped.expectedOrders90d ?? .infinity))
        #expect((steady.clv12m ?? 0) > (stopped.clv12m ?? .infinity))
        let lapsing = try #require(try await h.engine.segmentMembers("lapsing", site: h.site, after: nil, limit: 200))
        #expect(lapsing.profiles.count == 40 && lapsing.profiles.allSatisfy { Int($0.userIDs[0].dropFirst())! % 3 == 1 })

        // Two sends, two opens: shrunk towards the site's rate, not judged 100% on two emails.
        let fresh = try #require(try await h.profile("c57")?.predictions)  // 2 sends, opens both (57 % 3 == 0, 57 % 19 == 0)
        let rate = try #require(fresh.emailOpenRate)
        #expect(rate < 0.9 && rate > 0.3, "\(rate)")
        let loyal = try #require(try await h.profile("c15")?.predictions)  // 17 sends, all opened
        #expect((loyal.emailOpenRate ?? 0) > rate)

        // The learned email cadence: below the site cap, 0 after an unsubscribe, capped by the person's own wish.
        let cadence = try #require(try await h.profile("c15")?.emailCadence)
        #expect(cadence.perWeek >= 0 && cadence.perWeek <= 7 && !cadence.explanation.isEmpty)
        _ = try await h.send(Fixtures.track("Unsubscribed", user: "c15"))
        #expect(try await h.profile("c15")?.emailCadence?.perWeek == 0)
        var wish = Preferences()
        wish.emailFrequencyPerWeek = 1
        _ = try await h.engine.setPreferences(wish, for: "c0", site: h.site)
        #expect((try await h.profile("c0")?.emailCadence?.perWeek ?? 9) <= 1)
    }
}
