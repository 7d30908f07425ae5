import ArgumentParser
import BaristaCore
import BaristaEngine
import BaristaPostgres
import CompressNIO
import Foundation
import NIOCore

/// `barista export-site --site NAME --to FILE`: a whole site (settings, keys, log, identities,
/// profiles, catalog, definitions, decisions, recommendation log, outbox, models) as one archive.
///
/// Named `export-site` because `barista import` already reads CSV and JSON-lines data sets.
struct ExportSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-site",
        abstract: "Write a whole site into an archive (gzip'd JSON lines) that import-site reads into SQLite or PostgreSQL."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var site: SiteOption

    @Option(help: "The archive to write (must not exist), e.g. shop.barista.gz.")
    var to: String

    @Flag(help: "Print one line of compact JSON on stdout: {\"site\",\"archive\",\"bytes\",\"rows\",\"seconds\"}.")
    var json = false

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: to) else { throw ValidationError("\(to) exists: choose a new file") }
        let started = ContinuousClock.now
        let opened = try await store.openStore()
        guard let archiving = opened as? any SiteArchiveStore else { throw ValidationError("this store cannot export sites") }
        let found = try await site.resolve(in: Engine(store: opened, logger: CLILogging.logger()))
        let output = try GzipFileOutput(path: to)
        let writer = SiteArchiveWriter(output: output, exportedAt: Date())
        do {
            try await archiving.exportSite(found.id, to: writer)
        } catch {
            output.discard()
            throw error
        }
        let counts = writer.counts
        if let postgres = opened as? PostgresStore { await postgres.shutdown() }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let bytes = (try FileManager.default.attributesOfItem(atPath: to)[.size] as? NSNumber)?.intValue ?? 0
        if json {
            Output.json(["site": .string(found.name), "archive": .string(to), "bytes": .number(Double(bytes)),
                "rows": .object(counts.mapValues { .number(Double($0)) }), "seconds": .number(seconds)])
        } else {
            Output.line("exported \(found.name): \(SiteArchiveSummary.describe(counts)); \(bytes) bytes to \(to) in \(String(format: "%.1f", seconds)) s")
        }
    }
}

/// `barista import-site --from FILE [--as NAME]`: an archive back into a store, all or nothing.
struct ImportSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-site",
        abstract: "Import a site archive (from export-site) in one transaction: all of it or, on any error, nothing."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The archive export-site wrote.")
    var from: String

    @Option(name: .customLong("as"), help: "The imported site's name (default: its archived name, which must be free).")
    var name: String?

    @Flag(help: "Print one line of compact JSON on stdout: {\"site\",\"site_id\",\"rows\",\"seconds\"}.")
    var json = false

    func run() async throws {
        if let name, !Site.isValidName(name) { throw ValidationError("--as \(name): must be 1 to 64 letters, digits, '-', '_' or '.'") }
        let started = ContinuousClock.now
        let result: SiteArchiveImport
        do {
            let reader = try SiteArchiveReader(source: try FileChunkSource.open(path: from))
            let opened = try await store.openStore()
            guard let archiving = opened as? any SiteArchiveStore else { throw ValidationError("this store cannot import sites") }
            result = try await archiving.importSite(from: reader, as: name)
            if let postgres = opened as? PostgresStore { await postgres.shutdown() }
        } catch let error as SiteArchiveError {
            throw ValidationError("\(from): \(error); nothing was imported")
        } catch let error as ImportError {
            throw ValidationError("\(from): \(error); nothing was imported")
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        if json {
            Output.json(["site": .string(result.name), "site_id": .string(result.siteID.rawValue),
                "rows": .object(result.counts.mapValues { .number(Double($0)) }), "seconds": .number(seconds)])
        } else {
            Output.line("imported \(result.name) (\(result.siteID)): \(SiteArchiveSummary.describe(result.counts)) in \(String(format: "%.1f", seconds)) s")
        }
    }
}

/// An archive's counts, in words.
enum SiteArchiveSummary {
    static func describe(_ counts: [String: Int]) -> String {
        ["events", "identities", "profiles", "items", "definitions", "decisions", "outbox", "api_keys"]
            .map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
    }
}

/// An archive file written through zlib's gzip deflater, a megabyte at a time. Written to
/// `PATH.partial` and renamed on ``finish()``, so a failed export leaves no half archive behind.
final class GzipFileOutput: SiteArchiveOutput {
    private let path: String
    private let partial: String
    private let handle: FileHandle
    private let compressor: ZlibCompressor

    init(path: String) throws {
        self.path = path
        self.partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw ValidationError("cannot write \(partial)")
        }
        self.handle = handle
        self.compressor = try ZlibCompressor(algorithm: .gzip)
    }

    func write(_ bytes: [UInt8]) throws {
        var input = ByteBuffer(bytes: bytes)
        while input.readableBytes > 0 {
            var output = ByteBuffer()
            output.reserveCapacity(compressor.maxSize(from: input) + 1024)
            do {
                try compressor.deflate(from: &input, to: &output, flush: .no)
            } catch let error as CompressNIOError where error == .bufferOverflow {}
            try handle.write(contentsOf: output.readableBytesView)
        }
    }

    func finish() throws {
        var input = ByteBuffer()
        input.reserveCapacity(16)
        while true {
            var output = ByteBuffer()
            output.reserveCapacity(1 << 16)
            do {
                try compressor.deflate(from: &input, to: &output, flush: .finish)
                try handle.write(contentsOf: output.readableBytesView)
                break
            } catch let error as CompressNIOError where error == .bufferOverflow {
                try handle.write(contentsOf: output.readableBytesView)
            }
        }
        try handle.synchronize()
        try handle.close()
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }

    /// Removes the partial file after a failed export.
    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partial)
    }
}
