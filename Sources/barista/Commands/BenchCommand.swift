import ArgumentParser
import Foundation
import GRDB

/// `barista bench`: baselines for the benchmarks in `Benchmarks/`.
///
/// Barista's own numbers are taken over HTTP by `wrk` (`scripts/bench-ingest.sh`); the
/// subcommands here measure what those numbers are divided by, on the same machine in the same
/// run, so results are ratios rather than absolute rates that depend on the disk. `cadence`
/// is a model benchmark instead: the learned email cadence against fixed ones over seeds;
/// `triggers` measures the scheduler's deliveries against bare HTTP posts in-process.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark baselines (see Benchmarks/README.md).",
        subcommands: [SQLiteBaseline.self, Cadence.self, Triggers.self]
    )
}

extension BenchCommand {
    /// `barista bench sqlite-baseline`: the fastest durable insert loop SQLite allows.
    ///
    /// Opens a fresh SQLite file (WAL, `synchronous=FULL`), then for `--seconds` inserts rows of
    /// the same event JSON `Benchmarks/wrk/ingest.lua` posts, each with a unique `message_id`,
    /// one transaction per 100 rows through one prepared statement. The database files are
    /// deleted afterwards (and the directory too when it was a temporary one).
    struct SQLiteBaseline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sqlite-baseline",
            abstract: "Insert event JSON into raw SQLite (WAL, synchronous=FULL, 100 rows per transaction) and print rows/s."
        )

        /// Rows per transaction, as events per `wrk` request.
        static let batchSize = 100

        @Option(help: "How long to insert, in seconds.")
        var seconds: Double = 10

        @Option(help: "Directory for the scratch database (default: a new temporary directory). Put it on the same file system as the server's data directory.")
        var dir: String?

        @Flag(help: "Print one line of compact JSON on stdout: {\"rows_per_second\",\"rows\",\"seconds\"}.")
        var json = false

        func validate() throws {
            guard seconds > 0, seconds.isFinite else {
                throw ValidationError("--seconds must be a positive number.")
            }
        }

        func run() async throws {
            let fileManager = FileManager.default
            let directory: URL
            if let dir {
                directory = URL(fileURLWithPath: dir, isDirectory: true)
            } else {
                directory = fileManager.temporaryDirectory
                    .appendingPathComponent("barista-bench-\(UUID().uuidString)", isDirectory: true)
            }
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("sqlite-baseline.sqlite").path
            let files = ["", "-wal", "-shm", "-journal"].map { path + $0 }
            for file in files { try? fileManager.removeItem(atPath: file) }
            defer {
                for file in files { try? fileManager.removeItem(atPath: file) }
                if dir == nil { try? fileManager.removeItem(at: directory) }
            }

            FileHandle.standardError.write(Data("sqlite-baseline: inserting into \(path) for \(seconds) s\n".utf8))
            let result = try await Self.measure(path: path, seconds: seconds)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print("raw SQLite (WAL, synchronous=FULL, \(Self.batchSize) rows per transaction):")
                print("  \(Int(result.rowsPerSecond.rounded())) rows/s (\(result.rows) rows in \(String(format: "%.2f", result.seconds)) s)")
            }
        }

        /// Runs the insert loop on a fresh database at `path` for about `seconds`.
        ///
        /// - Throws: `DatabaseError` from SQLite, or `BenchCommand.Failure.walRefused` when SQLite will not use WAL.
        static func measure(path: String, seconds: Double) async throws -> BaselineResult {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let result = try await queue.writeWithoutTransaction { db -> BaselineResult in
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode?.lowercased() == "wal" else {
                    throw BenchCommand.Failure.walRefused(journalMode: mode ?? "nil")
                }
                try db.execute(sql: "CREATE TABLE events(seq INTEGER PRIMARY KEY, message_id TEXT UNIQUE, body TEXT)")
                let insert = try db.makeStatement(sql: "INSERT INTO events(message_id, body) VALUES (?, ?)")
                let nonce = UUID().uuidString.lowercased()
                let clock = ContinuousClock()
                let start = clock.now
                let deadline = start + .seconds(seconds)
                var rows = 0
                repeat {
                    let timestamp = Date.now.formatted(.iso8601)
                    try db.inTransaction {
                        for _ in 0..<batchSize {
                            rows += 1
                            let messageID = "\(nonce)-0-\(rows)"
                            let body = Event.json(sequence: rows, messageID: messageID, timestamp: timestamp)
                            try insert.execute(arguments: [messageID, body])
                        }
                        return .commit
                    }
                } while clock.now < deadline
                let elapsed = (clock.now - start) / .seconds(1)
                return BaselineResult(rowsPerSecond: Double(rows) / elapsed, rows: rows, seconds: elapsed)
            }
            return result
        }

        /// What one baseline run measured.
        struct BaselineResult: Encodable, Sendable {
            /// Committed rows per second of wall-clock time.
            var rowsPerSecond: Double
            /// Rows committed.
            var rows: Int
            /// Wall-clock seconds from the first insert to the last commit.
            var seconds: Double

            enum CodingKeys: String, CodingKey {
                case rowsPerSecond = "rows_per_second", rows, seconds
            }
        }
    }
}

extension BenchCommand {
    /// The track event `Benchmarks/wrk/ingest.lua` sends, rendered the same way.
    enum Event {
        /// People events are spread over, as `BENCH_USERS` in the wrk script.
        static let users = 10_000
        /// Products events are spread over, as `BENCH_PRODUCTS` in the wrk script.
        static let products = 2_000

        /// One event's JSON, for the `sequence`-th event of a run.
        ///
        /// Users follow the wrk script's permutation (every person within any `users` consecutive
        /// events); products are uniformly random.
        /// - Parameters:
        ///   - sequence: The event's position in the run, from 1.
        ///   - messageID: Its unique `message_id`.
        ///   - timestamp: An RFC 3339 timestamp.
        static func json(sequence: Int, messageID: String, timestamp: String) -> String {
            let user = (sequence &* 7_919) % users
            let product = Int.random(in: 0..<products)
            return #"{"type":"track","event":"Product Viewed","user_id":"bench-\#(user)","message_id":"\#(messageID)","timestamp":"\#(timestamp)","properties":{"product_id":"sku-\#(product)","price":19.99},"context":{"channel":"web"}}"#
        }
    }

    /// Why a benchmark could not run as specified.
    enum Failure: Error, CustomStringConvertible {
        /// SQLite kept another journal mode when asked for WAL.
        case walRefused(journalMode: String)

        var description: String {
            switch self {
            case .walRefused(let mode): "SQLite refused WAL mode (journal_mode is \(mode))."
            }
        }
    }
}
