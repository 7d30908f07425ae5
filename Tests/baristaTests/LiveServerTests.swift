import BaristaCore
import Foundation
import Synchronization
import Testing

/// Tests against the real binary over a real socket. Run after `swift build` (which `.ci/run` does).
@Suite(.serialized, .enabled(if: BaristaProcess.isAvailable))
struct LiveServerTests {
    static func createSite(_ dataDir: String) throws -> (secret: String, publishable: String) {
        let created = try BaristaProcess.run(["sites", "create", "shop", "--data-dir", dataDir, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let json = try JSON.parse(created.stdout.split(separator: "\n").last.map(String.init) ?? "")
        return (try #require(json["secret_key"]?.stringValue), try #require(json["publishable_key"]?.stringValue))
    }

    static func batch(_ ids: [String], user: String) -> String {
        JSON.string(["batch": .array(ids.map { id in
            ["type": "track", "event": "Order Completed", "user_id": .string(user), "message_id": .string(id),
                "properties": ["order_id": .string(id), "revenue": 1]]
        })])
    }

    @Test func everyAcknowledgedEventSurvivesASIGKILL() async throws {
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let keys = try Self.createSite(dataDir)
        let server = try LiveServer(dataDir: dataDir)

        // Given eight clients posting batches as fast as they can
        let acknowledged = Shared<[String: Int]>([:])
        let killed = Shared(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for round in 0..<1000 {
                        if killed.withLock({ $0 }) { return }
                        let ids = (0..<25).map { "c\(client)-r\(round)-\($0)" }
                        guard let reply = try? await server.request("POST", "/v1/events", key: keys.publishable, body: Self.batch(ids, user: "client-\(client)")),
                            reply.status == 202
                        else { return }
                        acknowledged.withLock { $0["client-\(client)", default: 0] += ids.count }
                    }
                }
            }
            // When the server is killed mid-stream, right after a 202
            group.addTask {
                while acknowledged.withLock({ $0.values.reduce(0, +) }) < 2_000 { try await Task.sleep(for: .milliseconds(5)) }
                killed.withLock { $0 = true }
                server.stop(signal: SIGKILL)
            }
            try await group.waitForAll()
        }
        let counts = acknowledged.withLock { $0 }
        #expect(counts.values.reduce(0, +) >= 2_000)

        // Then after a restart every acknowledged event is there, in the log and in the profile
        let restarted = try LiveServer(dataDir: dataDir)
        defer { restarted.stop(signal: SIGTERM) }
        for (user, count) in counts {
            let export = try await restarted.request("GET", "/v1/profiles/\(user)/export", key: keys.secret)
            #expect(export.status == 200)
            let stored = try JSON.parse(export.body)["events"]?.arrayValue?.count ?? 0
            #expect(stored >= count, "\(user): \(count) acknowledged, \(stored) stored")
            let profile = try JSON.parse(try await restarted.request("GET", "/v1/profiles/\(user)", key: keys.secret).body)
            #expect(profile["orders"]?.doubleValue == Double(stored), "the rebuilt profile counts every stored order")
        }
    }

    @Test func sigtermFinishesGracefullyAndKeepsProfiles() async throws {
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let keys = try Self.createSite(dataDir)
        let server = try LiveServer(dataDir: dataDir)
        let reply = try await server.request("POST", "/v1/events", key: keys.publishable, body: Self.batch(["a", "b", "c"], user: "ada"))
        #expect(reply.status == 202)
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(server.logs().contains("profiles and live models checkpointed at shutdown"))
        let restarted = try LiveServer(dataDir: dataDir)
        defer { restarted.stop(signal: SIGTERM) }
        let profile = try JSON.parse(try await restarted.request("GET", "/v1/profiles/ada", key: keys.secret).body)
        #expect(profile["orders"] == 3)
    }

    @Test func keysAreCreatedListedAndRevokedFromTheCommandLine() async throws {
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        _ = try Self.createSite(dataDir)
        let created = try BaristaProcess.run(["keys", "create", "--site", "shop", "--scope", "secret", "--data-dir", dataDir, "--json"])
        let key = try #require(try JSON.parse(created.stdout)["key"]?.stringValue)
        #expect(key.hasPrefix("sk_"))
        let server = try LiveServer(dataDir: dataDir)
        defer { server.stop(signal: SIGTERM) }
        #expect(try await server.request("GET", "/v1/profiles", key: key).status == 200)
        let listed = try BaristaProcess.run(["keys", "list", "--site", "shop", "--data-dir", dataDir, "--json"])
        #expect(try JSON.parse(listed.stdout)["keys"]?.arrayValue?.count == 3)
        #expect(!listed.stdout.contains(key), "a key is shown once, never listed")
        // A key created by another process works on the running server within a second…
        let fresh = try BaristaProcess.run(["keys", "create", "--site", "shop", "--scope", "publishable", "--data-dir", dataDir, "--json"])
        let publishable = try #require(try JSON.parse(fresh.stdout)["key"]?.stringValue)
        try await Task.sleep(for: .milliseconds(1100))
        #expect(try await server.request("POST", "/v1/events", key: publishable, body: #"{"type":"page","anonymous_id":"x"}"#).status == 202)
        // …and one revoked by another process stops working within the key cache's five-second refresh.
        let revoked = try BaristaProcess.run(["keys", "revoke", String(key.prefix(11)), "--data-dir", dataDir, "--json"])
        #expect(revoked.status == 0 && revoked.stdout.contains("\"revoked\":1"))
        try await Task.sleep(for: .milliseconds(5300))
        #expect(try await server.request("GET", "/v1/profiles", key: key).status == 401)
        #expect(try await server.request("POST", "/v1/events", key: publishable, body: #"{"type":"page","anonymous_id":"y"}"#).status == 202)
    }

    @Test func aSecondSiteNeedsSiteAndBadInputGetsAClearError() throws {
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        _ = try Self.createSite(dataDir)
        #expect(try BaristaProcess.run(["sites", "create", "shop", "--data-dir", dataDir]).status != 0)
        #expect(try BaristaProcess.run(["sites", "create", "rival", "--data-dir", dataDir, "--json"]).status == 0)
        let ambiguous = try BaristaProcess.run(["keys", "list", "--data-dir", dataDir])
        #expect(ambiguous.status != 0 && ambiguous.stderr.contains("--site"))
        let bad = try BaristaProcess.run(["keys", "create", "--site", "shop", "--scope", "root", "--data-dir", dataDir])
        #expect(bad.status != 0 && bad.stderr.contains("secret or publishable"))
    }

    @Test func importsReportEveryRejectedRowAndKeepTheRest() throws {
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        _ = try Self.createSite(dataDir)
        let items = dataDir + "/items.csv"
        try """
            item_id,title,category,brand,price,in_stock,tags
            sku-1,Trail Runner,shoes,Nimbus,89.5,true,trail|new
            sku-2,"Jacket, waterproof",jackets,Fjell,abc,true,
            sku-3,Cap,accessories,Fjell,15,false,
            """.write(toFile: items, atomically: true, encoding: .utf8)
        let itemRun = try BaristaProcess.run(["import", "items", items, "--data-dir", dataDir, "--json"])
        #expect(itemRun.status == 0, "\(itemRun.stderr)")
        let itemSummary = try JSON.parse(itemRun.stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect(itemSummary["imported"] == 2 && itemSummary["rejected"] == 1)
        #expect(itemSummary["examples"]?.arrayValue?.first?["line"] == 3)

        let events = dataDir + "/events.jsonl"
        try """
            {"type":"identify","user_id":"u1","traits":{"email":"ada@example.com"},"message_id":"i1"}
            {"type":"track","event":"Product Viewed","user_id":"u1","properties":{"product_id":"sku-1"},"message_id":"e1"}
            this is not json
            {"type":"track","event":"Product Viewed","user_id":"u1","properties":{},"message_id":"e2"}

            {"type":"track","event":"Order Completed","user_id":"u1","properties":{"products":[{"product_id":"sku-1","quantity":1,"price":89.5}],"revenue":89.5},"message_id":"e3","timestamp":"2025-01-02T03:04:05Z"}
            """.write(toFile: events, atomically: true, encoding: .utf8)
        let eventRun = try BaristaProcess.run(["import", "events", events, "--data-dir", dataDir, "--json"])
        #expect(eventRun.status == 0, "\(eventRun.stderr)")
        let eventSummary = try JSON.parse(eventRun.stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect(eventSummary["imported"] == 3 && eventSummary["rejected"] == 2)
        // Importing the same file again stores nothing twice.
        let again = try JSON.parse(try BaristaProcess.run(["import", "events", events, "--data-dir", dataDir, "--json"]).stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect(again["imported"] == 0 && again["duplicates"] == 3)
    }
}

extension LiveServerTests {
    @Test func aModelTrainedFromTheCommandLineIsServedWithoutRetraining() async throws {
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let keys = try Self.createSite(dataDir)
        let items = dataDir + "/items.jsonl", events = dataDir + "/events.jsonl"
        try (1...12).map { #"{"item_id":"sku-\#($0)","title":"Item \#($0)","category":"\#($0 <= 6 ? "tea" : "coffee")"}"# }
            .joined(separator: "\n").write(toFile: items, atomically: true, encoding: .utf8)
        var lines: [String] = []
        for person in 0..<30 {
            let range = person % 2 == 0 ? 1...6 : 7...12
            for (step, item) in range.shuffled().prefix(4).enumerated() {
                lines.append(#"{"type":"track","event":"Product Viewed","user_id":"p\#(person)","timestamp":\#(1_700_000_000 + person * 100 + step),"properties":{"product_id":"sku-\#(item)"}}"#)
            }
        }
        try lines.joined(separator: "\n").write(toFile: events, atomically: true, encoding: .utf8)
        #expect(try BaristaProcess.run(["import", "items", items, "--data-dir", dataDir, "--format", "jsonl"]).status == 0)
        #expect(try BaristaProcess.run(["import", "events", events, "--data-dir", dataDir, "--format", "jsonl"]).status == 0)

        let trained = try BaristaProcess.run(["train", "--data-dir", dataDir, "--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let report = try JSON.parse(trained.stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect(report["trained"] == true && report["people"] == 30 && report["items"] == 12)
        let version = try #require(report["model_version"]?.stringValue)
        let again = try JSON.parse(try BaristaProcess.run(["train", "--data-dir", dataDir, "--json"]).stdout.split(separator: "\n").last.map(String.init) ?? "")
        #expect(again["trained"] == false, "nothing new since the stored model")

        let server = try LiveServer(dataDir: dataDir)
        let reply = try await server.request("POST", "/v1/recommendations", key: keys.publishable,
            body: #"{"user":{"user_id":"p0"},"strategy":"for_you","limit":3}"#)
        #expect(reply.status == 200)
        let answer = try JSON.parse(reply.body)
        #expect(answer["model_version"]?.stringValue == version)
        let categories = answer["items"]?.arrayValue?.compactMap { $0["item"]?["category"]?.stringValue } ?? []
        #expect(categories.count == 3 && categories.allSatisfy { $0 == "tea" }, "\(reply.body)")
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(!server.logs().contains("model trained"), "serve does not retrain at start when nothing new arrived")
    }
}

/// A value shared between concurrent test tasks.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
