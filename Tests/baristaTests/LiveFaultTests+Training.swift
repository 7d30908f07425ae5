import BaristaCore
import Foundation
import Testing

extension LiveFaultTests {
    /// Views of `people` people (from `first`), `views` each, mostly within their taste's category.
    static func views(people: Range<Int>, views: Int, items: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var lines: [String] = []
        for person in people {
            for step in 0..<views {
                let taste = person % 12
                let item = Double.random(in: 0..<1, using: &generator) < 0.8
                    ? (Int.random(in: 0..<(items / 12), using: &generator) * 12 + taste) % items + 1 : Int.random(in: 1...items, using: &generator)
                lines.append(#"{"type":"track","event":"Product Viewed","user_id":"p\#(person)","timestamp":\#(1_700_000_000 + person * 100 + step),"properties":{"product_id":"sku-\#(item)"}}"#)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// User and system CPU seconds a process has used (Linux's /proc; 0 elsewhere).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The `model_version` a `for_you` answer names (nil for live models).
    static func modelVersion(_ server: FaultServer, key: String) async throws -> String? {
        let reply = try await server.request("POST", "/v1/recommendations", key: key, body: #"{"user":{"user_id":"p0"},"strategy":"for_you","limit":3}"#)
        #expect(reply.status == 200, "\(reply.body)")
        return try JSON.parse(reply.body)["model_version"]?.stringValue
    }

    @Test func aSIGKILLDuringTrainingKeepsThePreviousModelAndTrainingResumesAfterTheRestart() async throws {
        let dataDir = BaristaProcess.temporaryDirectory(), logPath = dataDir + "/serve.log"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let keys = try LiveServerTests.createSite(dataDir)
        // Given a model trained from the command line, then 12,000 more views imported
        let items = dataDir + "/items.jsonl", before = dataDir + "/before.jsonl", after = dataDir + "/after.jsonl"
        try (1...200).map { #"{"item_id":"sku-\#($0)","title":"Item \#($0)","category":"c\#($0 % 12)"}"# }
            .joined(separator: "\n").write(toFile: items, atomically: true, encoding: .utf8)
        try Self.views(people: 0..<300, views: 10, items: 200).write(toFile: before, atomically: true, encoding: .utf8)
        try Self.views(people: 300..<1_500, views: 10, items: 200).write(toFile: after, atomically: true, encoding: .utf8)
        #expect(try BaristaProcess.run(["import", "items", items, "--data-dir", dataDir, "--format", "jsonl"]).status == 0)
        #expect(try BaristaProcess.run(["import", "events", before, "--data-dir", dataDir, "--format", "jsonl"]).status == 0)
        let trained = try BaristaProcess.run(["train", "--data-dir", dataDir, "--json"])
        let previous = try #require(try JSON.parse(trained.stdout.split(separator: "\n").last.map(String.init) ?? "")["model_version"]?.stringValue)
        #expect(try BaristaProcess.run(["import", "events", after, "--data-dir", dataDir, "--format", "jsonl"]).status == 0)

        // When serve starts retraining at once (12,000 new events > 1,000), takes events meanwhile,
        // and is killed once training has begun
        let server = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--train-after-events", "1000"])
        var acknowledged: [String] = []
        let began = try await eventually(120, every: .milliseconds(50)) { server.logs().contains("profile models fitted") }
        #expect(began, "training never began")
        let trainingBegan = Date()
        for round in 0..<5 {
            let ids = (0..<20).map { "kt-\(round)-\($0)" }
            if try await server.request("POST", "/v1/events", key: keys.publishable, body: LiveServerTests.batch(ids, user: "buyer")).status == 202 {
                acknowledged += ids
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try await Self.modelVersion(server, key: keys.publishable) == previous, "the previous model serves while training runs")
        let cpuBefore = Self.cpuSeconds(server.process.processIdentifier)
        try await Task.sleep(for: .milliseconds(500))
        let busy = (Self.cpuSeconds(server.process.processIdentifier) - cpuBefore) / 0.5
        server.stop(signal: SIGKILL)
        let killedAfter = Date().timeIntervalSince(trainingBegan)
        #expect(!server.logs().contains("model trained"), "training finished before the kill: the test proved nothing")
        Self.report("killed \(String(format: "%.2f", killedAfter)) s into training (using \(Int(busy * 100))% of a core), \(acknowledged.count) events acknowledged meanwhile")

        // Then the restarted server serves the previous model, keeps what it acknowledged, and trains again by itself
        let restartedAt = Date()
        let restarted = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--train-after-events", "1000"])
        defer { restarted.stop(signal: SIGKILL) }
        let up = Date().timeIntervalSince(restartedAt)
        #expect(try await Self.modelVersion(restarted, key: keys.publishable) == previous)
        #expect(try await Self.storedEvents(restarted, "buyer", key: keys.secret) == Set(acknowledged))
        var version: String?
        let retrained = try await eventually(600, every: .milliseconds(500)) {
            version = try await Self.modelVersion(restarted, key: keys.publishable)
            return version != previous
        }
        #expect(retrained, "no new model after the restart")
        #expect(version?.hasSuffix("#\(12_000 + 3_000 + acknowledged.count)") == true, "the new model covers the whole log: \(version ?? "nil")")
        Self.report("restart: listening after \(String(format: "%.2f", up)) s, new model \(version ?? "nil") \(String(format: "%.1f", Date().timeIntervalSince(restartedAt))) s after the restart")
    }
}
