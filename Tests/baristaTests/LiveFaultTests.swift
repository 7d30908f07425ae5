import BaristaCore
import BaristaTesting
import Foundation
import Testing

/// Faults against the real binary (issue #10): a full disk, a SIGKILL during training and during
/// webhook delivery, slow and dead receivers. Each prints what it measured.
@Suite(.serialized, .enabled(if: BaristaProcess.isAvailable))
struct LiveFaultTests {
    static func report(_ line: String) { print("LiveFaultTests: \(line)") }

    /// `count` events of `user`, each with `padding` bytes of properties, ids `prefix-0…`.
    static func batch(_ prefix: String, count: Int, user: String, padding: Int = 0) -> String {
        let filler = String(repeating: "x", count: padding)
        return JSON.string(["batch": .array((0..<count).map { index in
            ["type": "track", "event": "Order Completed", "user_id": .string(user), "message_id": .string("\(prefix)-\(index)"),
                "properties": ["order_id": .string("\(prefix)-\(index)"), "revenue": 1, "note": .string(filler)]]
        })])
    }

    /// How many events `user` has stored, by the export.
    static func storedEvents(_ server: FaultServer, _ user: String, key: String) async throws -> Set<String> {
        let export = try await server.request("GET", "/v1/profiles/\(user)/export", key: key)
        guard export.status == 200 else { return [] }
        return Set(try JSON.parse(export.body)["events"]?.arrayValue?.compactMap { $0["message_id"]?.stringValue } ?? [])
    }

