import BaristaCore
import BaristaTesting
import Crypto
import Foundation
import Testing

/// Triggered messages through the real binary: a SIGKILL between the outbox write and the
/// delivery, and how soon a due message goes out.
@Suite(.serialized, .enabled(if: BaristaProcess.isAvailable))
struct LiveTriggerTests {
    static let secret = "whsec_live_0123456789abcdef"

    static func waitFor(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    static func order(_ user: String, _ id: String) -> String {
        JSON.string(["batch": [
            ["type": "identify", "user_id": .string(user), "traits": ["email": .string("\(user)@example.com")]],
            ["type": "track", "event": "Order Completed", "user_id": .string(user), "properties": ["order_id": .string(id), "revenue": 30]],
        ]])
    }

    @Test func aMessageWrittenToTheOutboxBeforeASIGKILLIsDeliveredOnceAfterTheRestart() async throws {
        let dataDir = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let keys = try LiveServerTests.createSite(dataDir)
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        let server = try LiveServer(dataDir: dataDir, arguments: ["--allow-private-webhooks"])
        let settings = try await server.request("PATCH", "/v1/settings", key: keys.secret,
            body: JSON.string(["webhook_secret": .string(Self.secret), "default_consent": ["email": true]]))
        #expect(settings.status == 200)
        let trigger = try await server.request("POST", "/v1/triggers", key: keys.secret, body: JSON.string([
            "key": "thanks", "when": ["event": "Order Completed", "after": "3s"], "deliver": ["webhook": .string(receiver.url)],
        ]))
        #expect(trigger.status == 201, "\(trigger.body)")
        #expect(try await server.request("POST", "/v1/events", key: keys.publishable, body: Self.order("ada", "o-1")).status == 202)
        // The listing writes what is in memory first: once it shows the message, the outbox holds it.
        let written = try await Self.waitFor(2) {
            let list = try JSON.parse(try await server.request("GET", "/v1/messages?status=scheduled", key: keys.secret).body)
            return list["messages"]?.arrayValue?.count == 1
        }
        #expect(written)
        server.stop(signal: SIGKILL)
        #expect(receiver.deliveries.isEmpty, "killed before it was due")

        // At the most talkative log level: no key or secret may appear in the logs.
        let restarted = try LiveServer(dataDir: dataDir, environment: ["BARISTA_LOG_LEVEL": "trace"], arguments: ["--allow-private-webhooks"])
        #expect(try await Self.waitFor(15) { receiver.deliveries.count >= 1 })
        try await Task.sleep(for: .seconds(2))
        #expect(receiver.deliveries.count == 1, "delivered once")
        let delivery = try #require(receiver.deliveries.first)
        #expect(delivery.json["user_id"] == "ada" && delivery.json["trigger"] == "thanks")
        let header = delivery.headers["x-barista-signature"] ?? ""
        let t = header.split(separator: ",").first?.dropFirst(2) ?? ""
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(t).".utf8) + delivery.body, using: SymmetricKey(data: Array(Self.secret.utf8)))
        #expect(header == "t=\(t),v1=" + mac.map { String(format: "%02x", $0) }.joined())

        // A message that falls due on a running server goes out within about 5 s.
        let sent = Date()
        #expect(try await restarted.request("POST", "/v1/events", key: keys.publishable, body: Self.order("bea", "o-2")).status == 202)
        #expect(try await Self.waitFor(15) { receiver.deliveries.count == 2 })
        let late = Date().timeIntervalSince(sent) - 3
        #expect(late < 5, "delivered \(late) s after it fell due")
        let delivered = try JSON.parse(try await restarted.request("GET", "/v1/messages?status=delivered", key: keys.secret).body)
        #expect(delivered["messages"]?.arrayValue?.count == 2)
        #expect(restarted.stop(signal: SIGTERM) == 0)
        let logs = restarted.logs()
        #expect(!logs.isEmpty)
        for secret in [keys.secret, keys.publishable, Self.secret] { #expect(!logs.contains(secret), "a secret in the logs") }
    }
}
