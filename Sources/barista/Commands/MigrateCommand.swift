import ArgumentParser
import BaristaCore
import BaristaPostgres
import Foundation
import GRDB

/// `barista migrate`: creates or upgrades the store's schema and prints its version.
///
/// Every command migrates the store it opens; this one does only that, so an upgrade can migrate
/// once, before the new nodes start. On PostgreSQL the migrations run under an advisory lock, so
/// nodes that start together still migrate once.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the store's schema, and print its version.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Print one line of JSON.") var json = false

    func run() async throws {
        let opened = try await store.openStore(logger: CLILogging.logger())
        let backend: String, location: String, version: Int
        if let postgres = opened as? PostgresStore {
            version = try await postgres.schemaVersion()
            await postgres.shutdown()
            backend = "postgres"
            location = store.databaseURL.flatMap { try? PostgresURL($0).redacted } ?? "PostgreSQL"
        } else {
            let path = sqlitePath
            var configuration = Configuration()
            configuration.readonly = true
            version = try await DatabaseQueue(path: path, configuration: configuration).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") ?? 0
            }
            backend = "sqlite"
            location = path
        }
        if json {
            Output.json(["migrated": true, "backend": .string(backend), "schema_version": .number(Double(version))])
        } else {
            print("the \(backend) store at \(location) is up to date: schema version \(version)")
        }
    }

    /// The SQLite file the options name (a `sqlite:` URL, or the data directory's `barista.sqlite`).
    private var sqlitePath: String {
        if let url = store.databaseURL {
            for prefix in ["sqlite://", "sqlite:"] where url.hasPrefix(prefix) { return String(url.dropFirst(prefix.count)) }
        }
        return (store.dataDir as NSString).appendingPathComponent("barista.sqlite")
    }
}
