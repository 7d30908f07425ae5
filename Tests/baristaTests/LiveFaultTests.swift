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

extension LiveFaultTests {
    static let secret = "whsec_fault_0123456789abcdef"

    /// A site set up for email triggers: a webhook secret and email consent by default.
    static func triggerSite(_ server: FaultServer, key: String, triggers: [(key: String, event: String, webhook: String)]) async throws {
        let settings = try await server.request("PATCH", "/v1/settings", key: key,
            body: JSON.string(["webhook_secret": .string(secret), "default_consent": ["email": true]]))
        #expect(settings.status == 200, "\(settings.body)")
        for trigger in triggers {
            let created = try await server.request("POST", "/v1/triggers", key: key, body: JSON.string([
                "key": .string(trigger.key), "when": ["event": .string(trigger.event), "after": "1s"], "deliver": ["webhook": .string(trigger.webhook)],
            ]))
            #expect(created.status == 201, "\(created.body)")
        }
    }

    /// `event` by each of `users`, who have an email address.
    static func occurrences(_ event: String, users: [String]) -> String {
        JSON.string(["batch": .array(users.flatMap { user -> [JSONValue] in
            [["type": "identify", "user_id": .string(user), "traits": ["email": .string("\(user)@example.com")]],
             ["type": "track", "event": .string(event), "user_id": .string(user), "message_id": .string("\(event)-\(user)")]]
        })])
    }

    /// Every message of the outbox with `status` (nil: all).
    static func messages(_ server: FaultServer, key: String, status: String? = nil) async throws -> [JSONValue] {
        var all: [JSONValue] = [], cursor: String?
        repeat {
            var path = "/v1/messages?limit=1000" + (status.map { "&status=\($0)" } ?? "")
            if let cursor { path += "&cursor=\(cursor)" }
            let page = try JSON.parse(try await server.request("GET", path, key: key).body)
            all += page["messages"]?.arrayValue ?? []
            cursor = page["next_cursor"]?.stringValue
        } while cursor != nil
        return all
    }

    @Test func aSIGKILLDuringDeliveryLosesNoMessageAndResendsOnlyWithTheSameID() async throws {
        let dataDir = BaristaProcess.temporaryDirectory(), logPath = dataDir + "/serve.log"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let keys = try LiveServerTests.createSite(dataDir)
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        receiver.delay(.milliseconds(100))
        let server = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--allow-private-webhooks", "--no-train"])
        try await Self.triggerSite(server, key: keys.secret, triggers: [("thanks", "Order Completed", receiver.url)])

        // Given 150 people whose orders each schedule a message due a second later
        let users = (0..<150).map { "buyer-\($0)" }
        for chunk in stride(from: 0, to: users.count, by: 50) {
            let reply = try await server.request("POST", "/v1/events", key: keys.publishable,
                body: Self.occurrences("Order Completed", users: Array(users[chunk..<(chunk + 50)])))
            #expect(reply.status == 202)
        }
        // When the server is killed while it delivers them (the receiver takes 100 ms a message)
        let delivering = try await eventually(60, every: .milliseconds(20)) { receiver.deliveries.count >= 30 }
        #expect(delivering, "no delivery began")
        server.stop(signal: SIGKILL)
        let beforeKill = receiver.deliveries.count
        #expect(beforeKill < users.count, "everything was delivered before the kill: the test proved nothing")
        receiver.delay(.zero)

        // Then after a restart every message arrives, and a message sent twice has the same id
        let restartedAt = Date()
        var restarted = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--allow-private-webhooks", "--no-train"])
        defer { restarted.stop(signal: SIGKILL) }
        let allIn = try await eventually(120) { Set(receiver.deliveries.compactMap { $0.json["message_id"]?.stringValue }).count >= users.count }
        let catchUp = Date().timeIntervalSince(restartedAt)
        #expect(allIn, "not every message arrived")
        let everyDelivered = try await eventually(30) { try await Self.messages(restarted, key: keys.secret, status: "delivered").count == users.count }
        #expect(everyDelivered)
        try await Task.sleep(for: .seconds(2))
        let deliveries = receiver.deliveries
        var idsByUser: [String: Set<String>] = [:]
        for delivery in deliveries {
            idsByUser[delivery.json["user_id"]?.stringValue ?? "?", default: []].insert(delivery.json["message_id"]?.stringValue ?? "?")
            #expect(delivery.headers["idempotency-key"] == delivery.json["message_id"]?.stringValue)
        }
        let distinct = idsByUser.values.reduce(0) { $0 + $1.count }
        #expect(idsByUser.count == users.count && idsByUser.values.allSatisfy { $0.count == 1 }, "one message id per order")
        #expect(distinct == users.count)
        #expect(try await Self.messages(restarted, key: keys.secret).count == users.count, "no second message was scheduled")

        // And a kill right after the 202, before the outbox is written (once a second), loses no message:
        // the restart replays the events after the last checkpoint, which schedules them again, same ids
        let late = (0..<20).map { "late-\($0)" }
        #expect(try await restarted.request("POST", "/v1/events", key: keys.publishable, body: Self.occurrences("Order Completed", users: late)).status == 202)
        restarted.stop(signal: SIGKILL)
        restarted = try FaultServer(dataDir: dataDir, logPath: logPath, arguments: ["--allow-private-webhooks", "--no-train"])
        let lateIn = try await eventually(60) {
            Set(receiver.deliveries.compactMap { $0.json["user_id"]?.stringValue }.filter { $0.hasPrefix("late-") }).count == late.count
        }
        #expect(lateIn, "messages of events acknowledged just before a kill were lost")
        try await Task.sleep(for: .seconds(2))
        let lateIDs = Set(receiver.deliveries.filter { $0.json["user_id"]?.stringValue?.hasPrefix("late-") == true }.compactMap { $0.json["message_id"]?.stringValue })
        #expect(lateIDs.count == late.count, "one message id per order: \(lateIDs.count) for \(late.count)")
        #expect(try await Self.messages(restarted, key: keys.secret, status: "delivered").count == users.count + late.count)

        Self.report("""
            delivery kill: \(beforeKill) requests before the kill, \(deliveries.count) in all for \(distinct) messages \
            (\(deliveries.count - distinct) resent with the same id); all in \(String(format: "%.1f", catchUp)) s after the restart
            """)
    }
}

