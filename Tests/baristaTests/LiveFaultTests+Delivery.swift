import BaristaCore
import BaristaTesting
import Foundation
import Testing

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
        // (A pass that waited for every delivery it started kept them ~9 s, behind the slow one's 10 s timeout.)
        #expect((waits.max() ?? 99) < 4, "a message due now waited behind the slow receiver: \(Self.seconds(waits.sorted())) s")

        // And the slow message times out (10 s) three times, then is dead
        let slowDead = try await eventually(120) { try await message("slow")?["status"] == "dead" }
        let slowMessage = try await message("slow")
        #expect(slowDead && slowMessage?["attempts"] == 3, "\(slowMessage ?? .null)")
        // The backoff counts from the end of the attempt (10 s timeout + at least 1 s), not its start.
        #expect(Self.gaps(slow.deliveries).allSatisfy { $0 >= 10.9 }, "\(Self.gaps(slow.deliveries))")
        Self.report("slow receiver: dead after \(String(format: "%.1f", Date().timeIntervalSince(slowStarted))) s, \(slow.deliveries.count) requests, last error \(slowMessage?["last_error"] ?? .null); attempts \(Self.seconds(Self.gaps(slow.deliveries))) s apart")
    }
}
