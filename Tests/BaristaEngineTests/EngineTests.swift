import BaristaCore
import BaristaEngine
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

/// A fresh engine on a fresh store, with a site and a small catalog.
struct EngineHarness {
    let engine: Engine
    let site: SiteID
    let clock: TestClock

    init(store: (any BaristaStore)? = nil, clock: TestClock = TestClock()) async throws {
        self.clock = clock
        engine = Engine(store: try store ?? SQLiteStore(), clock: clock.function, logger: Logger(label: "test"))
        site = try await engine.createSite(named: "shop").site.id
        _ = try await engine.upsertItems([Fixtures.item("runner"), Fixtures.item("jacket", category: "jackets", brand: "Fjell", color: "red")], site: site)
    }

    func send(_ events: Event...) async throws -> [IngestResult] {
        try await engine.ingest(events, site: site)
    }

    func profile(_ id: String) async throws -> ProfileSnapshot? {
        try await engine.profile(id, site: site)
    }
}

struct IdentityTests {
    @Test func identifyStitchesTheAnonymousHistoryToTheKnownPerson() async throws {
        let h = try await EngineHarness()
        _ = try await h.send(Fixtures.track("Product Viewed", anonymous: "a1", properties: ["product_id": "runner"]))
        _ = try await h.send(Fixtures.identify(user: "u1", anonymous: "a1", traits: ["email": "ada@example.com"]))
        let byUser = try #require(try await h.profile("u1"))
        let byAnonymous = try #require(try await h.profile("a1"))
        #expect(byUser.profile.id == byAnonymous.profile.id)
        #expect(byUser.userIDs == ["u1"] && byUser.anonymousIDs == ["a1"])
        #expect(byUser.profile.recentlyViewed.map(\.itemID) == [ItemID("runner")])
        #expect(byUser.profile.traits["email"] == "ada@example.com")
    }

    @Test func oneProfileAcrossWebAppAndEmail() async throws {
        let h = try await EngineHarness()
        _ = try await h.send(
            Fixtures.track("Product Viewed", anonymous: "web-1", properties: ["product_id": "runner"], channel: "web"),
            Fixtures.identify(user: "u1", anonymous: "web-1"),
            Fixtures.track("Product Viewed", user: "u1", anonymous: "app-7", properties: ["product_id": "jacket"], channel: "app"),
            Fixtures.track("Email Opened", user: "u1"))
        let profile = try #require(try await h.profile("app-7"))
        #expect(profile.userIDs == ["u1"])
        #expect(Set(profile.anonymousIDs) == ["web-1", "app-7"])
        #expect(profile.profile.channels == ["web", "app", "email"])
    }

    @Test func identifyingAnAnonymousVisitorWhoIsKnownMergesTheTwoProfiles() async throws {
        let h = try await EngineHarness()
        _ = try await h.send(Fixtures.track("Order Completed", user: "u1", properties: ["products": [["product_id": "jacket"]], "revenue": 100]))
        _ = try await h.send(Fixtures.track("Product Added", anonymous: "a2", properties: ["product_id": "runner"]))
        let anonymousProfile = try #require(try await h.profile("a2")).profile.id
        _ = try await h.send(Fixtures.identify(user: "u1", anonymous: "a2"))
        let merged = try #require(try await h.profile("u1"))
        #expect(merged.profile.orders == 1 && merged.profile.revenue == 100)
        #expect(merged.profile.cart.map(\.itemID) == [ItemID("runner")])
        #expect(try await h.profile(anonymousProfile.rawValue)?.profile.id == merged.profile.id, "a merged-away id resolves to the survivor")
    }

    @Test func aSharedDeviceNeverMergesTwoKnownPeople() async throws {
        let h = try await EngineHarness()
        _ = try await h.send(Fixtures.identify(user: "alice", anonymous: "family-tablet"))
        _ = try await h.send(Fixtures.track("Order Completed", user: "alice", properties: ["revenue": 50]))
        _ = try await h.send(Fixtures.identify(user: "bob", anonymous: "family-tablet"))
        let alice = try #require(try await h.profile("alice"))
        let bob = try #require(try await h.profile("bob"))
        #expect(alice.profile.id != bob.profile.id)
        #expect(bob.profile.orders == 0, "Bob never receives Alice's orders")
        #expect(try await h.profile("family-tablet")?.profile.id == bob.profile.id, "the device follows whoever uses it now")
    }

    @Test func aliasMergesTwoPeopleTheSiteSaysAreOne() async throws {
        let h = try await EngineHarness()
        _ = try await h.send(Fixtures.track("Order Completed", user: "old-account", properties: ["revenue": 30]))
        _ = try await h.send(Fixtures.track("Order Completed", user: "new-account", properties: ["revenue": 70]))
        _ = try await h.send(Fixtures.alias(previous: "old-account", user: "new-account"))
        let survivor = try #require(try await h.profile("new-account"))
        #expect(survivor.profile.orders == 2 && survivor.profile.revenue == 100)
        #expect(Set(survivor.userIDs) == ["old-account", "new-account"])
        #expect(try await h.profile("old-account")?.profile.id == survivor.profile.id)
        #expect(try await h.engine.profileCount(site: h.site) == 1)
    }
}

