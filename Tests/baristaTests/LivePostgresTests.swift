import BaristaCore
import BaristaTesting
import Foundation
import Testing

/// The real binary on PostgreSQL (`--database postgres://…`), against the test process's throwaway cluster.
@Suite(.serialized, .enabled(if: BaristaProcess.isAvailable))
struct LivePostgresTests {
    @Test func serveOnPostgresKeepsEventsAndProfilesAcrossARestart() async throws {
        let url = try await PostgresCluster.shared().createDatabase()
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }

        // Given an empty database, migrated, with a site
        let migrated = try BaristaProcess.run(["migrate", "--database", url, "--json"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let version = try JSON.parse(migrated.stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect(version["backend"]?.stringValue == "postgres")
        #expect((version["schema_version"]?.doubleValue ?? 0) >= 1)
        let created = try BaristaProcess.run(["sites", "create", "shop", "--database", url, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let json = try JSON.parse(created.stdout.split(separator: "\n").last.map(String.init) ?? "")
        let secret = try #require(json["secret_key"]?.stringValue), publishable = try #require(json["publishable_key"]?.stringValue)

        // When a server on it accepts three orders and stops
        let server = try LiveServer(dataDir: dataDir, environment: ["BARISTA_DATABASE_URL": url])
        let reply = try await server.request("POST", "/v1/events", key: publishable, body: LiveServerTests.batch(["a", "b", "c"], user: "ada"))
        #expect(reply.status == 202, "\(reply.body)")
        #expect(server.stop(signal: SIGTERM) == 0)

        // Then a new server on the same database has them, in the log and in the profile
        let restarted = try LiveServer(dataDir: dataDir, environment: ["BARISTA_DATABASE_URL": url])
        defer { restarted.stop(signal: SIGTERM) }
        let export = try JSON.parse(try await restarted.request("GET", "/v1/profiles/ada/export", key: secret).body)
        #expect(export["events"]?.arrayValue?.count == 3)
        let profile = try JSON.parse(try await restarted.request("GET", "/v1/profiles/ada", key: secret).body)
        #expect(profile["orders"]?.doubleValue == 3)
    }
}
