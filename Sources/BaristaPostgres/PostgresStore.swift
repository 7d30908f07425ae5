import BaristaCore
import Foundation
import Logging
import PostgresNIO

/// The store for several nodes: PostgreSQL through a PostgresNIO connection pool.
///
/// Open one with ``connect(url:logger:)``, which runs the pool and migrates the schema; close it
/// with ``shutdown()``. The store owns its ``PostgresClient`` and the task that runs it, rather than
/// handing the client to a `ServiceGroup`: every command opens a store the same way, whether it
/// serves for days or prints one line, and SQLite needs no service at all. The pool's task is the
/// store's only background work and ends with ``shutdown()`` (or with the process).
///
/// Every table is keyed by `site_id` first, so that a site's rows live together and the layout can
/// be distributed by `site_id` (see the README's PostgreSQL section). Times are stored as
/// `double precision` seconds since 1970, as SQLite stores them, so that every `Date` round-trips exactly.
public final class PostgresStore: BaristaStore, Sendable {
    let client: PostgresClient
    let logger: Logger
    /// How to open a connection of its own (the cluster link's, which must outlive any query).
    let connectionConfiguration: PostgresConnection.Configuration
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, connectionConfiguration: PostgresConnection.Configuration, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.connectionConfiguration = connectionConfiguration
        self.runner = runner
        self.logger = logger
    }

    /// Connects to the database at `url`, creating and migrating its schema as needed.
    ///
    /// - Parameters:
    ///   - url: `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable` (see ``PostgresURL``).
    ///   - maximumConnections: the size of the connection pool.
    ///   - logger: where the pool and the migrations log.
    /// - Throws: ``PostgresURLError`` for a malformed URL; ``PostgresStoreError`` naming the database
    ///   (without its password) and the cause when it cannot be reached or migrated.
    public static func connect(url: String, maximumConnections: Int = 20, logger: Logger) async throws -> PostgresStore {
        let parsed = try PostgresURL(url)
        let connectionConfiguration = try parsed.connectionConfiguration()
        do {
            let probe = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 0, logger: logger)
            try await probe.close()
        } catch {
            throw PostgresStoreError(description: "cannot connect to the database at \(parsed.redacted): \(String(reflecting: error))")
        }
        var configuration = parsed.configuration
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let store = PostgresStore(client: client, connectionConfiguration: connectionConfiguration, runner: Task { await client.run() }, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.shutdown()
            throw PostgresStoreError(description: "cannot migrate the database at \(parsed.redacted): \(String(reflecting: error))")
        }
        return store
    }

    /// Closes every connection and stops the pool; the store answers no query afterwards.
    public func shutdown() async {
        runner.cancel()
        await runner.value
    }

    /// Whether the database answers a trivial query.
    public func isReady() async -> Bool {
        (try? await scalar("SELECT 1::bigint", as: Int64.self)) == 1
    }

    /// Nothing to do: PostgreSQL keeps the by-profile index of events in the write path, so there is
    /// no background indexing to catch up on (SQLite's store has).
    public func performMaintenance() async throws -> Bool { false }

    // MARK: Query helpers

    /// Every row of one statement.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// The first column of the first row, or nil when there is no row.
    func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        guard let row = try await client.query(query, logger: logger).collect().first else { return nil }
        return try row.makeRandomAccess()[0].decode(T.self)
    }

    /// Runs one statement for its effect.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await client.query(query, logger: logger).collect()
    }
}

extension PostgresConnection {
    /// Every row of one statement.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// The first column of the first row, or nil when there is no row.
    func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self, logger: Logger) async throws -> T? {
        guard let row = try await self.query(query, logger: logger).collect().first else { return nil }
        return try row.makeRandomAccess()[0].decode(T.self)
    }

    /// Runs one statement for its effect.
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresRandomAccessRow {
    /// The column `name`, decoded.
    func get<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }

    /// The `double precision` column `name`, as seconds since 1970.
    func date(_ name: String) throws -> Date {
        Date(timeIntervalSince1970: try get(name, as: Double.self))
    }
}

extension Date {
    /// Seconds since 1970, as the store keeps times.
    var seconds: Double { timeIntervalSince1970 }
}

extension ByteBuffer {
    /// The readable bytes, as an array.
    var bytes: [UInt8] { Array(readableBytesView) }
}

/// A database that could not be opened: unreachable, refusing the login, or failing a migration.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    /// Which database, and why.
    public var description: String
}

/// PostgreSQL's failures that are the database's state, not a bug: a full disk (SQLSTATE class
/// 53, insufficient resources: 507) and a lost or refused connection (503, retry later).
extension PSQLError: StorageFault {
    public var baristaError: BaristaError? {
        switch code {
        case .server:
            guard let state = serverInfo?[.sqlState] else { return nil }
            if state == "53100" { return .storageFull("the database's disk is full: nothing was stored; free space on the database server") }
            if state.hasPrefix("53") { return .unavailable("the database is out of resources (SQLSTATE \(state)): retry later") }
            if state.hasPrefix("08") || state == "57P01" || state == "57P03" {
                return .unavailable("the database is not accepting connections (SQLSTATE \(state)): retry later")
            }
            return nil
        case .serverClosedConnection, .connectionError, .clientClosedConnection, .poolClosed:
            return .unavailable("the connection to the database was lost: retry later")
        default:
            return nil
        }
    }
}