struct IngestTests {
    @Test func aRepeatedMessageIDIsStoredOnce() async throws {
        let h = try await EngineHarness()
        let event = Fixtures.track("Order Completed", user: "u", message: "order-1", properties: ["revenue": 10])
        #expect(try await h.send(event, event).map(\.stored) == [true, false])
        #expect(try await h.send(event).map(\.stored) == [false])
        #expect(try await h.profile("u")?.profile.orders == 1)
    }

    @Test func concurrentBatchesAreAllCommittedAndApplied() async throws {
        let h = try await EngineHarness()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in 0..<40 {
                group.addTask {
                    let events = (0..<25).map { i in
                        Fixtures.track("Product Viewed", user: "u\(i % 10)", message: "b\(batch)-\(i)", properties: ["product_id": "runner"])
                    }
                    let results = try await h.engine.ingest(events, site: h.site)
                    #expect(results.allSatisfy { $0.stored })
                }
            }
            try await group.waitForAll()
        }
        var total = 0
        for user in 0..<10 { total += try await h.profile("u\(user)")?.profile.eventCounts["Product Viewed"] ?? 0 }
        #expect(total == 1000)
        #expect(try await h.engine.profileCount(site: h.site) == 10)
    }

    @Test func profilesAreRebuiltFromTheCheckpointAndTheLogAfterIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock()
        let first = try await EngineHarness(store: try SQLiteStore(directory: directory), clock: clock)
        _ = try await first.send(Fixtures.track("Product Added", anonymous: "a", properties: ["product_id": "runner"]))
        _ = try await first.send(Fixtures.identify(user: "u", anonymous: "a", traits: ["name": "Ada"]))
        try await first.engine.checkpoint()
        // After the checkpoint: a merge, an order and a consent change that only the log knows.
        _ = try await first.send(Fixtures.track("Product Viewed", anonymous: "b", properties: ["product_id": "jacket"]))
        _ = try await first.send(Fixtures.identify(user: "u", anonymous: "b"))
        _ = try await first.send(Fixtures.track("Order Completed", user: "u", properties: ["products": [["product_id": "runner"]], "revenue": 50]))
        _ = try await first.engine.setConsent(Consent(email: true), for: "u", site: first.site)
        let before = try #require(try await first.profile("u"))

        let reopened = Engine(store: try SQLiteStore(directory: directory), clock: clock.function, logger: Logger(label: "test"))
        let after = try #require(try await reopened.profile("u", site: first.site))
        #expect(after.profile == before.profile)
        #expect(Set(after.anonymousIDs) == ["a", "b"])
        #expect(after.profile.consent.email == true)
    }
}

struct PrivacyTests {
    @Test func erasureRemovesThePersonFromEveryRead() async throws {
        let h = try await EngineHarness()
        _ = try await h.send(Fixtures.track("Product Viewed", anonymous: "a", properties: ["product_id": "runner"]))
        _ = try await h.send(Fixtures.track("Order Completed", user: "u", properties: ["revenue": 5]))
        _ = try await h.send(Fixtures.identify(user: "u", anonymous: "a"))
        _ = try await h.send(Fixtures.track("Product Viewed", user: "other", properties: ["product_id": "runner"]))
        let receipt = try #require(try await h.engine.erase("u", site: h.site))
        #expect(receipt.eventsDeleted == 3)
        #expect(try await h.profile("u") == nil)
        #expect(try await h.profile("a") == nil)
        #expect(try await h.profile(receipt.profileID.rawValue) == nil)
        #expect(try await h.engine.events(of: receipt.profileID, site: h.site).isEmpty)
        #expect(try await h.profile("other") != nil)
        // A new event from the same user id starts a new, empty person.
        _ = try await h.send(Fixtures.track("Product Viewed", user: "u", properties: ["product_id": "jacket"]))
        let fresh = try #require(try await h.profile("u"))
        #expect(fresh.profile.id != receipt.profileID && fresh.profile.orders == 0)
    }

    @Test func anErasedPersonStaysErasedAcrossCheckpointsAndRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock()
        let h = try await EngineHarness(store: try SQLiteStore(directory: directory), clock: clock)
        _ = try await h.send(Fixtures.identify(user: "gone", traits: ["email": "gone@example.com"]), Fixtures.identify(user: "kept"))
        try await h.engine.checkpoint()
        // Checkpoints and erasures racing: whatever the order, the erased person never comes back.
        async let erased = h.engine.erase("gone", site: h.site)
        async let checkpoint: Void = h.engine.checkpoint()
        _ = try await (erased, checkpoint)
        try await h.engine.checkpoint()
        let reopened = Engine(store: try SQLiteStore(directory: directory), clock: clock.function, logger: Logger(label: "test"))
        #expect(try await reopened.profile("gone", site: h.site) == nil)
        #expect(try await reopened.profile("kept", site: h.site) != nil)
        #expect(try await reopened.profileCount(site: h.site) == 1)
    }

    @Test func consentAndPreferencesCreateAProfileForANewID() async throws {
        let h = try await EngineHarness()
        let snapshot = try await h.engine.setPreferences({ var p = Preferences(); p.brands = ["Fjell"]; return p }(), for: "new-person", site: h.site)
        #expect(snapshot.userIDs == ["new-person"])
        #expect(snapshot.profile.preferences.brands == ["Fjell"])
        let consent = try await h.engine.setConsent(Consent(personalization: false), for: snapshot.profile.id.rawValue, site: h.site)
        #expect(consent.profile.id == snapshot.profile.id)
        #expect(consent.profile.consent.personalization == false)
    }
}
