import BaristaCore
import BaristaEngine
import BaristaTesting
import Foundation
import Testing

/// `/v1/triggers…` and `/v1/messages`: validation, the lifecycle, and the outbox as listed.
struct TriggersRouteTests {
    static let cart: JSONValue = [
        "key": "cart-abandoned", "when": ["event": "Product Added", "no_event": "Order Completed", "after": "1h"], "channel": "email",
        "content": ["recommendations": ["strategy": "bought_together", "limit": 4]], "deliver": ["webhook": "https://esp.example/hook"],
    ]

    @Test func badTriggersAreRefusedWithThePointerOfEachProblem() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let bad: JSONValue = [
                "key": "x y", "when": ["event": "Product Added", "after": "soon", "no_evnt": "Order Completed"], "channel": "sms",
                "content": ["recommendations": ["strategy": "bought_with"], "script": "alert(1)"], "deliver": ["webhook": "ftp://esp.example"],
                "max_delay": "1 day",
            ]
            let reply = try await client.send(.post, "/v1/triggers", json: bad)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.headers[.contentType] == "application/problem+json")
            let fields = Set(reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(fields.isSuperset(of: ["/key", "/when/after", "/when/no_evnt", "/channel", "/content/script", "/content/recommendations/strategy",
                "/max_delay"]), "\(fields)")
            let email: JSONValue = ["key": "no-hook", "when": ["date_trait": "birthday", "days_before": 90]]
            let emailFields = try await client.send(.post, "/v1/triggers", json: email).json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
            #expect(emailFields == ["/when/days_before", "/deliver/webhook"])
            let inApp: JSONValue = ["key": "tip", "channel": "in_app", "when": ["prediction": "p_dead", "op": "below"], "deliver": ["webhook": "https://x.example"]]
            let inAppFields = try await client.send(.post, "/v1/triggers", json: inApp).json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
            #expect(Set(inAppFields ?? []) == ["/when/prediction", "/when/op", "/when/value", "/deliver"])
            #expect(try await client.send(.get, "/v1/triggers").json["triggers"]?.arrayValue?.isEmpty == true, "nothing was saved")
        }
    }

    @Test func aTriggersLifecycle() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let created = try await client.send(.post, "/v1/triggers", json: Self.cart)
            #expect(created.status == .created)
            #expect(created.json["status"] == "active" && created.json["kind"] == "event_absence" && created.json["max_delay"] == "24h")
            #expect(created.json["send_time"] == "now" && created.json["when"]?["no_event"] == "Order Completed")
            #expect(try await client.send(.post, "/v1/triggers", json: Self.cart).status == .conflict)
            #expect(try await client.send(.post, "/v1/triggers", key: h.publishableKey, json: Self.cart).status == .forbidden)
            // A read can be sent back as it is.
            #expect(try await client.send(.put, "/v1/triggers/cart-abandoned", json: created.json).status == .ok)
            let paused = try await client.send(.post, "/v1/triggers/cart-abandoned/pause")
            #expect(paused.json["status"] == "paused")
            #expect(try await client.send(.post, "/v1/triggers/cart-abandoned/start").json["status"] == "active")
            let birthday: JSONValue = ["when": ["date_trait": "birthday", "days_before": 7], "deliver": ["webhook": "https://esp.example/hook"]]
            let put = try await client.send(.put, "/v1/triggers/birthday", json: birthday)
            #expect(put.status == .created && put.json["send_time"] == "preferred" && put.json["kind"] == "date_trait")
            let list = try await client.send(.get, "/v1/triggers").json["triggers"]?.arrayValue?.compactMap { $0["key"]?.stringValue }
            #expect(list == ["birthday", "cart-abandoned"])
            #expect(try await client.send(.delete, "/v1/triggers/birthday").status == .noContent)
            #expect(try await client.send(.get, "/v1/triggers/birthday").status == .notFound)
            #expect(try await client.send(.post, "/v1/triggers/birthday/pause").status == .notFound)
        }
    }

    @Test func theOutboxListsMessagesByStatusPageByPage() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            _ = try await client.send(.post, "/v1/triggers", json: [
                "key": "thanks", "when": ["event": "Order Completed", "after": "3d"], "deliver": ["webhook": "https://esp.example/hook"],
            ])
            _ = try await client.send(.post, "/v1/triggers", json: Self.cart)
            for n in 0..<5 {
                let events: JSONValue = ["batch": [
                    ["type": "track", "event": "Product Added", "user_id": .string("u\(n)"), "properties": ["product_id": "p1"]],
                    ["type": "track", "event": "Order Completed", "user_id": .string("u\(n)"), "properties": ["order_id": .string("o\(n)")]],
                ]]
                #expect(try await client.send(.post, "/v1/events", json: events).status == .accepted)
            }
            let all = try await client.send(.get, "/v1/messages?limit=100").json["messages"]?.arrayValue ?? []
            #expect(all.count == 10)
            let scheduled = try await client.send(.get, "/v1/messages?status=scheduled").json["messages"]?.arrayValue ?? []
            #expect(scheduled.count == 5 && scheduled.allSatisfy { $0["trigger"] == "thanks" && $0["attempts"] == 0 && $0["last_error"] == .null })
            let cancelled = try await client.send(.get, "/v1/messages?status=cancelled").json["messages"]?.arrayValue ?? []
            #expect(cancelled.count == 5 && cancelled.allSatisfy { $0["last_error"] == "Order Completed arrived first" })
            var seen: [String] = [], cursor: String?
            repeat {
                let page = try await client.send(.get, "/v1/messages?limit=3" + (cursor.map { "&cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""))
                seen += page.json["messages"]?.arrayValue?.compactMap { $0["message_id"]?.stringValue } ?? []
                cursor = page.json["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(seen.count == 10 && Set(seen).count == 10, "pages cover the list once")
            let one = try await client.send(.get, "/v1/messages/" + seen[0])
            #expect(one.status == .ok && one.json["message_id"]?.stringValue == seen[0] && one.json["body"] == .null, "not assembled before it is sent")
            #expect(try await client.send(.get, "/v1/messages?status=sent").json["errors"]?.arrayValue?.first?["field"] == "status")
            #expect(try await client.send(.get, "/v1/messages?cursor=nonsense").status == .unprocessableContent)
            #expect(try await client.send(.get, "/v1/messages/msg_missing").status == .notFound)
        }
    }

    @Test func quietHoursMustBeTwoClockTimes() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            for bad: JSONValue in [["start": "22:00"], ["start": "25:00", "end": "08:00"], ["start": "22:00", "end": "22:00"], ["start": "10pm", "end": "8am"]] {
                let reply = try await client.send(.patch, "/v1/settings", json: ["quiet_hours": bad])
                #expect(reply.status == .unprocessableContent && reply.json["errors"]?.arrayValue?.first?["field"] == "/quiet_hours", "\(bad)")
            }
            let good = try await client.send(.patch, "/v1/settings", json: ["quiet_hours": ["start": "21:30", "end": "07:45"]])
            #expect(good.json["quiet_hours"]?["start"] == "21:30")
        }
    }
}