    @Test func aFullDiskAnswers507KeepsWhatItAcknowledgedAndRecoversWithoutARestart() async throws {
        guard getuid() == 0 else {
            Self.report("full-disk test skipped: mounting a size-limited tmpfs needs root")
            return
        }
        // Given a data directory on a 16 MiB tmpfs, 8 MiB of it taken by a file we can delete later
        // (more than SQLite's write-ahead log, up to 4 MiB, which a checkpoint copies into the
        // database file while the log still holds it: freeing less than that frees nothing)
        let mount = BaristaProcess.temporaryDirectory()
        let mounted = try runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mount])
        guard mounted.status == 0 else {
            Self.report("full-disk test skipped: mount -t tmpfs failed: \(mounted.output)")
            try? FileManager.default.removeItem(atPath: mount)
            return
        }
        defer {
            _ = try? runProgram("/bin/umount", ["-l", mount])
            try? FileManager.default.removeItem(atPath: mount)
        }
        let dataDir = mount + "/data", filler = mount + "/filler", logPath = mount + ".log"
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        try Data(count: 8 << 20).write(to: URL(fileURLWithPath: filler))
        let keys = try LiveServerTests.createSite(dataDir)
        var server = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--no-train"])
        defer { server.stop(signal: SIGKILL) }

        // When six clients send batches of 50 events (1 KiB each) at once, each until one is refused
        // (concurrent batches share a transaction: group commit)
        typealias Reply = (status: Int, body: String, contentType: String)
        let server0 = server
        let clients = try await withThrowingTaskGroup(of: (user: String, acknowledged: Int, refused: Reply?, body: String).self) { group in
            for client in 0..<6 {
                group.addTask {
                    let user = "u\(client)"
                    var acknowledged = 0
                    for round in 0..<200 {
                        let body = Self.batch("\(user)-r\(round)", count: 50, user: user, padding: 1_000)
                        let reply = try await server0.request("POST", "/v1/events", key: keys.publishable, body: body)
                        guard reply.status == 202 else { return (user, acknowledged, reply, body) }
                        acknowledged += 50
                    }
                    return (user, acknowledged, nil, "")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var acknowledged = Dictionary(uniqueKeysWithValues: clients.map { ($0.user, $0.acknowledged) })
        let total = acknowledged.values.reduce(0, +)
        let refusals = clients.compactMap { client in client.refused.map { (client.user, $0, client.body) } }
        #expect(refusals.count == clients.count, "16 MiB never filled up (\(total) events acknowledged)")
        let (_, failure, refusedBatch) = try #require(refusals.first)
        Self.report("disk full after \(total) acknowledged events; refusals: \(refusals.map(\.1.status)); \(failure.body)")
        #expect(refusals.allSatisfy { $0.1.status == 507 }, "every refused batch is a 507: \(refusals.map(\.1.status))")

        // Then the answer is a 507 problem saying the disk is full, again on a retry, and /ready says so
        #expect(failure.status == 507)
        #expect(failure.contentType.hasPrefix("application/problem+json"))
        let problem = try JSON.parse(failure.body)
        #expect(problem["title"] == "Insufficient Storage" && problem["status"] == 507 && problem["type"] != nil)
        #expect(problem["detail"]?.stringValue?.contains("disk") == true && problem["detail"]?.stringValue?.contains("full") == true)
        #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: refusedBatch).status == 507)
        let ready = try await server.request("GET", "/ready")
        Self.report("/ready while full: \(ready.status) \(ready.body)")
        #expect(ready.status == 503 && ready.body.contains("full"))
        #expect(try await server.request("GET", "/health").status == 200)
        #expect(try await server.request("GET", "/v1/profiles/u0", key: keys.secret).status == 200, "reads still work")
        let item = try await server.request("PUT", "/v1/items/sku-big", key: keys.secret,
            body: JSON.string(["title": "Big", "category": "c", "attributes": ["note": .string(String(repeating: "y", count: 200_000))]]))
        #expect(item.status == 507, "other writes too: \(item.status) \(item.body)")

        // And a server killed while the disk is full starts again on the full disk
        server.stop(signal: SIGKILL)
        let restart = Date()
        server = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--no-train"])
        Self.report("restarted on the full disk in \(String(format: "%.2f", Date().timeIntervalSince(restart))) s")
        #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: refusedBatch).status == 507)

        // When the filler is deleted, the same server takes the refused batch again, by itself
        try FileManager.default.removeItem(atPath: filler)
        let freed = Date()
        #expect(try await server.request("GET", "/ready").status == 200, "ready again as soon as space is freed")
        var retried: Reply?
        let recovered = try await eventually(30) {
            retried = try await server.request("POST", "/v1/events", key: keys.publishable, body: refusedBatch)
            return retried?.status == 202
        }
        Self.report("after freeing 8 MiB: \(retried?.status ?? 0) after \(String(format: "%.2f", Date().timeIntervalSince(freed))) s; \(retried?.body ?? "")")
        #expect(recovered, "still refused after space was freed: \(retried?.body ?? "")")
        #expect(try JSON.parse(retried?.body ?? "{}")["accepted"] == 50, "none of the refused batch had been stored")
        for (user, _, body) in refusals {
            if body != refusedBatch {
                let again = try await server.request("POST", "/v1/events", key: keys.publishable, body: body)
                let free = (try? FileManager.default.attributesOfFileSystem(forPath: mount)[.systemFreeSize] as? NSNumber)?.intValue ?? -1
                #expect(again.status == 202 && (try? JSON.parse(again.body)["accepted"]) == 50, "\(user): \(again.status) \(again.body), \(free) bytes free")
            }
            acknowledged[user, default: 0] += 50
        }

        // Then every acknowledged event is there, also after a SIGKILL and a restart
        for (user, count) in acknowledged {
            let stored = try await Self.storedEvents(server, user, key: keys.secret).count
            #expect(stored == count, "\(user): \(count) acknowledged, \(stored) stored")
        }
        server.stop(signal: SIGKILL)
        server = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--no-train"])
        for (user, count) in acknowledged {
            let stored = try await Self.storedEvents(server, user, key: keys.secret).count
            #expect(stored == count, "after a restart, \(user): \(count) acknowledged, \(stored) stored")
            let profile = try JSON.parse(try await server.request("GET", "/v1/profiles/\(user)", key: keys.secret).body)
            #expect(profile["orders"]?.doubleValue == Double(count))
        }
        #expect(!server.logs().contains("unhandled error"), "every failure was classified")
    }
}
