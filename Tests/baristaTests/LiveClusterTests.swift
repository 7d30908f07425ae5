import BaristaCore
import BaristaTesting
import Foundation
import Testing

/// Several real `barista serve` processes on one PostgreSQL database, behaving as one service.
@Suite(.serialized, .enabled(if: BaristaProcess.isAvailable))
struct LiveClusterTests {
    /// A database with a site, its keys, and webhook settings for the triggers.
    static func site() async throws -> (url: String, secret: String, publishable: String) {
        let url = try await PostgresCluster.shared().createDatabase()
        let created = try BaristaProcess.run(["sites", "create", "shop", "--database", url, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let json = try JSON.parse(created.stdout.split(separator: "\n").last.map(String.init) ?? "")
        return (url, try #require(json["secret_key"]?.stringValue), try #require(json["publishable_key"]?.stringValue))
    }

    static func node(_ url: String) throws -> LiveServer {
        try LiveServer(
            dataDir: BaristaProcess.temporaryDirectory(), environment: ["BARISTA_DATABASE_URL": url], arguments: ["--allow-private-webhooks"])
    }

    /// The index of the one node that says it leads, once exactly one does (nil after `seconds`).
    static func leader(_ nodes: [LiveServer], within seconds: Double) async throws -> Int? {
        var found: Int?
        _ = try await LiveTriggerTests.waitFor(seconds) {
            var leaders: [Int] = []
            for (index, node) in nodes.enumerated() {
                let health = try JSON.parse(try await node.request("GET", "/health").body)
                if health["leader"] == true { leaders.append(index) }
            }
            found = leaders.count == 1 ? leaders[0] : nil
            return found != nil
        }
        return found
    }

    static func track(_ event: String, anonymous: String? = nil, user: String? = nil, id: String, properties: JSONValue = [:]) -> String {
        var body: [String: JSONValue] = ["type": "track", "event": .string(event), "message_id": .string(id), "properties": properties]
        if let anonymous { body["anonymous_id"] = .string(anonymous) }
        if let user { body["user_id"] = .string(user) }
        return JSON.string(["batch": [.object(body)]])
    }

    @Test func nodesOnOneDatabaseShareProfilesIdentitiesConfigurationAndBandits() async throws {
        let (url, secret, publishable) = try await Self.site()
        let a = try Self.node(url), b = try Self.node(url)
        defer {
            a.stop(signal: SIGTERM)
            b.stop(signal: SIGTERM)
        }
        #expect(try await Self.leader([a, b], within: 15) != nil, "one of two nodes leads")

        // An event accepted by A is in the profile B reads, within a second.
        let sent = Date()
        #expect(try await a.request("POST", "/v1/events", key: publishable, body: LiveServerTests.batch(["o-1"], user: "ada")).status == 202)
        var seenAfter: Double?
        _ = try await LiveTriggerTests.waitFor(3) {
            let reply = try await b.request("GET", "/v1/profiles/ada", key: secret)
            guard reply.status == 200, try JSON.parse(reply.body)["orders"]?.doubleValue == 1 else { return false }
            seenAfter = Date().timeIntervalSince(sent)
            return true
        }
        let lag = try #require(seenAfter, "B sees A's event")
        // About 0.1–0.2 s on an idle machine (the follow interval is 100 ms); the bound allows a loaded CI machine.
        #expect(lag < 5, "B saw A's event after \(lag) s")
        Swift.print("cluster: B read A's event \(String(format: "%.2f", lag)) s after A accepted it")

        // A new visitor's first events reaching both nodes at once make one profile, not two.
        for n in 0..<10 {
            async let first = a.request("POST", "/v1/events", key: publishable, body: Self.track("Page Viewed", anonymous: "v-\(n)", id: "pa-\(n)"))
            async let second = b.request("POST", "/v1/events", key: publishable, body: Self.track("Page Viewed", anonymous: "v-\(n)", id: "pb-\(n)"))
            let statuses = try await [first.status, second.status]
            #expect(statuses == [202, 202])
        }
        for n in 0..<10 {
            for node in [a, b] {
                let ok = try await LiveTriggerTests.waitFor(3) {
                    let export = try JSON.parse(try await node.request("GET", "/v1/profiles/v-\(n)/export?by=anonymous_id", key: secret).body)
                    return export["events"]?.arrayValue?.count == 2
                }
                #expect(ok, "visitor v-\(n) has both events in one profile")
            }
        }

        // Under concurrent ingestion on both nodes, every acknowledged event reaches both.
        // (Folding a round's follow read before its commit's read once skipped events here.)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<6 {
                group.addTask {
                    for n in 0..<25 {
                        let node = (client + n) % 2 == 0 ? a : b
                        let reply = try await node.request("POST", "/v1/events", key: publishable,
                            body: LiveServerTests.batch(["load-\(client)-\(n)"], user: "load-\(client)-\(n)"))
                        #expect(reply.status == 202)
                    }
                }
            }
            try await group.waitForAll()
        }
        for node in [a, b] {
            var missing: [String] = []
            _ = try await LiveTriggerTests.waitFor(5) {
                missing = []
                for client in 0..<6 {
                    for n in 0..<25 where try await node.request("GET", "/v1/profiles/load-\(client)-\(n)", key: secret).status != 200 {
                        missing.append("load-\(client)-\(n)")
                    }
                }
                return missing.isEmpty
            }
            #expect(missing.isEmpty, "\(missing.count) of 150 people missing on a node: \(missing.prefix(5))")
        }

        // Configuration made on one node is in force on the other.
        let segment = try await a.request("POST", "/v1/segments", key: secret, body: #"{"key":"buyers","rule":{"event":"Order Completed","count":{"gte":1}}}"#)
        #expect(segment.status == 201, "\(segment.body)")
        #expect(try await LiveTriggerTests.waitFor(3) {
            let reply = try await b.request("GET", "/v1/segments/buyers", key: secret)
            guard reply.status == 200 else { return false }
            return try JSON.parse(reply.body)["size"]?.doubleValue == 151
        }, "B has A's segment, with its 151 buyers")
        let experience = try await b.request("POST", "/v1/experiences", key: secret, body: #"""
            {"key":"hero","placement":"home_hero","variants":[{"key":"a","payload":1},{"key":"b","payload":2}],
             "allocation":{"type":"ab","weights":{"a":50,"b":50}}}
            """#)
        #expect(experience.status == 201, "\(experience.body)")
        #expect(try await b.request("POST", "/v1/experiences/hero/start", key: secret).status == 200)
        #expect(try await LiveTriggerTests.waitFor(3) {
            let reply = try JSON.parse(try await a.request("POST", "/v1/decide", key: publishable,
                body: #"{"user":{"anonymous_id":"probe"},"placements":["home_hero"]}"#).body)
            return reply["decisions"]?.arrayValue?.first?["experience"] == "hero"
        }, "A decides with B's experience")
        // A/B assignment is the same whichever node answers.
        for n in 0..<20 {
            let body = #"{"user":{"user_id":"ab-\#(n)"},"placements":["home_hero"]}"#
            let onA = try JSON.parse(try await a.request("POST", "/v1/decide", key: publishable, body: body).body)
            let onB = try JSON.parse(try await b.request("POST", "/v1/decide", key: publishable, body: body).body)
            #expect(onA["decisions"]?.arrayValue?.first?["variant"] == onB["decisions"]?.arrayValue?.first?["variant"], "ab-\(n) gets one variant")
        }

        // A bandit learns from what happened on the other node: conversions on A's decisions for
        // variant b move B's choices toward b.
        let bandit = try await a.request("POST", "/v1/experiences", key: secret, body: #"""
            {"key":"offer","placement":"offer","status":"running","variants":[{"key":"a","payload":1},{"key":"b","payload":2}],
             "allocation":{"type":"bandit"},"goal":{"event":"Signed Up","window":"1d"}}
            """#)
        #expect(bandit.status == 201, "\(bandit.body)")
        _ = try await LiveTriggerTests.waitFor(3) {
            let reply = try JSON.parse(try await b.request("GET", "/v1/experiences/offer", key: secret).body)
            return reply["key"] == "offer"
        }
        for n in 0..<120 {
            let decided = try JSON.parse(try await a.request("POST", "/v1/decide", key: publishable,
                body: #"{"user":{"user_id":"bandit-\#(n)"},"placements":["offer"]}"#).body)
            if decided["decisions"]?.arrayValue?.first?["variant"] == "b" {
                _ = try await a.request("POST", "/v1/events", key: publishable, body: Self.track("Signed Up", user: "bandit-\(n)", id: "su-\(n)"))
            }
        }
        try await Task.sleep(for: .seconds(3))
        var chosenB = 0
        for n in 0..<100 {
            let decided = try JSON.parse(try await b.request("POST", "/v1/decide", key: publishable,
                body: #"{"user":{"user_id":"later-\#(n)"},"placements":["offer"]}"#).body)
            if decided["decisions"]?.arrayValue?.first?["variant"] == "b" { chosenB += 1 }
        }
        // Without A's decisions B would see no conversion attributed and split about evenly.
        #expect(chosenB >= 85, "B chose b \(chosenB) times in 100")

        // An erasure on one node is an erasure on every node.
        #expect(try await a.request("DELETE", "/v1/profiles/ada", key: secret).status == 200)
        #expect(try await LiveTriggerTests.waitFor(3) { try await b.request("GET", "/v1/profiles/ada", key: secret).status == 404 })
    }

    @Test func anotherNodeTakesOverWhenTheLeaderIsKilledAndNoMessageIsLostOrSentTwice() async throws {
        let (url, secret, publishable) = try await Self.site()
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        let nodes = [try Self.node(url), try Self.node(url), try Self.node(url)]
        defer { for node in nodes { node.stop(signal: SIGTERM) } }
        let first = try #require(try await Self.leader(nodes, within: 15), "one of three nodes leads")
        let settings = try await nodes[0].request("PATCH", "/v1/settings", key: secret,
            body: JSON.string(["webhook_secret": "whsec_cluster_0123456789", "default_consent": ["email": true]]))
        #expect(settings.status == 200)
        let trigger = try await nodes[1].request("POST", "/v1/triggers", key: secret, body: JSON.string([
            "key": "thanks", "when": ["event": "Order Completed", "after": "1s"], "deliver": ["webhook": .string(receiver.url)],
        ]))
        #expect(trigger.status == 201, "\(trigger.body)")
        try await Task.sleep(for: .seconds(1))

        // Orders arrive on every node while the leader is killed in the middle of them.
        var acknowledged: [String] = []
        let survivors = nodes.indices.filter { $0 != first }.map { nodes[$0] }
        var takeover: Double?
        for n in 0..<60 {
            if n == 30 {
                kill(nodes[first].process.processIdentifier, SIGKILL)
                nodes[first].process.waitUntilExit()
                let killedAt = Date()
                _ = try #require(try await Self.leader(survivors, within: 20), "a survivor takes over")
                takeover = Date().timeIntervalSince(killedAt)
            }
            let alive = nodes.indices.filter { nodes[$0].process.isRunning }
            let node = nodes[alive[n % alive.count]]
            let reply = try await node.request("POST", "/v1/events", key: publishable, body: LiveTriggerTests.order("buyer-\(n)", "order-\(n)"))
            if reply.status == 202 { acknowledged.append("buyer-\(n)") }
        }
        #expect(acknowledged.count == 60)
        let next = try #require(try await Self.leader(survivors, within: 5))
        #expect((takeover ?? 99) < 10, "taken over in \(takeover ?? -1) s")

        // Every order is delivered by the new leader, each exactly once.
        #expect(try await LiveTriggerTests.waitFor(40) { Set(receiver.deliveries.compactMap { $0.json["user_id"]?.stringValue }).count >= 60 },
            "every buyer's message is delivered (\(receiver.deliveries.count) deliveries)")
        try await Task.sleep(for: .seconds(3))
        let byUser = Dictionary(grouping: receiver.deliveries, by: { $0.json["user_id"]?.stringValue ?? "" })
        let ids = Set(receiver.deliveries.compactMap { $0.json["message_id"]?.stringValue })
        #expect(ids.count == 60, "one message per order, \(ids.count) message ids")
        if ids.count != 60 {
            for node in survivors {
                Swift.print("--- messages: " + (try await node.request("GET", "/v1/messages?limit=3", key: secret).body))
                Swift.print("--- triggers: " + (try await node.request("GET", "/v1/triggers", key: secret).body))
                Swift.print("--- settings: " + (try await node.request("GET", "/v1/settings", key: secret).body))
                Swift.print("--- health: " + (try await node.request("GET", "/health").body))
                node.stop(signal: SIGTERM)
                Swift.print("--- a survivor's log:\n" + node.logs().suffix(6_000))
            }
        }
        let repeats = receiver.deliveries.count - ids.count
        #expect(repeats == 0, "\(repeats) deliveries repeated a message id")
        #expect(byUser.values.allSatisfy { $0.count == 1 })

        // Nothing acknowledged is lost: every buyer's order is in the profile the new leader reads.
        for user in acknowledged {
            let profile = try JSON.parse(try await survivors[next].request("GET", "/v1/profiles/\(user)", key: secret).body)
            #expect(profile["orders"]?.doubleValue == 1, "\(user)")
        }
        Swift.print("cluster takeover: a new leader \(String(format: "%.1f", takeover ?? -1)) s after the SIGKILL; deliveries \(receiver.deliveries.count)")
    }
}
