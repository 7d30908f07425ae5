import BaristaCore
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, through GRDB.
///
/// Commits are durable (`synchronous=FULL`): when ``append(_:)`` returns, the events survive a crash
/// or a power cut. Writes are serialized by GRDB's single writer; reads run concurrently.
public final class SQLiteStore: BaristaStore, SiteStore, EventStore, ProfileStore, CatalogStore, Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating and migrating as needed) the store in `directory`, as `barista.sqlite`.
    public convenience init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try self.init(path: (directory as NSString).appendingPathComponent("barista.sqlite"))
    }

    /// Opens (creating and migrating as needed) the SQLite file at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 64 MiB of page cache per connection: the message-id index is read on every insert.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(writer)
    }

    /// A private in-memory store, for tests.
    public init() throws {
        writer = try DatabaseQueue()
        try Self.migrator.migrate(writer)
    }

    /// Whether the database answers a trivial query.
    public func isReady() async -> Bool {
        (try? await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// How many sites and events the store holds (what `barista backup` and `restore` report).
    public func summary() async throws -> (sites: Int, events: Int) {
        try await writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM sites") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0)
        }
    }

    /// Makes a consistent copy of the whole database into `path` (SQLite's online backup API).
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try writer.backup(to: destination)
    }
}
