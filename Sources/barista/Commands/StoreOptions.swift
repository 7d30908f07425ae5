import ArgumentParser
import BaristaCore
import BaristaEngine
import BaristaPostgres
import BaristaSQLite
import Foundation
import Logging

/// `--data-dir` / `--database` and `--site`: how every command finds a site's data.
struct StoreOptions: ParsableArguments {
    @Option(help: "The data directory of the embedded store (env BARISTA_DATA_DIR).")
    var dataDir: String = ProcessInfo.processInfo.environment["BARISTA_DATA_DIR"] ?? "./barista-data"

    @Option(help: "A database URL instead of the embedded store (postgres://…; env BARISTA_DATABASE_URL).")
    var database: String?

    /// The database URL, from `--database` or `BARISTA_DATABASE_URL`, when one is set.
    var databaseURL: String? {
        guard let url = database ?? ProcessInfo.processInfo.environment["BARISTA_DATABASE_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// Opens (creating and migrating as needed) the configured store: PostgreSQL for a
    /// `postgres://` or `postgresql://` URL, else SQLite (`sqlite:PATH`, or the data directory).
    func openStore(logger: Logger = CLILogging.logger()) async throws -> any BaristaStore {
        if let url = databaseURL {
            if PostgresURL.matches(url) {
                return try await PostgresStore.connect(url: url, logger: logger)
            }
            // sqlite:///abs/path.db, sqlite://relative.db or sqlite:path.db
            for prefix in ["sqlite://", "sqlite:"] where url.hasPrefix(prefix) {
                return try SQLiteStore(path: String(url.dropFirst(prefix.count)))
            }
            throw ValidationError("--database \(url): use postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH")
        }
        return try SQLiteStore(directory: dataDir)
    }

    /// The store wrapped in an engine.
    func openEngine(logger: Logger = CLILogging.logger()) async throws -> Engine {
        Engine(store: try await openStore(logger: logger), logger: logger)
    }
}

/// `--site NAME`, needed when more than one site exists.
struct SiteOption: ParsableArguments {
    @Option(help: "The site to act on (needed when there is more than one).")
    var site: String?

    /// The named site, or the only one.
    func resolve(in engine: Engine) async throws -> Site {
        let sites = try await engine.sites()
        if let site {
            guard let found = sites.first(where: { $0.name == site }) else {
                throw ValidationError("no site is named \(site); sites: \(sites.map(\.name).joined(separator: ", "))")
            }
            return found
        }
        switch sites.count {
        case 0: throw ValidationError("there is no site yet: create one with `barista sites create NAME`")
        case 1: return sites[0]
        default: throw ValidationError("there are \(sites.count) sites: choose one with --site (\(sites.map(\.name).joined(separator: ", ")))")
        }
    }
}

/// Output helpers: `--json` prints exactly one line of compact JSON, last, on stdout.
enum Output {
    static func json(_ value: JSONValue) {
        line(JSON.string(value, sortedKeys: true))
    }

    /// A line on stdout, written at once (not buffered), for other programs waiting on it.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