extension LiveFaultTests {
    /// Seconds between consecutive arrivals.
    static func gaps(_ deliveries: [WebhookReceiver.Delivery]) -> [Double] {
        zip(deliveries.dropFirst(), deliveries).map { $0.receivedAt.timeIntervalSince($1.receivedAt) }
    }

    static func seconds(_ values: [Double]) -> String { values.map { String(format: "%.2f", $0) }.joined(separator: ", ") }

    @Test func slowAndDeadReceiversAreRetriedWithBackoffThenDeadLetteredWithoutHoldingUpOthers() async throws {
        let dataDir = BaristaProcess.temporaryDirectory(), logPath = dataDir + "/serve.log"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let keys = try LiveServerTests.createSite(dataDir)
        let fast = try await WebhookReceiver(), slow = try await WebhookReceiver(), failing = try await WebhookReceiver()
        let gone = try await WebhookReceiver()
        gone.stop()
        defer { [fast, slow, failing].forEach { $0.stop() } }
        slow.delay(.seconds(15))  // longer than the 10 s a delivery may take
        failing.answer(Array(repeating: 500, count: 100))
        // Three attempts, 2 s then 4 s apart (times a jitter in [0.5, 1]), instead of 8 over an hour
        let server = try FaultServer(dataDir: dataDir, logPath: logPath,
            arguments: ["--allow-private-webhooks", "--no-train", "--webhook-attempts", "3", "--webhook-backoff", "2"])
        defer { server.stop(signal: SIGKILL) }
        try await Self.triggerSite(server, key: keys.secret, triggers: [
            ("fast", "Fast Ping", fast.url), ("slow", "Slow Ping", slow.url), ("failing", "Failing Ping", failing.url), ("gone", "Gone Ping", gone.url),
        ])
        func message(_ trigger: String) async throws -> JSONValue? {
            try await Self.messages(server, key: keys.secret).first { $0["trigger"]?.stringValue == trigger }
        }

        // Given a receiver that answers 500
        #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: Self.occurrences("Failing Ping", users: ["e0"])).status == 202)
        // Then its message is tried three times, further apart each time, then dead
        #expect(try await eventually(60) { try await message("failing")?["status"] == "dead" })
        let failed = try #require(try await message("failing"))
        #expect(failed["attempts"] == 3 && failed["last_error"] == "HTTP 500")
        let tries = failing.deliveries
        #expect(tries.count == 3 && Set(tries.map { $0.json["message_id"] }).count == 1, "three attempts of one message")
        let backoffs = Self.gaps(tries)
        #expect(backoffs.count == 2 && backoffs[0] >= 1 && backoffs[1] >= 2, "backoff 2 s then 4 s, times [0.5, 1]: \(backoffs)")
        Self.report("500s: dead after 3 attempts, \(Self.seconds(backoffs)) s apart")

        // Given a receiver that refuses connections: the same, each attempt failing after the 5 s connect timeout
        let goneAt = Date()
        #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: Self.occurrences("Gone Ping", users: ["g0"])).status == 202)
        #expect(try await eventually(90) { try await message("gone")?["status"] == "dead" })
        let refused = try #require(try await message("gone"))
        #expect(refused["attempts"] == 3 && refused["last_error"]?.stringValue?.isEmpty == false)
        Self.report("refused: dead after 3 attempts, \(String(format: "%.1f", Date().timeIntervalSince(goneAt))) s, last error \(refused["last_error"] ?? .null)")

        // Given a receiver that answers after 15 s, busy with a message
        #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: Self.occurrences("Slow Ping", users: ["s0"])).status == 202)
        #expect(try await eventually(30) { slow.deliveries.count == 1 })
        let slowStarted = Date()
        // When ten other people's messages fall due meanwhile, and clients keep using the server
        let fastUsers = (0..<10).map { "f\($0)" }
        let posted = Date()
        #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: Self.occurrences("Fast Ping", users: fastUsers)).status == 202)
        let due = posted.addingTimeInterval(1)
        var latencies: [Double] = []
        for round in 0..<10 {
            let start = Date()
            #expect(try await server.request("GET", "/v1/profiles/f\(round)", key: keys.secret).status == 200)
            #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: LiveServerTests.batch(["busy-\(round)"], user: "f\(round)")).status == 202)
            latencies.append(Date().timeIntervalSince(start))
            try await Task.sleep(for: .milliseconds(300))
        }
        // Then the server answers at once, and the other messages go out without waiting for the slow one
        #expect(latencies.max() ?? 99 < 2, "requests took \(latencies)")
        #expect(try await eventually(60) { fast.deliveries.count >= fastUsers.count })
        let waits = fast.deliveries.map { $0.receivedAt.timeIntervalSince(due) }
        let slowAttempt = slow.deliveries.count
        Self.report("""
            slow receiver: requests during its delivery took at most \(String(format: "%.2f", latencies.max() ?? 0)) s; \
            10 other messages arrived \(Self.seconds(waits.sorted())) s after they fell due \
            (the slow delivery began \(String(format: "%.2f", due.timeIntervalSince(slowStarted))) s before they fell due; \(slowAttempt) slow attempt(s) so far)
            """)
        // Known bug: a pass of the scheduler awaits every delivery it started before the next pass
        // begins, so a message that falls due meanwhile waits for the slow one (up to its 10 s timeout).
        withKnownIssue("a slow receiver holds up messages that fall due during its delivery (see the fault report)") {
            #expect((waits.max() ?? 99) < 5, "a message due now waited behind the slow receiver: \(Self.seconds(waits.sorted())) s")
        }

        // And the slow message times out (10 s) three times, then is dead
        let slowDead = try await eventually(120) { try await message("slow")?["status"] == "dead" }
        let slowMessage = try await message("slow")
        #expect(slowDead && slowMessage?["attempts"] == 3, "\(slowMessage ?? .null)")
        // The backoff counts from the end of the attempt (10 s timeout + at least 1 s), not its start.
        #expect(Self.gaps(slow.deliveries).allSatisfy { $0 >= 10.9 }, "\(Self.gaps(slow.deliveries))")
        Self.report("slow receiver: dead after \(String(format: "%.1f", Date().timeIntervalSince(slowStarted))) s, \(slow.deliveries.count) requests, last error \(slowMessage?["last_error"] ?? .null); attempts \(Self.seconds(Self.gaps(slow.deliveries))) s apart")
    }
}
