import BaristaCore
import Foundation
import Testing

/// `barista backup` of a running server, and `barista restore` into a new data directory.
@Suite(.serialized, .enabled(if: BaristaProcess.isAvailable))
struct LiveBackupTests {
    @Test func aBackupTakenWhileServingRestoresTheSameData() async throws {
        let dataDir = BaristaProcess.temporaryDirectory(), restoredDir = BaristaProcess.temporaryDirectory()
        let file = BaristaProcess.temporaryDirectory() + "/backup.sqlite"
        defer { for path in [dataDir, restoredDir, (file as NSString).deletingLastPathComponent] { try? FileManager.default.removeItem(atPath: path) } }
        let keys = try LiveServerTests.createSite(dataDir)
        let server = try LiveServer(dataDir: dataDir)
        for round in 0..<5 {
            let ids = (0..<20).map { "r\(round)-\($0)" }
            #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: LiveServerTests.batch(ids, user: "ada")).status == 202)
        }
        let backup = try BaristaProcess.run(["backup", "--data-dir", dataDir, "--to", file, "--json"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let summary = try JSON.parse(backup.stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect(summary["sites"] == 1 && summary["events"] == 100)
        let before = try await server.request("GET", "/v1/profiles/ada/export", key: keys.secret).body
        server.stop(signal: SIGTERM)
        #expect(try BaristaProcess.run(["backup", "--data-dir", dataDir, "--to", file]).status != 0, "an existing file is not overwritten")

        let restored = try BaristaProcess.run(["restore", "--data-dir", restoredDir, "--from", file, "--json"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try BaristaProcess.run(["restore", "--data-dir", restoredDir, "--from", file]).status != 0, "a store is not replaced without --force")
        let again = try LiveServer(dataDir: restoredDir)
        defer { again.stop(signal: SIGTERM) }
        let after = try await again.request("GET", "/v1/profiles/ada/export", key: keys.secret)
        #expect(after.status == 200)
        let events = { (text: String) in (try? JSON.parse(text))?["events"]?.arrayValue?.compactMap { $0["message_id"]?.stringValue } ?? [] }
        #expect(events(after.body) == events(before) && events(before).count == 100, "the same events, keys and profile after the restore")
        let profile = try JSON.parse(try await again.request("GET", "/v1/profiles/ada", key: keys.secret).body)
        #expect(profile["orders"] == 100)
    }
}
