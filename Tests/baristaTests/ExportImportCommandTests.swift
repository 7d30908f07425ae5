import BaristaCore
import BaristaTesting
import Foundation
import Testing

/// The real binary: `export-site` from SQLite, `import-site` into PostgreSQL and back into SQLite.
@Suite(.serialized, .enabled(if: BaristaProcess.isAvailable))
struct ExportImportCommandTests {
    static func json(_ output: String) throws -> JSONValue {
        try JSON.parse(output.split(separator: "\n").last.map(String.init) ?? "")
    }

    @Test func exportSiteAndImportSiteCarryASiteBetweenBackends() async throws {
        let dir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sqlite = "sqlite:\(dir)/source.sqlite", copy = "sqlite:\(dir)/copy.sqlite"
        let url = try await PostgresCluster.shared().createDatabase()

        // Given a SQLite site with a few events
        let created = try BaristaProcess.run(["sites", "create", "shop", "--database", sqlite, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let secret = try #require(try Self.json(created.stdout)["secret_key"]?.stringValue)
        let events = (0..<5).map { #"{"type":"track","event":"Product Viewed","user_id":"u\#($0)","message_id":"m\#($0)","properties":{"product_id":"p\#($0)"}}"# }
        try events.joined(separator: "\n").write(toFile: "\(dir)/events.jsonl", atomically: true, encoding: .utf8)
        let loaded = try BaristaProcess.run(["import", "events", "\(dir)/events.jsonl", "--database", sqlite, "--site", "shop"])
        #expect(loaded.status == 0, "\(loaded.stderr)")

        // When it is exported, imported into PostgreSQL, exported again and imported into a new SQLite file
        let exported = try BaristaProcess.run(["export-site", "--site", "shop", "--to", "\(dir)/shop.gz", "--database", sqlite, "--json"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try Self.json(exported.stdout)["rows"]?["events"]?.doubleValue == 5)
        let intoPostgres = try BaristaProcess.run(["import-site", "--from", "\(dir)/shop.gz", "--database", url, "--json"])
        #expect(intoPostgres.status == 0, "\(intoPostgres.stderr)")
        let again = try BaristaProcess.run(["export-site", "--site", "shop", "--to", "\(dir)/again.gz", "--database", url])
        #expect(again.status == 0, "\(again.stderr)")
        let intoSQLite = try BaristaProcess.run(["import-site", "--from", "\(dir)/again.gz", "--database", copy, "--json"])
        #expect(intoSQLite.status == 0, "\(intoSQLite.stderr)")

        // Then the copy has the five events and the key still works
        #expect(try Self.json(intoSQLite.stdout)["rows"]?["events"]?.doubleValue == 5)
        let keys = try BaristaProcess.run(["keys", "list", "--site", "shop", "--database", copy])
        #expect(keys.status == 0 && keys.stdout.contains(String(secret.prefix(11))), "\(keys.stdout)\(keys.stderr)")

        // And importing it again under the same name, or a damaged archive, fails clearly and changes nothing
        let twice = try BaristaProcess.run(["import-site", "--from", "\(dir)/again.gz", "--database", copy])
        #expect(twice.status != 0 && twice.stderr.contains("already exists"), "\(twice.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/again.gz"))
        try bytes.prefix(bytes.count - 20).write(to: URL(fileURLWithPath: "\(dir)/cut.gz"))
        let cut = try BaristaProcess.run(["import-site", "--from", "\(dir)/cut.gz", "--database", "sqlite:\(dir)/empty.sqlite", "--as", "other"])
        #expect(cut.status != 0 && cut.stderr.contains("nothing was imported"), "\(cut.stderr)")
        let sites = try BaristaProcess.run(["sites", "list", "--database", "sqlite:\(dir)/empty.sqlite"])
        #expect(!sites.stdout.contains("other"), "\(sites.stdout)")
    }
}
