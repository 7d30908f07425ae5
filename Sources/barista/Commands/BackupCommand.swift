import ArgumentParser
import BaristaCore
import BaristaSQLite
import Foundation

/// `barista backup --to FILE`: a consistent copy of the embedded store, taken while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the embedded store into FILE, consistently, while the server may be running (SQLite's online backup)."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Where to write the backup (a SQLite file; must not exist).")
    var to: String

    @Flag(help: "Print one line of compact JSON on stdout: {\"backup\",\"bytes\",\"sites\",\"events\"}.")
    var json = false

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: to) else { throw ValidationError("\(to) exists: choose a new file") }
        guard FileManager.default.fileExists(atPath: (store.dataDir as NSString).appendingPathComponent("barista.sqlite")) else {
            throw ValidationError("\(store.dataDir) holds no Barista store")
        }
        let source = try SQLiteStore(directory: store.dataDir)
        try source.backup(to: to)
        let copy = try SQLiteStore(path: to)
        let summary = try await copy.summary()
        let bytes = (try FileManager.default.attributesOfItem(atPath: to)[.size] as? NSNumber)?.intValue ?? 0
        if json {
            Output.json(["backup": .string(to), "bytes": .number(Double(bytes)), "sites": .number(Double(summary.sites)),
                "events": .number(Double(summary.events))])
        } else {
            Output.line("backed up \(summary.sites) site(s), \(summary.events) events, \(bytes) bytes to \(to)")
        }
    }
}

/// `barista restore --from FILE`: puts a backup back as the embedded store (with the server stopped).
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the embedded store in --data-dir with a backup. Stop the server first."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The backup file `barista backup` wrote.")
    var from: String

    @Flag(help: "Replace a data directory that already holds a store.")
    var force = false

    @Flag(help: "Print one line of compact JSON on stdout: {\"restored\",\"sites\",\"events\"}.")
    var json = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("\(from) does not exist") }
        let backup = try SQLiteStore(path: from)
        let path = (store.dataDir as NSString).appendingPathComponent("barista.sqlite")
        if FileManager.default.fileExists(atPath: path) {
            guard force else { throw ValidationError("\(store.dataDir) already holds a store: pass --force to replace it (stop the server first)") }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try FileManager.default.createDirectory(atPath: store.dataDir, withIntermediateDirectories: true)
        try backup.backup(to: path)
        let summary = try await SQLiteStore(directory: store.dataDir).summary()
        if json {
            Output.json(["restored": .string(store.dataDir), "sites": .number(Double(summary.sites)), "events": .number(Double(summary.events))])
        } else {
            Output.line("restored \(summary.sites) site(s), \(summary.events) events into \(store.dataDir)")
        }
    }
}
