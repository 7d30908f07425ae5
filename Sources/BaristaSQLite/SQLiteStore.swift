import BaristaCore
import Foundation
import GRDB
import Synchronization

/// The embedded store: one SQLite file in WAL mode, through GRDB.
///
/// Commits are durable (`synchronous=FULL`): when ``append(_:)`` returns, the events survive a crash
/// or a power cut. Writes are serialized by GRDB's single writer; reads run concurrently.
public final class SQLiteStore: BaristaStore, SiteStore, EventStore, ProfileStore, CatalogStore, Sendable {
    let writer: any DatabaseWriter
    /// The database file (nil in memory): where free space is measured.
    let path: String?
    /// The free bytes seen when an append last failed on a full disk; nil once an append succeeds.
    let diskFull = Mutex<Int64?>(nil)

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
        self.path = path
        try Self.migrator.migrate(writer)
    }

    /// A private in-memory store, for tests.
    public init() throws {
        writer = try DatabaseQueue()
        path = nil
        try Self.migrator.migrate(writer)
    }

    /// Whether the database answers a trivial query.
    public func isReady() async -> Bool {
        (try? await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Why the store cannot take writes: it does not answer, or its disk was full at the last
    /// append and too little was freed since; nil when it can.
    ///
    /// "Too little" is less than the write-ahead log (up to about 4 MiB) plus 1 MiB: the next
    /// checkpoint copies the log's pages into the database file while the log still holds them,
    /// so with less room it fails again and takes the space freed.
    public func notReadyReason() async -> String? {
        guard await isReady() else { return "the store is not answering" }
        guard let seen = diskFull.withLock({ $0 }) else { return nil }
        let log = path.flatMap { try? FileManager.default.attributesOfItem(atPath: $0 + "-wal")[.size] as? NSNumber }?.int64Value ?? 0
        if let free = freeBytes(), free >= seen + max(log, 0) + 1 << 20 { return nil }
        return "the disk holding the data directory is full: events are refused (507) until space is freed"
    }

    /// What a client is told when the disk is full.
    static let diskFullDetail = "the disk holding the data directory is full: nothing was stored; retry once space is freed"

    /// The bytes free for this process on the database's file system (nil in memory).
    func freeBytes() -> Int64? {
        guard let path, let attributes = try? FileManager.default.attributesOfFileSystem(forPath: (path as NSString).deletingLastPathComponent)
        else { return nil }
        return (attributes[.systemFreeSize] as? NSNumber)?.int64Value
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

/// SQLite's failures that are the machine's, not the server's: a full disk (507), a disk that
/// fails to read or write (503). GRDB has already rolled the transaction back; the next write
/// on the same connection works once the cause is gone.
extension DatabaseError: StorageFault {
    public var baristaError: BaristaError? {
        switch resultCode {
        case .SQLITE_FULL: .storageFull(SQLiteStore.diskFullDetail)
        case .SQLITE_IOERR: .unavailable("the store could not read or write its disk (an I/O error): retry later")
        default: nil
        }
    }
}
