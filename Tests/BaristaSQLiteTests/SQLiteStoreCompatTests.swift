import BaristaCore
import GRDB
@testable import BaristaSQLite
import BaristaTesting
import Foundation
import Testing

/// The shared store suite, against SQLite: once in memory, once on a real file in WAL mode.
struct SQLiteStoreCompatTests {
    @Test(arguments: StoreCompatTests.cases)
    func inMemory(_ check: StoreCompatTests.Case) async throws {
        try await check.run { try SQLiteStore() }
    }

    @Test(arguments: StoreCompatTests.cases)
    func onDisk(_ check: StoreCompatTests.Case) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await check.run { try SQLiteStore(directory: directory) }
    }

    @Test func reopeningAFileKeepsEverything() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let site = Fixtures.site()
        do {
            let store = try SQLiteStore(directory: directory)
            try await store.createSite(site)
            _ = try await store.append(EventAppend(site: site.id, events: [
                StoredEvent(siteID: site.id, profileID: ProfileID("p"), event: Fixtures.track("Product Viewed", user: "u", message: "m1")),
            ], links: [IdentityLink(kind: .user, value: "u", profileID: ProfileID("p"))]))
        }
        let reopened = try SQLiteStore(directory: directory)
        #expect(try await reopened.sites().map(\.id) == [site.id])
        #expect(try await reopened.events(site: site.id, after: 0, limit: 10).map(\.event.messageID) == ["m1"])
    }

    @Test func aPageOfTheLogIsReadByPositionNotSortedFromAnIndexOnTheSite() async throws {
        let store = try SQLiteStore()
        let plan = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.logPageSQL, arguments: ["site", 0, 10]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("INTEGER PRIMARY KEY") } && !plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    @Test func backupCopiesTheWholeStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(directory: directory)
        let site = Fixtures.site()
        try await store.createSite(site)
        _ = try await store.upsertItems([Fixtures.item("1")], site: site.id)
        let copy = directory + "/copy.sqlite"
        try store.backup(to: copy)
        #expect(try await SQLiteStore(path: copy).items(site: site.id).map(\.id) == [ItemID("1")])
    }
}
