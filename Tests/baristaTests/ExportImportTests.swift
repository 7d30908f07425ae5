import BaristaCore
import BaristaEngine
import BaristaPostgres
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

/// An archive in memory, for tests.
final class MemoryArchiveOutput: SiteArchiveOutput {
    var bytes: [UInt8] = []
    var finished = false
    func write(_ bytes: [UInt8]) throws { self.bytes += bytes }
    func finish() throws { finished = true }
}

/// `export-site` / `import-site` at the store level: SQLite → PostgreSQL → SQLite keeps a whole site.
@Suite(.serialized)
struct SiteArchiveTests {
    static let logger = Logger(label: "barista.archive.tests")

    /// A shop on SQLite, built through the engine: people (one merged by `alias`), items, a segment,
    /// an experience with decisions, a trigger with scheduled messages, recommendations, a checkpoint.
    static func shop(_ store: SQLiteStore) async throws -> (engine: Engine, site: SiteID, secret: String, publishable: String) {
        let engine = Engine(store: store, logger: logger)
        let created = try await engine.createSite(named: "shop")
        let site = created.site.id
        _ = try await engine.updateSettings(site: site, patch: ["default_consent": ["email": true]])
        _ = try await engine.upsertItems([Fixtures.item("runner"), Fixtures.item("socks", category: "socks"), Fixtures.item("jacket", category: "jackets")], site: site)
        let rule = try JSON.parse(#"{"key":"buyers","rule":{"event":"Order Completed","within":"30d","count":{"gte":1}}}"#)
        _ = try await engine.createSegment(try SegmentDefinition.parse(rule, now: Date()).get(), site: site)
        let hero = #"""
            {"key":"hero","placement":"home_hero","status":"running","control_percent":20,
             "variants":[{"key":"a","payload":{"headline":"A"}},{"key":"b","payload":{"headline":"B"}}],
             "allocation":{"type":"ab","weights":{"a":50,"b":50}},"goal":{"event":"Order Completed","window":"1d"}}
            """#
        _ = try await engine.createExperience(try Experience.parse(try JSON.parse(hero), now: Date()).get(), site: site)
        let trigger = #"""
            {"key":"cart-abandoned","when":{"event":"Product Added","no_event":"Order Completed","after":"1h"},"channel":"email",
             "content":{"payload":{"subject":"You left something behind"}},"deliver":{"webhook":"http://127.0.0.1:9/hook"}}
            """#
        _ = try await engine.createTrigger(try Trigger.parse(try JSON.parse(trigger), now: Date()).get(), site: site)
        let now = Date()
        var events: [Event] = []
        for n in 0..<12 {
            events.append(Fixtures.track("Product Viewed", anonymous: "anon\(n)", message: "view-\(n)", at: now, properties: ["product_id": "runner"]))
            events.append(Fixtures.identify(user: "u\(n)", anonymous: "anon\(n)", traits: ["email": .string("u\(n)@example.com")], message: "id-\(n)", at: now))
            events.append(Fixtures.track("Product Added", user: "u\(n)", message: "add-\(n)", at: now, properties: ["product_id": "socks", "price": 9]))
            if n % 3 == 0 {
                events.append(Fixtures.track("Order Completed", user: "u\(n)", message: "order-\(n)", at: now,
                    properties: ["products": [["product_id": "socks", "price": 9]], "revenue": 9]))
            }
        }
        events.append(Fixtures.alias(previous: "u1", user: "u2", message: "alias-1", at: now))
        // Another site's events in between, so that the shop's log positions have gaps to map.
        let other = try await engine.createSite(named: "other").site.id
        for (n, event) in events.enumerated() {
            _ = try await engine.ingest([event], site: site)
            if n % 4 == 0 { _ = try await engine.ingest([Fixtures.track("Page Viewed", user: "o\(n)", at: now)], site: other) }
        }
        for n in 0..<12 { _ = try await engine.decide(DecideRequest(user: UserReference(userID: "u\(n)"), placements: ["home_hero"]), site: site) }
        _ = try await engine.recommend(RecommendationRequest(strategy: .trending, user: UserReference(userID: "u3")), site: site)
        try await engine.flushDecisionLog()
        try await engine.flushRecommendationLog()
        try await engine.checkpoint()
        // Events after the checkpoint: the importer must replay them on top of the mapped checkpoint.
        _ = try await engine.ingest([Fixtures.track("Product Viewed", user: "u4", message: "late-1", at: now, properties: ["product_id": "jacket"])], site: site)
        return (engine, site, created.secretKey, created.publishableKey)
    }

    static func export(_ store: any SiteArchiveStore, _ site: SiteID) async throws -> [UInt8] {
        let output = MemoryArchiveOutput()
        try await store.exportSite(site, to: SiteArchiveWriter(output: output, exportedAt: Fixtures.now))
        #expect(output.finished)
        return output.bytes
    }

    static func reader(_ bytes: [UInt8]) throws -> SiteArchiveReader {
        try SiteArchiveReader(source: MemoryChunkSource(bytes, chunkSize: 4096))
    }

    /// Every row of an archive, per table, positions left out (each store numbers its own log).
    static func rows(_ bytes: [UInt8]) throws -> [String: [[SiteArchiveValue]]] {
        let reader = try reader(bytes)
        var rows: [String: [[SiteArchiveValue]]] = [:]
        while let (table, values) = try reader.next() {
            rows[table.name, default: []].append(zip(values, table.columns).map { $1.kind == .position ? .null : $0 })
        }
        return rows
    }

    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("barista-archive-\(UUID().uuidString).sqlite").path
    }

    @Test func aSiteSurvivesSQLiteToPostgresToSQLite() async throws {
        let sourcePath = Self.temporaryFile(), targetPath = Self.temporaryFile()
        defer { for path in [sourcePath, targetPath] { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } } }
        // Given a shop on SQLite
        let source = try SQLiteStore(path: sourcePath)
        let shop = try await Self.shop(source)
        let first = try await Self.export(source, shop.site)

        // When it goes to a fresh PostgreSQL database, and from there to a fresh SQLite file
        let url = try await PostgresCluster.shared().createDatabase()
        let postgres = try await PostgresStore.connect(url: url, maximumConnections: 4, logger: Self.logger)
        let intoPostgres = try await postgres.importSite(from: try Self.reader(first), as: nil)
        let second = try await Self.export(postgres, intoPostgres.siteID)
        await postgres.shutdown()
        let target = try SQLiteStore(path: targetPath)
        let intoSQLite = try await target.importSite(from: try Self.reader(second), as: nil)

        // Then every row came through both hops, and the counts match the header
        #expect(intoSQLite.siteID == shop.site && intoSQLite.name == "shop")
        let original = try Self.rows(first)
        #expect(try Self.rows(second) == original)
        #expect(try Self.rows(try await Self.export(target, shop.site)) == original)
        for table in ["events", "identities", "profiles", "items", "definitions", "decisions", "outbox", "api_keys", "recommendation_impressions", "checkpoints"] {
            #expect((intoSQLite.counts[table] ?? 0) > 0, "\(table) is empty: the fixture does not exercise it")
        }
        #expect(intoSQLite.counts == intoPostgres.counts)

        // And the engine on the copy sees the same site: profiles, identities, log, keys, definitions, outbox
        // (compared with the source store reopened: a live engine lists a person's ids in arrival
        // order, a loaded one in the store's key order, archive or not)
        let engine = Engine(store: target, logger: Self.logger)
        let reopened = Engine(store: source, logger: Self.logger)
        let at = Date()
        for id in ["u0", "u1", "u2", "u3", "u4", "anon5", "u11"] {
            let live = try #require(try await shop.engine.profile(id, site: shop.site))
            let before = try #require(try await reopened.profile(id, site: shop.site))
            let after = try #require(try await engine.profile(id, site: shop.site))
            #expect(after.json(at: at) == before.json(at: at), "profile \(id)")
            #expect(after.profile.id == live.profile.id && Set(after.userIDs) == Set(live.userIDs), "profile \(id)")
        }
        #expect(try await engine.profile("u1", site: shop.site)?.profile.id == engine.profile("u2", site: shop.site)?.profile.id, "the alias merge holds")
        let eventsBefore = try await source.events(site: shop.site, after: 0, limit: 1000)
        let eventsAfter = try await target.events(site: shop.site, after: 0, limit: 1000)
        #expect(eventsAfter.map(\.event.messageID) == eventsBefore.map(\.event.messageID))
        #expect(eventsAfter.map(\.profileID) == eventsBefore.map(\.profileID))
        #expect(eventsAfter.map(\.mergedProfileID) == eventsBefore.map(\.mergedProfileID))
        #expect(Set(try await target.identityLinks(site: shop.site)) == Set(try await source.identityLinks(site: shop.site)))
        #expect(await engine.authenticate(shop.secret)?.scope == .secret)
        #expect(await engine.authenticate(shop.publishable)?.site == shop.site)
        #expect(try await engine.experiences(site: shop.site).map(\.key) == ["hero"])
        #expect(try await engine.triggers(site: shop.site).map(\.key) == ["cart-abandoned"])
        #expect(try await engine.segments(site: shop.site).map(\.definition.key) == ["buyers"])
        let messagesBefore = try await shop.engine.messages(site: shop.site, status: nil, cursor: nil, limit: 100).messages
        let messagesAfter = try await engine.messages(site: shop.site, status: nil, cursor: nil, limit: 100).messages
        #expect(!messagesAfter.isEmpty && messagesAfter == messagesBefore)
        #expect(try await target.decisions(site: shop.site, since: .distantPast).count == 12)
        // A retried event is still a duplicate on the copy
        let retried = try await engine.ingest([Fixtures.track("Product Viewed", anonymous: "anon0", message: "view-0", properties: ["product_id": "runner"])], site: shop.site)
        #expect(try await target.events(site: shop.site, after: 0, limit: 1000).count == eventsBefore.count, "\(retried)")
    }

    @Test func aTakenNameADamagedArchiveOrAnotherVersionChangeNothing() async throws {
        let source = try SQLiteStore()
        let shop = try await Self.shop(source)
        let archive = try await Self.export(source, shop.site)
        let target = try SQLiteStore()

        // A truncated archive: no trailer
        let lines = archive.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let truncated = Array(lines.prefix(lines.count / 2).joined(separator: [UInt8(ascii: "\n")]))
        await #expect(throws: SiteArchiveError.self) { _ = try await target.importSite(from: try Self.reader(truncated), as: nil) }
        // A damaged one: one event's message id changed, so its checksum fails
        let text = String(decoding: archive, as: UTF8.self)
        let damaged = Array(text.replacingOccurrences(of: "\"order-3\"", with: "\"order-X\"").utf8)
        #expect(damaged != archive)
        await #expect(throws: SiteArchiveError.self) { _ = try await target.importSite(from: try Self.reader(damaged), as: nil) }
        // Another version
        let future = Array(text.replacingOccurrences(of: "\"version\":1", with: "\"version\":2").utf8)
        #expect(throws: SiteArchiveError.self) { _ = try Self.reader(future) }
        // Nothing was written
        #expect(try await target.sites().isEmpty)
        #expect(try await target.summary().events == 0)

        // A sound one imports once; again under the same name is a conflict, and changes nothing
        _ = try await target.importSite(from: try Self.reader(archive), as: nil)
        let events = try await target.summary().events
        await #expect(throws: SiteArchive.nameTaken("shop")) {
            _ = try await target.importSite(from: try Self.reader(archive), as: nil)
        }
        let after = try await target.summary()
        #expect(after.sites == 1 && after.events == events)
    }
}
