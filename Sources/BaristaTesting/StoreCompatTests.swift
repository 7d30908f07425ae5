import BaristaCore
import Foundation
import Testing

/// The behaviour every ``BaristaStore`` must have. Each backend's test target runs every case
/// against a fresh store of its own (`StoreCompatTests.cases` with `@Test(arguments:)`).
///
/// A bug found in one backend becomes a case here, so every backend is held to it.
public struct StoreCompatTests: Sendable {
    /// Makes a fresh, empty store for one check.
    public typealias MakeStore = @Sendable () async throws -> any BaristaStore

    /// One named check.
    public struct Case: Sendable, CustomStringConvertible {
        /// What the check expects, as a sentence; the test's name in reports.
        public let description: String
        let body: @Sendable (any BaristaStore) async throws -> Void

        /// Runs the check against a fresh store.
        public func run(_ makeStore: MakeStore) async throws {
            try await body(try await makeStore())
        }
    }

    /// Every check.
    public static let cases: [Case] = [
        Case(description: "a site is created once; a second site with its name conflicts") { store in
            let site = Fixtures.site("shop")
            try await store.createSite(site)
            #expect(try await store.sites().map(\.id) == [site.id])
            await #expect(throws: BaristaError.self) { try await store.createSite(Fixtures.site("shop")) }
        },
        Case(description: "settings are saved per site") { store in
            let a = Fixtures.site(), b = Fixtures.site()
            try await store.createSite(a)
            try await store.createSite(b)
            var settings = SiteSettings()
            settings.globalHoldoutPercent = 7
            settings.webhookSecret = "0123456789abcdef"
            try await store.updateSettings(settings, site: a.id)
            let sites = try await store.sites()
            #expect(sites.first { $0.id == a.id }?.settings == settings)
            #expect(sites.first { $0.id == b.id }?.settings == SiteSettings())
        },
        Case(description: "keys are listed and revoked by prefix") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let key = APIKeyRecord(prefix: "sk_abcdefgh", siteID: site.id, scope: .secret, hash: "h1", createdAt: Fixtures.now)
            let other = APIKeyRecord(prefix: "pk_zyxwvuts", siteID: site.id, scope: .publishable, hash: "h2", createdAt: Fixtures.now)
            try await store.insertKey(key)
            try await store.insertKey(other)
            #expect(try await store.keys().count == 2)
            #expect(try await store.revokeKeys(prefix: "sk_abcd", at: Fixtures.now) == 1)
            #expect(try await store.revokeKeys(prefix: "sk_abcd", at: Fixtures.now) == 0)
            let keys = try await store.keys()
            #expect(keys.first { $0.prefix == "sk_abcdefgh" }?.revokedAt != nil)
            #expect(keys.first { $0.prefix == "pk_zyxwvuts" }?.revokedAt == nil)
        },
        Case(description: "appending events numbers them and reports repeated message ids as duplicates") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let p = ProfileID("prf_1")
            let first = StoredEvent(siteID: site.id, profileID: p, event: Fixtures.track("Product Viewed", user: "u", message: "m1"))
            let second = StoredEvent(siteID: site.id, profileID: p, event: Fixtures.track("Product Viewed", user: "u", message: "m2"))
            let seqs = try await store.append(EventAppend(site: site.id, events: [first, second, first], links: []))
            #expect(seqs[0] != nil && seqs[1] != nil && seqs[2] == nil)
            #expect(seqs[1]! > seqs[0]!)
            let again = try await store.append(EventAppend(site: site.id, events: [second], links: []))
            #expect(again == [nil])
            let stored = try await store.events(site: site.id, after: 0, limit: 10)
            #expect(stored.map(\.event.messageID) == ["m1", "m2"])
            #expect(stored[0].event == first.event)
        },
        Case(description: "the same message id in two sites is two events") { store in
            let a = Fixtures.site(), b = Fixtures.site()
            try await store.createSite(a)
            try await store.createSite(b)
            let event = Fixtures.track("Product Viewed", user: "u", message: "same")
            let seqA = try await store.append(EventAppend(site: a.id, events: [StoredEvent(siteID: a.id, profileID: ProfileID("p"), event: event)], links: []))
            let seqB = try await store.append(EventAppend(site: b.id, events: [StoredEvent(siteID: b.id, profileID: ProfileID("p"), event: event)], links: []))
            #expect(seqA[0] != nil && seqB[0] != nil)
            #expect(try await store.events(site: a.id, after: 0, limit: 10).count == 1)
        },
        Case(description: "events are read after a position, in order, a page at a time, and by profile") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let events = (0..<25).map { i in
                StoredEvent(siteID: site.id, profileID: ProfileID(i % 2 == 0 ? "even" : "odd"),
                    event: Fixtures.track("Product Viewed", user: "u\(i % 2)", message: "m\(i)", properties: ["product_id": .string("sku-\(i)")]))
            }
            let seqs = try await store.append(EventAppend(site: site.id, events: events, links: []))
            let page = try await store.events(site: site.id, after: seqs[9]!, limit: 10)
            #expect(page.map(\.event.messageID) == (10..<20).map { "m\($0)" })
            let odd = try await store.events(site: site.id, profiles: [ProfileID("odd")])
            #expect(odd.count == 12)
            #expect(odd.allSatisfy { $0.profileID == ProfileID("odd") })
        },
        Case(description: "the trainer's lean read of the log equals the records of the decoded events") { store in
            let site = Fixtures.site(), other = Fixtures.site()
            try await store.createSite(site)
            try await store.createSite(other)
            func track(_ profile: String, _ name: String, _ properties: [String: JSONValue], merged: String? = nil, at seconds: Double = 0) -> StoredEvent {
                StoredEvent(siteID: site.id, profileID: ProfileID(profile), mergedProfileID: merged.map { ProfileID($0) },
                    event: Fixtures.track(name, user: profile, at: Fixtures.now.addingTimeInterval(seconds), properties: properties))
            }
            let events = [
                track("p", "Product Viewed", ["product_id": "sku-1"]),
                track("p", "Product Viewed", ["product_id": 42], at: 1.5),
                track("p", "Product Viewed", ["product_id": 4.5]),
                track("p", "Product Viewed", ["product_id": ["nested": "no"]]),
                track("p", "Product Viewed", ["product_id": ""]),
                track("p", "Product Viewed", [:]),
                track("q", "Order Completed", ["products": [["product_id": "a"], ["product_id": 7], ["quantity": 2], "junk", ["product_id": "b"]]]),
                track("q", "Order Completed", ["products": ["product_id": "not a list"], "product_id": "ignored"]),
                track("q", "Order Completed", [:]),
                track("q", "Product Added", ["product_id": "ü-ñ \"quoted\""], merged: "r"),
                StoredEvent(siteID: site.id, profileID: ProfileID("q"), mergedProfileID: ProfileID("s"), event: Fixtures.identify(user: "q", anonymous: "a")),
                StoredEvent(siteID: site.id, profileID: ProfileID("p"), event: Event(kind: .page, name: "Product", userID: "p", anonymousID: nil,
                    messageID: "page-1", timestamp: Fixtures.now, receivedAt: Fixtures.now, properties: ["product_id": "sku-9"])),
            ]
            _ = try await store.append(EventAppend(site: site.id, events: events, links: []))
            _ = try await store.append(EventAppend(site: other.id, events: [
                StoredEvent(siteID: other.id, profileID: ProfileID("p"), event: Fixtures.track("Product Viewed", user: "u", properties: ["product_id": "x"]))
            ], links: []))
            let lean = try await store.interactions(site: site.id, after: 0, limit: 100)
            #expect(lean == (try await store.interactionRecords(site: site.id, after: 0, limit: 100)))
            #expect(lean.count == events.count)
            #expect(lean.map(\.items) == [["sku-1"], ["42"], [], [], [], [], ["a", "7", "b"], [], [], ["ü-ñ \"quoted\""], [], []])
            #expect(lean[9].mergedProfileID == ProfileID("r") && lean[10].name == nil && lean[1].timestamp == Fixtures.now.timeIntervalSince1970 + 1.5)
            let rest = try await store.interactions(site: site.id, after: lean[4].seq, limit: 3)
            #expect(rest.map(\.seq) == lean[5..<8].map(\.seq))
        },
        Case(description: "occurrences of an event are read by name and position, with the summed property's number") { store in
            let site = Fixtures.site(), other = Fixtures.site()
            try await store.createSite(site)
            try await store.createSite(other)
            func order(_ message: String, _ properties: [String: JSONValue]) -> StoredEvent {
                StoredEvent(siteID: site.id, profileID: ProfileID("p"), event: Fixtures.track("Order Completed", user: "u", message: message, properties: properties))
            }
            let events = [
                order("o1", ["revenue": 10]), order("o2", ["total": 7]), order("o3", ["products": [["product_id": "a", "quantity": 2, "price": 3]]]),
                StoredEvent(siteID: site.id, profileID: ProfileID("q"), event: Fixtures.track("Signed Up", user: "v", message: "s1", properties: ["plan": "12.5"])),
                order("o4", ["revenue": "not a number"]),
            ]
            let seqs = try await store.append(EventAppend(site: site.id, events: events, links: []))
            _ = try await store.append(EventAppend(site: other.id, events: [
                StoredEvent(siteID: other.id, profileID: ProfileID("p"), event: Fixtures.track("Order Completed", user: "u", message: "x"))
            ], links: []))
            let last = seqs.compactMap { $0 }.max()!
            let revenue = try await store.eventOccurrences(site: site.id, name: "Order Completed", sumProperty: "revenue", after: 0, through: last, limit: 10)
            #expect(revenue.map(\.value) == [10, 7, 6, nil])
            #expect(revenue.allSatisfy { $0.profileID == ProfileID("p") && $0.timestamp == Fixtures.now })
            let counted = try await store.eventOccurrences(site: site.id, name: "Order Completed", sumProperty: nil, after: seqs[0]!, through: seqs[2]!, limit: 10)
            #expect(counted.map(\.seq) == [seqs[1]!, seqs[2]!] && counted.allSatisfy { $0.value == nil })
            #expect(try await store.eventOccurrences(site: site.id, name: "Order Completed", sumProperty: nil, after: 0, through: last, limit: 1).count == 1)
            let plans = try await store.eventOccurrences(site: site.id, name: "Signed Up", sumProperty: "plan", after: 0, through: last, limit: 10)
            #expect(plans.map(\.value) == [12.5], "a numeric string counts as its number")
            let quoted = try await store.eventOccurrences(site: site.id, name: "Signed Up", sumProperty: #"a "quoted" name"#, after: 0, through: last, limit: 10)
            #expect(quoted.map(\.value) == [nil])
        },
        Case(description: "decisions and their conversions roll up per arm, each conversion once, holdout left out, erased with the person") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            func decision(_ id: String, _ variant: String?, _ profile: String, control: Bool = false, holdout: Bool = false, at seconds: Double = 0) -> Decision {
                Decision(id: id, experience: "hero", placement: "home", variant: variant, control: control, holdout: holdout, probability: 0.5,
                    profileID: ProfileID(profile), at: Fixtures.now.addingTimeInterval(seconds), features: variant == "b" ? [1, 0.5] : [])
            }
            try await store.recordDecisions([
                decision("d1", "a", "p1"), decision("d2", "a", "p2"), decision("d3", "b", "p3"), decision("d4", nil, "p4", control: true),
                decision("d5", nil, "p5", control: true, holdout: true), decision("d6", "a", "p6", at: 3600),
            ], site: site.id)
            func conversion(_ decision: String, _ message: String, _ value: Double, _ profile: String) -> DecisionConversion {
                DecisionConversion(decisionID: decision, experience: "hero", messageID: message, value: value, profileID: ProfileID(profile), at: Fixtures.now)
            }
            try await store.recordConversions([conversion("d1", "m1", 10, "p1"), conversion("d1", "m2", 5, "p1"), conversion("d3", "m3", 20, "p3"),
                conversion("d5", "m5", 99, "p5")], site: site.id)
            try await store.recordConversions([conversion("d1", "m1", 10, "p1")], site: site.id)
            let totals = try await store.armTotals(experience: "hero", site: site.id, from: Fixtures.now, to: Fixtures.now.addingTimeInterval(60))
            #expect(totals == [
                ArmTotals(arm: "a", exposures: 2, conversions: 1, revenue: 15, revenueSquares: 225),
                ArmTotals(arm: "b", exposures: 1, conversions: 1, revenue: 20, revenueSquares: 400),
                ArmTotals(arm: "control", exposures: 1, conversions: 0, revenue: 0, revenueSquares: 0),
            ])
            let stored = try await store.decisions(site: site.id, profiles: [ProfileID("p3"), ProfileID("p6")])
            #expect(stored.map(\.id) == ["d3", "d6"] && stored[0].features == [1, 0.5] && stored[0].variant == "b")
            _ = try await store.erase(site: site.id, profiles: [ProfileID("p1")])
            let after = try await store.armTotals(experience: "hero", site: site.id, from: Fixtures.now, to: Fixtures.now.addingTimeInterval(7200))
            #expect(after.first { $0.arm == "a" } == ArmTotals(arm: "a", exposures: 2, conversions: 0, revenue: 0, revenueSquares: 0))
        },
        Case(description: "definitions are saved, replaced (keeping their creation time), listed by kind in key order and deleted") { store in
            let site = Fixtures.site(), other = Fixtures.site()
            try await store.createSite(site)
            try await store.createSite(other)
            let t0 = Fixtures.now, t1 = Fixtures.now.addingTimeInterval(60)
            try await store.saveDefinition(StoredDefinition(kind: "segment", key: "vip", body: #"{"v":1}"#, createdAt: t0, updatedAt: t0), site: site.id)
            try await store.saveDefinition(StoredDefinition(kind: "segment", key: "all", body: #"{"a":1}"#, createdAt: t0, updatedAt: t0), site: site.id)
            try await store.saveDefinition(StoredDefinition(kind: "quiz", key: "vip", body: #"{"q":1}"#, createdAt: t0, updatedAt: t0), site: site.id)
            try await store.saveDefinition(StoredDefinition(kind: "segment", key: "vip", body: #"{"v":2}"#, createdAt: t1, updatedAt: t1), site: site.id)
            let segments = try await store.definitions(kind: "segment", site: site.id)
            #expect(segments.map(\.key) == ["all", "vip"])
            #expect(segments[1].body == #"{"v":2}"#)
            #expect(segments[1].createdAt == t0 && segments[1].updatedAt == t1)
            #expect(try await store.definitions(kind: "quiz", site: site.id).map(\.body) == [#"{"q":1}"#])
            #expect(try await store.definitions(kind: "segment", site: other.id).isEmpty)
            #expect(try await store.deleteDefinition(kind: "segment", key: "vip", site: site.id))
            #expect(try await store.deleteDefinition(kind: "segment", key: "vip", site: site.id) == false)
            #expect(try await store.definitions(kind: "segment", site: site.id).map(\.key) == ["all"])
        },
        Case(description: "a profile's events are found and erased whether maintenance has indexed them or not") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            func event(_ profile: String, _ message: String) -> StoredEvent {
                StoredEvent(siteID: site.id, profileID: ProfileID(profile), event: Fixtures.track("Product Viewed", user: profile, message: message))
            }
            _ = try await store.append(EventAppend(site: site.id, events: [event("p", "1"), event("q", "2"), event("p", "3")], links: []))
            while try await store.performMaintenance() {}
            _ = try await store.append(EventAppend(site: site.id, events: [event("p", "4"), event("q", "5")], links: []))
            #expect(try await store.events(site: site.id, profiles: [ProfileID("p")]).map(\.event.messageID) == ["1", "3", "4"])
            #expect(try await store.events(site: site.id, profiles: [ProfileID("p"), ProfileID("q")]).count == 5)
            #expect(try await store.erase(site: site.id, profiles: [ProfileID("p")]).events == 3)
            #expect(try await store.events(site: site.id, after: 0, limit: 10).map(\.event.messageID) == ["2", "5"])
            while try await store.performMaintenance() {}
            #expect(try await store.events(site: site.id, profiles: [ProfileID("q")]).map(\.event.messageID) == ["2", "5"])
            #expect(try await store.performMaintenance() == false)
        },
        Case(description: "identity links are inserted and re-pointed") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let e = StoredEvent(siteID: site.id, profileID: ProfileID("p1"), event: Fixtures.identify(user: "u1", anonymous: "a1"))
            _ = try await store.append(EventAppend(site: site.id, events: [e], links: [
                IdentityLink(kind: .user, value: "u1", profileID: ProfileID("p1")),
                IdentityLink(kind: .anonymous, value: "a1", profileID: ProfileID("p1")),
            ]))
            _ = try await store.append(EventAppend(site: site.id, events: [], links: [
                IdentityLink(kind: .anonymous, value: "a1", profileID: ProfileID("p2")),
            ]))
            let links = Set(try await store.identityLinks(site: site.id))
            #expect(links == [IdentityLink(kind: .user, value: "u1", profileID: ProfileID("p1")),
                IdentityLink(kind: .anonymous, value: "a1", profileID: ProfileID("p2"))])
        },
        Case(description: "erasing profiles removes their events, links and state, and nothing else") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let gone = ProfileID("gone"), kept = ProfileID("kept")
            _ = try await store.append(EventAppend(site: site.id, events: [
                StoredEvent(siteID: site.id, profileID: gone, event: Fixtures.track("Product Viewed", user: "g", message: "g1")),
                StoredEvent(siteID: site.id, profileID: gone, event: Fixtures.track("Product Viewed", user: "g", message: "g2")),
                StoredEvent(siteID: site.id, profileID: kept, event: Fixtures.track("Product Viewed", user: "k", message: "k1")),
            ], links: [
                IdentityLink(kind: .user, value: "g", profileID: gone), IdentityLink(kind: .user, value: "k", profileID: kept),
            ]))
            try await store.saveProfiles(site: site.id, changed: [Profile(id: gone), Profile(id: kept)].map(EncodedProfile.init), removed: [], checkpoint: 3)
            let counts = try await store.erase(site: site.id, profiles: [gone])
            #expect(counts == ErasureCounts(events: 2, identities: 1))
            #expect(try await store.events(site: site.id, after: 0, limit: 10).map(\.event.messageID) == ["k1"])
            #expect(try await store.identityLinks(site: site.id).map(\.value) == ["k"])
            #expect(try await store.loadProfiles(site: site.id).profiles.map(\.id) == [kept])
            // The erased message id may be sent again: it is a new event now.
            let resent = try await store.append(EventAppend(site: site.id, events: [
                StoredEvent(siteID: site.id, profileID: gone, event: Fixtures.track("Product Viewed", user: "g", message: "g1")),
            ], links: []))
            #expect(resent[0] != nil)
        },
        Case(description: "profile checkpoints round-trip and never move backwards") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            var profile = Profile(id: ProfileID("p"))
            profile.traits = ["name": "Ada", "address": ["country": "GB"]]
            profile.orders = 3
            profile.revenue = 99.5
            profile.affinities.add(2, to: "shoes", of: .category, at: Fixtures.now, halfLife: 86_400)
            profile.cart = [Profile.CartLine(itemID: ItemID("sku"), quantity: 2, price: 10, addedAt: Fixtures.now)]
            profile.consent = Consent(personalization: false)
            try await store.saveProfiles(site: site.id, changed: [profile, Profile(id: ProfileID("q"))].map(EncodedProfile.init), removed: [], checkpoint: 10)
            try await store.saveProfiles(site: site.id, changed: [], removed: [ProfileID("q")], checkpoint: 5)
            let (checkpoint, profiles) = try await store.loadProfiles(site: site.id)
            #expect(checkpoint == 10)
            #expect(profiles == [profile])
        },
        Case(description: "items are upserted, listed per site and deleted") { store in
            let a = Fixtures.site(), b = Fixtures.site()
            try await store.createSite(a)
            try await store.createSite(b)
            #expect(try await store.upsertItems([Fixtures.item("1"), Fixtures.item("2")], site: a.id) == [true, true])
            var changed = Fixtures.item("1")
            changed.price = 75
            changed.attributes = ["material": "leather", "sizes": [40, 41]]
            #expect(try await store.upsertItems([changed], site: a.id) == [false])
            #expect(try await store.items(site: a.id) == [changed, Fixtures.item("2")])
            #expect(try await store.items(site: b.id).isEmpty)
            #expect(try await store.deleteItem(ItemID("2"), site: b.id) == false)
            #expect(try await store.deleteItem(ItemID("2"), site: a.id) == true)
            #expect(try await store.items(site: a.id).map(\.id) == [ItemID("1")])
        },
        Case(description: "a store answers that it is ready") { store in
            #expect(await store.isReady())
        },
        Case(description: "impressions and outcomes roll up per strategy, each event counted once") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let p = ProfileID("p"), q = ProfileID("q")
            func shown(_ id: String, _ strategy: String, _ items: [String], after seconds: Double) -> RecommendationImpression {
                RecommendationImpression(id: id, strategy: strategy, items: items.map { ItemID($0) },
                    at: Fixtures.now.addingTimeInterval(seconds))
            }
            func outcome(_ rec: String, _ kind: RecommendationOutcome.Kind, _ item: String?, _ message: String, revenue: Double = 0) -> RecommendationOutcome {
                RecommendationOutcome(recommendationID: rec, profileID: p, kind: kind, itemID: item.map { ItemID($0) }, revenue: revenue,
                    messageID: message, at: Fixtures.now.addingTimeInterval(600))
            }
            // Given answers in the hour from now, and one at its (excluded) end; r1 recorded twice.
            try await store.recordImpressions([
                shown("r1", "for_you", ["a", "b", "c"], after: 0), shown("r2", "for_you", ["a", "b"], after: 60),
                shown("r3", "similar", ["x"], after: 120), shown("r4", "for_you", ["a"], after: 3600),
            ], site: site.id)
            try await store.recordImpressions([shown("r1", "for_you", ["z"], after: 0)], site: site.id)
            // When: two clicks on r1's a, a click on its b, an add on r2, orders (one named by two rows), replays.
            try await store.recordOutcomes([
                outcome("r1", .click, "a", "m1"), outcome("r1", .click, "a", "m2"), outcome("r1", .click, "b", "m3"),
                outcome("r2", .add, "a", "m4"), outcome("r1", .order, nil, "m5", revenue: 100),
                outcome("r2", .order, "a", "m6", revenue: 40), outcome("r2", .order, "b", "m6", revenue: 40),
                outcome("r3", .click, "x", "m7"), outcome("r4", .click, "a", "m8"), outcome("rec_unknown", .click, "a", "m9"),
            ], site: site.id)
            try await store.recordOutcomes([outcome("r1", .click, "a", "m1"), outcome("r1", .order, nil, "m5", revenue: 100)], site: site.id)
            // Then
            let hour = try await store.recommendationReport(site: site.id, from: Fixtures.now, to: Fixtures.now.addingTimeInterval(3600))
            #expect(hour == [
                StrategyReport(strategy: "for_you", requests: 2, impressions: 5, clicks: 2, adds: 1, orders: 2, revenue: 140),
                StrategyReport(strategy: "similar", requests: 1, impressions: 1, clicks: 1, adds: 0, orders: 0, revenue: 0),
            ])
            let next = try await store.recommendationReport(
                site: site.id, from: Fixtures.now.addingTimeInterval(3600), to: Fixtures.now.addingTimeInterval(7200))
            #expect(next == [StrategyReport(strategy: "for_you", requests: 1, impressions: 1, clicks: 1, adds: 0, orders: 0, revenue: 0)])
            #expect(try await store.recommendationReport(site: site.id, from: Fixtures.now.addingTimeInterval(-60), to: Fixtures.now).isEmpty)
        },
        Case(description: "a model is saved, replaced and loaded, and is nil before any") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            #expect(try await store.loadModel(site: site.id) == nil)
            let first = StoredModel(version: "v1", trainedThrough: 10, createdAt: Fixtures.now, bytes: [1, 2, 3])
            try await store.saveModel(first, site: site.id)
            #expect(try await store.loadModel(site: site.id) == first)
            let second = StoredModel(version: "v2", trainedThrough: 25, createdAt: Fixtures.now.addingTimeInterval(60), bytes: Array(repeating: 7, count: 100_000))
            try await store.saveModel(second, site: site.id)
            #expect(try await store.loadModel(site: site.id) == second)
        },
        Case(description: "live models are checkpointed per site with their log position") { store in
            let a = Fixtures.site(), b = Fixtures.site()
            try await store.createSite(a)
            try await store.createSite(b)
            #expect(try await store.loadLiveModels(site: a.id) == nil)
            try await store.saveLiveModels([1, 2, 3], through: 7, site: a.id)
            try await store.saveLiveModels(Array(repeating: 9, count: 50_000), through: 12, site: a.id)
            let saved = try #require(try await store.loadLiveModels(site: a.id))
            #expect(saved.seq == 12 && saved.bytes == Array(repeating: 9, count: 50_000))
            #expect(try await store.loadLiveModels(site: b.id) == nil)
        },
        Case(description: "erasing a profile removes its outcomes from the report; impressions name nobody and stay") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let gone = ProfileID("gone"), kept = ProfileID("kept")
            try await store.recordImpressions([
                RecommendationImpression(id: "r1", strategy: "for_you", items: [ItemID("a")], at: Fixtures.now),
                RecommendationImpression(id: "r2", strategy: "for_you", items: [ItemID("a"), ItemID("b")], at: Fixtures.now),
            ], site: site.id)
            try await store.recordOutcomes([
                RecommendationOutcome(recommendationID: "r1", profileID: gone, kind: .click, itemID: ItemID("a"), revenue: 0, messageID: "g1", at: Fixtures.now),
                RecommendationOutcome(recommendationID: "r2", profileID: gone, kind: .add, itemID: ItemID("a"), revenue: 0, messageID: "g2", at: Fixtures.now),
                RecommendationOutcome(recommendationID: "r2", profileID: kept, kind: .click, itemID: ItemID("b"), revenue: 0, messageID: "k1", at: Fixtures.now),
                RecommendationOutcome(recommendationID: "r2", profileID: kept, kind: .order, itemID: nil, revenue: 10, messageID: "k2", at: Fixtures.now),
            ], site: site.id)
            _ = try await store.erase(site: site.id, profiles: [gone])
            #expect(try await store.recommendationReport(site: site.id, from: Fixtures.now, to: Fixtures.now.addingTimeInterval(1)) == [
                StrategyReport(strategy: "for_you", requests: 2, impressions: 3, clicks: 1, adds: 0, orders: 1, revenue: 10),
            ])
        },
        Case(description: "the recommendation log and the model are kept per site") { store in
            let a = Fixtures.site(), b = Fixtures.site()
            try await store.createSite(a)
            try await store.createSite(b)
            for site in [a, b] {
                try await store.recordImpressions([
                    RecommendationImpression(id: "r1", strategy: "for_you", items: [ItemID("a")], at: Fixtures.now),
                ], site: site.id)
            }
            try await store.recordOutcomes([
                RecommendationOutcome(recommendationID: "r1", profileID: ProfileID("p"), kind: .click, itemID: ItemID("a"), revenue: 0, messageID: "m1", at: Fixtures.now),
            ], site: a.id)
            try await store.saveModel(StoredModel(version: "v1", trainedThrough: 1, createdAt: Fixtures.now, bytes: [1]), site: a.id)
            let range = (from: Fixtures.now, to: Fixtures.now.addingTimeInterval(1))
            #expect(try await store.recommendationReport(site: a.id, from: range.from, to: range.to).map(\.clicks) == [1])
            #expect(try await store.recommendationReport(site: b.id, from: range.from, to: range.to).map(\.clicks) == [0])
            #expect(try await store.loadModel(site: b.id) == nil)
        },
        Case(description: "the outbox schedules once per id, moves only later, cancels, reassigns, lists and erases") { store in
            let site = Fixtures.site(), other = Fixtures.site()
            try await store.createSite(site)
            try await store.createSite(other)
            let t0 = Fixtures.now
            func message(_ id: String, _ profile: String, due seconds: Double, trigger: String = "cart", created: Double = 0) -> OutboxMessage {
                OutboxMessage(id: id, trigger: trigger, channel: "email", profileID: ProfileID(profile), status: .scheduled,
                    dueAt: t0.addingTimeInterval(seconds), items: [ItemID("a")], createdAt: t0.addingTimeInterval(created))
            }
            try await store.applyOutbox([
                .schedule(message("m1", "p", due: 60)), .schedule(message("m1", "p", due: 10)), .schedule(message("m2", "q", due: 30, created: 1)),
                .reschedule(message("m1", "p", due: 120)), .reschedule(message("m1", "p", due: 90)),
                .schedule(message("m3", "r", due: 5, trigger: "thanks", created: 2)),
            ], site: site.id)
            try await store.applyOutbox([.schedule(message("m9", "p", due: 0))], site: other.id)
            #expect(try await store.dueMessages(site: site.id, now: t0.addingTimeInterval(200), limit: 10).map(\.id) == ["m3", "m2", "m1"])
            #expect(try await store.message("m1", site: site.id)?.dueAt == t0.addingTimeInterval(120), "a repeat only ever moves it later")
            #expect(try await store.dueMessages(site: site.id, now: t0.addingTimeInterval(40), limit: 1).map(\.id) == ["m3"])
            try await store.applyOutbox([
                .cancel(trigger: "cart", profile: ProfileID("q"), reason: "Order Completed arrived first", at: t0),
                .reassign(from: ProfileID("p"), to: ProfileID("s")),
            ], site: site.id)
            let cancelled = try #require(try await store.message("m2", site: site.id))
            #expect(cancelled.status == .cancelled && cancelled.lastError == "Order Completed arrived first")
            #expect(try await store.message("m1", site: site.id)?.profileID == ProfileID("s"))
            var sent = try #require(try await store.message("m3", site: site.id))
            sent.status = .delivered
            sent.attempts = 2
            sent.body = #"{"message_id":"m3"}"#
            sent.deliveredAt = t0.addingTimeInterval(6)
            try await store.applyOutbox([.update(sent)], site: site.id)
            #expect(try await store.message("m3", site: site.id) == sent)
            #expect(try await store.deliveries(site: site.id, profile: ProfileID("r"), channel: "email", since: t0) == [t0.addingTimeInterval(6)])
            #expect(try await store.deliveries(site: site.id, profile: ProfileID("r"), channel: "email", since: t0.addingTimeInterval(7)).isEmpty)
            #expect(try await store.dueMessages(site: site.id, now: t0.addingTimeInterval(200), limit: 10).map(\.id) == ["m1"])
            let newest = try await store.messages(site: site.id, status: nil, before: nil, limit: 2)
            #expect(newest.map(\.id) == ["m3", "m2"])
            #expect(try await store.messages(site: site.id, status: nil, before: newest[1].cursor, limit: 5).map(\.id) == ["m1"])
            #expect(try await store.messages(site: site.id, status: .cancelled, before: nil, limit: 5).map(\.id) == ["m2"])
            try await store.applyOutbox([.cancel(trigger: nil, profile: nil, reason: "the trigger was deleted", at: t0)], site: other.id)
            #expect(try await store.message("m1", site: site.id)?.status == .scheduled, "another site's cancel changes nothing here")
            _ = try await store.erase(site: site.id, profiles: [ProfileID("s")])
            #expect(try await store.message("m1", site: site.id) == nil)
        },
        Case(description: "a retention purge deletes only checkpointed old events, old logs and finished messages") { store in
            let site = Fixtures.site()
            try await store.createSite(site)
            let old = Fixtures.now.addingTimeInterval(-40 * 86_400), cutoff = Fixtures.now.addingTimeInterval(-30 * 86_400)
            func event(_ message: String, at: Date) -> StoredEvent {
                StoredEvent(siteID: site.id, profileID: ProfileID("p"), event: Fixtures.track("Product Viewed", user: "p", message: message, at: at))
            }
            let seqs = try await store.append(EventAppend(site: site.id, events: [event("o1", at: old), event("n1", at: Fixtures.now), event("o2", at: old)], links: []))
            try await store.saveProfiles(site: site.id, changed: [], removed: [], checkpoint: seqs[1]!)
            try await store.saveLiveModels([1], through: seqs[2]!, site: site.id)
            try await store.recordDecisions([
                Decision(id: "d-old", experience: "e", placement: "x", variant: "a", control: false, holdout: false, probability: 1,
                    profileID: ProfileID("p"), at: old, features: []),
                Decision(id: "d-new", experience: "e", placement: "x", variant: "a", control: false, holdout: false, probability: 1,
                    profileID: ProfileID("p"), at: Fixtures.now, features: []),
            ], site: site.id)
            var finished = OutboxMessage(id: "m-old", trigger: "t", channel: "email", profileID: ProfileID("p"), status: .delivered, dueAt: old,
                createdAt: old)
            let pending = OutboxMessage(id: "m-pending", trigger: "t", channel: "email", profileID: ProfileID("p"), status: .scheduled, dueAt: old,
                createdAt: old)
            try await store.applyOutbox([.schedule(finished), .schedule(pending)], site: site.id)
            finished.deliveredAt = old
            try await store.applyOutbox([.update(finished)], site: site.id)
            let counts = try await store.purge(site: site.id, before: cutoff)
            #expect(counts.events == 1, "o2 is after the profile checkpoint: a restart still replays it")
            #expect(try await store.events(site: site.id, after: 0, limit: 10).map(\.event.messageID) == ["n1", "o2"])
            #expect(try await store.decisions(site: site.id, since: .distantPast).map(\.decision.id) == ["d-new"])
            #expect(try await store.message("m-old", site: site.id) == nil)
            #expect(try await store.message("m-pending", site: site.id) != nil)
            #expect(counts.derived == 2)
        },
    ]
}
