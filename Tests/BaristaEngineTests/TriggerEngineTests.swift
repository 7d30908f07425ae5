import BaristaCore
import BaristaEngine
import BaristaSQLite
import BaristaTesting
import Crypto
import Foundation
import Logging
import Testing

/// Triggers through a real local webhook receiver: what is sent, when, signed how, and what is not.
struct TriggerEngineTests {
    static let secret = "whsec_test_0123456789abcdef"

    /// A shop with a receiver, a webhook secret, email consent by default and a few co-bought items.
    struct Shop {
        let h: EngineHarness
        let receiver: WebhookReceiver
        var engine: Engine { h.engine }
        var site: SiteID { h.site }
        var clock: TestClock { h.clock }

        init(store: (any BaristaStore)? = nil) async throws {
            h = try await EngineHarness(store: store)
            receiver = try await WebhookReceiver()
            _ = try await h.engine.upsertItems([Fixtures.item("socks", category: "socks"), Fixtures.item("laces", category: "laces")], site: h.site)
            _ = try await h.engine.updateSettings(site: h.site, patch: ["webhook_secret": .string(TriggerEngineTests.secret), "default_consent": ["email": true]])
            // Two earlier shoppers bought runners with socks: what bought_together learns from.
            for buyer in ["b1", "b2"] {
                _ = try await h.send(Fixtures.track("Order Completed", user: buyer, at: h.clock.now.addingTimeInterval(-86_400),
                    properties: ["products": [["product_id": "runner"], ["product_id": "socks"]], "revenue": 70]))
            }
        }

        func trigger(_ json: String) async throws -> Trigger {
            let parsed = try Trigger.parse(try JSON.parse(json.replacingOccurrences(of: "HOOK", with: receiver.url)), now: clock.now).get()
            return try await engine.createTrigger(parsed, site: site)
        }

        func pass(_ policy: DeliveryPolicy = .local) async throws -> TriggerPassReport {
            try await engine.runTriggers(transport: HTTPWebhookTransport.shared, policy: policy)
        }

        func send(_ events: Event...) async throws {
            _ = try await engine.ingest(events, site: site)
        }

        func messages(_ status: MessageStatus? = nil) async throws -> [OutboxMessage] {
            try await engine.messages(site: site, status: status, cursor: nil, limit: 100).messages
        }

        func person(_ user: String, timezone: String? = nil, extra: [String: JSONValue] = [:]) async throws {
            var traits: [String: JSONValue] = ["email": .string("\(user)@example.com"), "first_name": .string(user.capitalized)]
            if let timezone { traits["timezone"] = .string(timezone) }
            traits.merge(extra) { _, new in new }
            try await send(Fixtures.identify(user: user, traits: traits, at: clock.now))
        }
    }

    static let cartAbandoned = #"""
        {"key":"cart-abandoned","when":{"event":"Product Added","no_event":"Order Completed","after":"1h"},"channel":"email",
         "content":{"recommendations":{"strategy":"bought_together","limit":4},"payload":{"subject":"You left something behind"}},
         "deliver":{"webhook":"HOOK"}}
        """#

    @Test func aCartAbandonedForTheDelayProducesExactlyOneSignedMessageWithTheCartAndPicks() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(Self.cartAbandoned)
        try await shop.person("ada")
        try await shop.send(Fixtures.track("Product Added", user: "ada", at: shop.clock.now, properties: ["product_id": "runner", "price": 50]))
        #expect(try await shop.pass().delivered == 0, "not due yet")
        shop.clock.advance(by: 1_800)
        try await shop.send(Fixtures.track("Product Added", user: "ada", at: shop.clock.now, properties: ["product_id": "jacket", "price": 50]))
        shop.clock.advance(by: 1_900)
        #expect(try await shop.pass().delivered == 0, "a second add moves the message to an hour after it")
        shop.clock.advance(by: 1_800)
        #expect(try await shop.pass().delivered == 1)
        let sentAt = shop.clock.now
        for _ in 0..<3 {
            shop.clock.advance(by: 3_600)
            #expect(try await shop.pass().delivered == 0)
        }
        let deliveries = shop.receiver.deliveries
        try #require(deliveries.count == 1)
        let delivery = deliveries[0]
        // The signature, recomputed here from API.md's definition.
        let header = try #require(delivery.headers["x-barista-signature"])
        let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map { part in
            let pair = part.split(separator: "=", maxSplits: 1)
            return (String(pair[0]), String(pair[1]))
        })
        let t = try #require(parts["t"])
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(t).".utf8) + delivery.body, using: SymmetricKey(data: Array(Self.secret.utf8)))
        #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
        #expect(Int(t) == Int(sentAt.timeIntervalSince1970))
        let body = delivery.json
        #expect(body["trigger"] == "cart-abandoned" && body["channel"] == "email" && body["user_id"] == "ada")
        #expect(body["traits"]?["email"] == "ada@example.com")
        #expect(body["items"]?.arrayValue?.compactMap { $0["item_id"]?.stringValue }.sorted() == ["jacket", "runner"], "the cart as it is now")
        let picks = body["recommendations"]?.arrayValue?.compactMap { $0["item_id"]?.stringValue } ?? []
        #expect(picks.first == "socks", "bought with runners: \(picks)")
        #expect(!picks.contains("runner") && !picks.contains("jacket"))
        #expect(body["payload"]?["subject"] == "You left something behind")
        #expect(delivery.headers["idempotency-key"] == body["message_id"]?.stringValue)
        let delivered = try await shop.messages(.delivered)
        #expect(delivered.count == 1 && delivered[0].id == body["message_id"]?.stringValue && delivered[0].attempts == 1)
    }

    @Test func aPassPlannedWhileAnotherIsSendingLeavesItsPeopleAlone() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(Self.cartAbandoned)
        try await shop.person("ada")
        try await shop.person("bea")
        try await shop.send(Fixtures.track("Product Added", user: "ada", at: shop.clock.now, properties: ["product_id": "runner"]))
        shop.clock.advance(by: 3_601)
        // The first pass claims ada's message; bea's falls due before it has sent.
        let first = try await shop.engine.planTriggerPass(policy: .local)
        #expect(!first.isEmpty)
        try await shop.send(Fixtures.track("Product Added", user: "bea", at: shop.clock.now, properties: ["product_id": "jacket"]))
        shop.clock.advance(by: 3_601)
        // A second pass planned meanwhile takes bea's message and leaves ada's, which is being sent.
        let second = try await shop.engine.planTriggerPass(policy: .local)
        let report = try await shop.engine.send(second, transport: HTTPWebhookTransport.shared, policy: .local)
        #expect(report.delivered == 1 && shop.receiver.deliveries.map { $0.json["user_id"] } == ["bea"])
        #expect(try await shop.engine.send(first, transport: HTTPWebhookTransport.shared, policy: .local).delivered == 1)
        // Once written, nothing is due any more: each went out once.
        #expect(try await shop.pass().delivered == 0)
        #expect(shop.receiver.deliveries.compactMap { $0.json["user_id"]?.stringValue }.sorted() == ["ada", "bea"])
    }

    @Test func anOrderWithinTheDelayCancelsTheMessage() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(Self.cartAbandoned)
        try await shop.person("bob")
        try await shop.send(Fixtures.track("Product Added", user: "bob", at: shop.clock.now, properties: ["product_id": "runner"]))
        shop.clock.advance(by: 1_800)
        try await shop.send(Fixtures.track("Order Completed", user: "bob", at: shop.clock.now, properties: ["products": [["product_id": "runner"]]]))
        shop.clock.advance(by: 7_200)
        #expect(try await shop.pass().delivered == 0)
        #expect(shop.receiver.deliveries.isEmpty)
        let cancelled = try await shop.messages(.cancelled)
        #expect(cancelled.count == 1 && cancelled[0].lastError == "Order Completed arrived first")
        // A new cart after the order is a new episode: it gets its own message.
        try await shop.send(Fixtures.track("Product Added", user: "bob", at: shop.clock.now, properties: ["product_id": "jacket"]))
        shop.clock.advance(by: 3_601)
        #expect(try await shop.pass().delivered == 1)
    }

    @Test func aBrowseWithoutAnAddSendsTheViewedItemsAndAnAddCancelsIt() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(#"""
            {"key":"browse-abandoned","when":{"event":"Product Viewed","no_event":"Product Added","after":"1h"},"deliver":{"webhook":"HOOK"}}
            """#)
        try await shop.person("ann")
        try await shop.person("abe")
        for user in ["ann", "abe"] {
            try await shop.send(Fixtures.track("Product Viewed", user: user, at: shop.clock.now, properties: ["product_id": "runner"]))
        }
        shop.clock.advance(by: 600)
        for user in ["ann", "abe"] {
            try await shop.send(Fixtures.track("Product Viewed", user: user, at: shop.clock.now, properties: ["product_id": "jacket"]))
        }
        try await shop.send(Fixtures.track("Product Added", user: "abe", at: shop.clock.now, properties: ["product_id": "jacket"]))
        shop.clock.advance(by: 3_601)
        #expect(try await shop.pass().delivered == 1)
        let body = try #require(shop.receiver.deliveries.first?.json)
        #expect(body["user_id"] == "ann")
        #expect(body["items"]?.arrayValue?.compactMap { $0["item_id"]?.stringValue } == ["jacket", "runner"], "every item viewed, newest first")
    }

    @Test func erasingAPersonDropsTheirMessages() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(Self.cartAbandoned)
        try await shop.person("zed")
        try await shop.person("amy")
        for user in ["zed", "amy"] {
            try await shop.send(Fixtures.track("Product Added", user: user, at: shop.clock.now, properties: ["product_id": "runner"]))
        }
        #expect(try await shop.messages().count == 2, "written to the store")
        _ = try await shop.engine.erase("amy", site: shop.site)
        try await shop.send(Fixtures.track("Product Added", user: "zed", at: shop.clock.now, properties: ["product_id": "jacket"]))
        _ = try await shop.engine.erase("zed", site: shop.site)
        #expect(try await shop.messages().isEmpty)
        shop.clock.advance(by: 7_200)
        #expect(try await shop.pass() == TriggerPassReport())
    }

    @Test func anAnonymousCartFollowsThePersonThroughAMerge() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(Self.cartAbandoned)
        try await shop.person("cy")
        try await shop.send(Fixtures.track("Product Added", anonymous: "anon-cy", at: shop.clock.now, properties: ["product_id": "runner"]))
        try await shop.send(Fixtures.identify(user: "cy", anonymous: "anon-cy", at: shop.clock.now))
        shop.clock.advance(by: 3_601)
        #expect(try await shop.pass().delivered == 1)
        #expect(shop.receiver.deliveries.first?.json["user_id"] == "cy")
    }

    @Test func aBirthdayMessageGoesOutOncePerYearInThePersonsTimeZone() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(#"""
            {"key":"birthday","when":{"date_trait":"birthday","days_before":7},"send_time":"now",
             "content":{"payload":{"subject":"A week to your birthday"}},"deliver":{"webhook":"HOOK"}}
            """#)
        // Now is 2026-11-22T10:00Z; the birthday's week-before falls on 2026-11-23 at 09:00 in Paris (08:00Z).
        try await shop.person("dee", timezone: "Europe/Paris", extra: ["birthday": "1990-11-30"])
        #expect(try await shop.pass().delivered == 0)
        shop.clock.advance(by: 22 * 3_600 - 60)
        #expect(try await shop.pass().delivered == 0, "a minute early")
        shop.clock.advance(by: 60)
        #expect(try await shop.pass().delivered == 1)
        try await shop.person("dee", timezone: "Europe/Paris", extra: ["birthday": "1990-11-30"])
        for _ in 0..<5 {
            shop.clock.advance(by: 6 * 3_600)
            #expect(try await shop.pass().delivered == 0, "once this year, even after the trait is sent again")
        }
        shop.clock.advance(by: 365 * 86_400 - 30 * 3_600)
        #expect(try await shop.pass().delivered == 1, "and again next year")
        let ids = Set(shop.receiver.deliveries.compactMap { $0.json["message_id"]?.stringValue })
        #expect(ids.count == 2 && shop.receiver.deliveries.count == 2)
    }

    @Test func aCrashBetweenTheOutboxWriteAndDeliveryStillDeliversOnce() async throws {
        let store = try SQLiteStore()
        let shop = try await Shop(store: store)
        _ = try await shop.trigger(#"""
            {"key":"after-order","when":{"event":"Order Completed","after":"3d"},
             "content":{"recommendations":{"strategy":"bought_together","limit":2}},"deliver":{"webhook":"HOOK"}}
            """#)
        try await shop.person("eve")
        try await shop.send(Fixtures.track("Order Completed", user: "eve", at: shop.clock.now, properties: ["products": [["product_id": "runner"]]]))
        try await shop.engine.checkpoint()
        #expect(try await store.messages(site: shop.site, status: .scheduled, before: nil, limit: 10).count == 1, "written with the checkpoint")
        // A second order after the checkpoint: its message is only in memory when the process dies.
        try await shop.send(Fixtures.track("Order Completed", user: "eve", at: shop.clock.now, properties: ["products": [["product_id": "jacket"]]]))
        // The process dies here: no delivery, no shutdown. A new one starts on the same store.
        let restarted = Engine(store: store, clock: shop.clock.function, logger: Logger(label: "test"))
        try await restarted.warmUp()
        shop.clock.advance(by: 3 * 86_400 + 1)
        let report = try await restarted.runTriggers(transport: HTTPWebhookTransport.shared, policy: .local)
        #expect(report.delivered == 2, "the checkpointed message and the one the replay rebuilt")
        #expect(try await restarted.runTriggers(transport: HTTPWebhookTransport.shared, policy: .local).delivered == 0)
        let items = shop.receiver.deliveries.map { $0.json["items"]?.arrayValue?.first?["item_id"]?.stringValue }
        #expect(items.sorted { ($0 ?? "") < ($1 ?? "") } == ["jacket", "runner"] && shop.receiver.deliveries.count == 2)
    }

    @Test func aFailingReceiverGetsRetriesWithBackoffThenDeadLetter() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(#"{"key":"thanks","when":{"event":"Order Completed","after":"0s"},"deliver":{"webhook":"HOOK"}}"#)
        try await shop.person("fay")
        shop.receiver.answer([500, 503, 500])
        try await shop.send(Fixtures.track("Order Completed", user: "fay", at: shop.clock.now, properties: ["revenue": 10]))
        var policy = DeliveryPolicy.local
        policy.maxAttempts = 3
        policy.baseBackoff = 10
        #expect(try await shop.pass(policy).retried == 1)
        let first = try #require(try await shop.messages(.retrying).first)
        #expect(first.attempts == 1 && first.lastError == "HTTP 500")
        let wait = first.dueAt.timeIntervalSince(shop.clock.now)
        #expect(wait >= 5 && wait <= 10, "10 s with jitter in [0.5, 1]: \(wait)")
        #expect(try await shop.pass(policy).retried == 0, "not before the backoff")
        shop.clock.advance(by: 10)
        #expect(try await shop.pass(policy).retried == 1)
        shop.clock.advance(by: 20)
        #expect(try await shop.pass(policy).dead == 1)
        shop.clock.advance(by: 3_600)
        #expect(try await shop.pass(policy) == TriggerPassReport())
        let dead = try #require(try await shop.messages(.dead).first)
        #expect(dead.attempts == 3 && dead.lastError == "HTTP 500")
        let bodies = Set(shop.receiver.deliveries.map(\.body))
        #expect(shop.receiver.deliveries.count == 3 && bodies.count == 1, "every retry sends the same body")
        // A receiver that is not even listening fails the same way.
        shop.receiver.stop()
        let backoffs = (1...12).map { policy.backoff(afterAttempts: $0, jitter: 1) }
        #expect(backoffs.prefix(3) == [10, 20, 40] && backoffs.last == policy.maxBackoff)
    }

    @Test func consentUnsubscribesTheWeeklyCapAndQuietHoursHold() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(#"{"key":"thanks","when":{"event":"Order Completed","after":"0s"},"deliver":{"webhook":"HOOK"}}"#)
        _ = try await shop.engine.updateSettings(site: shop.site, patch: ["email_frequency_cap_per_week": 2])
        // No email consent.
        try await shop.person("gus")
        _ = try await shop.engine.ingest([Event(kind: .consent, userID: "gus", messageID: "c-gus", timestamp: shop.clock.now,
            receivedAt: shop.clock.now, properties: ["email": false])], site: shop.site)
        // Unsubscribed.
        try await shop.person("hal")
        try await shop.send(Fixtures.track("Unsubscribed", user: "hal", at: shop.clock.now))
        // No email address.
        try await shop.send(Fixtures.identify(user: "ivy", traits: ["first_name": "Ivy"], at: shop.clock.now))
        // Three orders in a day against a cap of two a week.
        try await shop.person("jo")
        for (user, n) in [("gus", 1), ("hal", 1), ("ivy", 1), ("jo", 3)] {
            for k in 0..<n {
                try await shop.send(Fixtures.track("Order Completed", user: user, at: shop.clock.now, properties: ["order_id": .string("\(user)-\(k)")]))
            }
        }
        let report = try await shop.pass()
        #expect(report.delivered == 2 && report.suppressed == 4, "\(report)")
        let reasons = try await shop.messages(.suppressed).compactMap(\.lastError).sorted()
        #expect(reasons == ["no email consent", "no email trait", "no room in the email cadence (2 a week) past max_delay (24h)", "unsubscribed"])
        #expect(shop.receiver.deliveries.allSatisfy { $0.json["user_id"] == "jo" })

        // Quiet hours: an order at 23:00 in Tokyo waits until 08:00 there.
        _ = try await shop.engine.updateSettings(site: shop.site, patch: ["quiet_hours": ["start": "22:00", "end": "08:00"]])
        try await shop.person("kai", timezone: "Asia/Tokyo")
        shop.clock.advance(by: 4 * 3_600)  // 14:00Z = 23:00 in Tokyo
        try await shop.send(Fixtures.track("Order Completed", user: "kai", at: shop.clock.now))
        #expect(try await shop.pass().deferred == 1)
        let waiting = try #require(try await shop.messages(.scheduled).first)
        #expect(waiting.dueAt == shop.clock.now.addingTimeInterval(9 * 3_600) && waiting.lastError == "waiting: quiet hours")
        shop.clock.advance(by: 9 * 3_600)
        #expect(try await shop.pass().delivered == 1)
    }

    @Test func aPreferredSendTimeFollowsThePersonsOpens() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(#"""
            {"key":"thanks","when":{"event":"Order Completed","after":"0s"},"send_time":"preferred","deliver":{"webhook":"HOOK"}}
            """#)
        try await shop.person("lu")
        let evening = shop.clock.now.addingTimeInterval(-2 * 86_400 + 8 * 3_600)  // 18:00Z two days ago
        for day in 0..<3 {
            try await shop.send(Fixtures.track("Email Opened", user: "lu", at: evening.addingTimeInterval(Double(day) * 86_400 - 86_400)))
        }
        try await shop.send(Fixtures.track("Order Completed", user: "lu", at: shop.clock.now))
        #expect(try await shop.pass().deferred == 1)
        let waiting = try #require(try await shop.messages(.scheduled).first)
        #expect(waiting.dueAt == shop.clock.now.addingTimeInterval(8 * 3_600), "18:00Z, the hour of the person's opens")
        shop.clock.advance(by: 8 * 3_600)
        #expect(try await shop.pass().delivered == 1)
    }

    @Test func aSessionSequenceShowsAnInAppTipThroughDecide() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(#"""
            {"key":"help-tip","when":{"sequence":[{"event":"Page Viewed","where":{"path":"/help"}},{"event":"Page Viewed","where":{"path":"/help"}},
             {"event":"Page Viewed","where":{"path":"/help"}}],"within":"30m"},"channel":"in_app","content":{"payload":{"tip":"Chat with us"}}}
            """#)
        func page(_ path: String, after seconds: TimeInterval) async throws {
            shop.clock.advance(by: seconds)
            try await shop.send(Event(kind: .page, name: "Help", userID: "mo", messageID: "p-" + RandomID.string(length: 10), timestamp: shop.clock.now,
                receivedAt: shop.clock.now, properties: ["path": .string(path)]))
        }
        try await page("/help", after: 0)
        try await page("/shoes", after: 60)
        try await page("/help", after: 60)
        #expect(try await shop.pass().ready == 0, "two visits so far")
        try await page("/help", after: 60)
        #expect(try await shop.pass().ready == 1)
        let decide = DecideRequest(user: UserReference(userID: "mo"), placements: ["in_app"])
        let shown = try #require(try await shop.engine.decide(decide, site: shop.site).first)
        #expect(shown.payload["payload"]?["tip"] == "Chat with us" && shown.trigger == "help-tip" && shown.messageID != nil)
        let again = try #require(try await shop.engine.decide(decide, site: shop.site).first)
        #expect(again.messageID == nil && again.payload == .null, "shown once")
        #expect(try await shop.messages(.delivered).map(\.id) == [shown.messageID!])
        // Three visits spread over more than the window start over.
        try await page("/help", after: 3_600)
        try await page("/help", after: 1_200)
        try await page("/help", after: 1_200)
        #expect(try await shop.pass().ready == 0)
    }

    @Test func aPriceDropReachesThoseWhoViewedTheItem() async throws {
        let shop = try await Shop()
        _ = try await shop.trigger(#"{"key":"price-drop","when":{"price_drop":{"min_percent":10,"viewed_within":"7d"}},"deliver":{"webhook":"HOOK"}}"#)
        try await shop.person("ned")
        try await shop.person("ola")
        try await shop.send(Fixtures.track("Product Viewed", user: "ned", at: shop.clock.now, properties: ["product_id": "jacket"]))
        try await shop.send(Fixtures.track("Product Viewed", user: "ola", at: shop.clock.now.addingTimeInterval(-10 * 86_400), properties: ["product_id": "jacket"]))
        _ = try await shop.engine.upsertItems([Fixtures.item("jacket", category: "jackets", brand: "Fjell", color: "red", price: 47)], site: shop.site)
        #expect(try await shop.pass().delivered == 0, "6% is not a drop of 10%")
        _ = try await shop.engine.upsertItems([Fixtures.item("jacket", category: "jackets", brand: "Fjell", color: "red", price: 40)], site: shop.site)
        #expect(try await shop.pass().delivered == 1)
        let body = try #require(shop.receiver.deliveries.first?.json)
        #expect(body["user_id"] == "ned" && body["items"]?.arrayValue?.first?["price"] == 40, "ola viewed it too long ago")
    }

    @Test func aLapsingCustomerGetsOneWinBackPerPurchaseHistory() async throws {
        let shop = try await Shop()
        // Sixty customers with repeat orders over two months: enough for BG/NBD.
        let start = shop.clock.now.addingTimeInterval(-90 * 86_400)
        for n in 0..<60 {
            let user = "c\(n)"
            try await shop.person(user)
            for k in 0..<(2 + n % 3) {
                try await shop.send(Fixtures.track("Order Completed", user: user, at: start.addingTimeInterval(Double(k * (7 + n % 11)) * 86_400),
                    properties: ["revenue": .number(Double(20 + n)), "order_id": .string("\(user)-\(k)")]))
            }
        }
        try await shop.engine.refreshPredictions(site: shop.site)
        _ = try await shop.trigger(#"{"key":"win-back","when":{"prediction":"p_alive","op":"lt","value":0.3},"deliver":{"webhook":"HOOK"}}"#)
        shop.clock.advance(by: 400 * 86_400)
        let report = try await shop.pass()
        var lapsing = 0
        for n in 0..<60 where (try await shop.h.profile("c\(n)"))?.predictions.pAlive ?? 1 < 0.3 { lapsing += 1 }
        #expect(lapsing > 0 && report.delivered == lapsing, "\(report.delivered) messages for \(lapsing) lapsing customers")
        var policy = DeliveryPolicy.local
        policy.predictionInterval = 0
        #expect(try await shop.pass(policy).delivered == 0, "once per purchase history")
    }

    @Test func pausingATriggerCancelsItsMessagesAndDefinitionsSurviveARestart() async throws {
        let store = try SQLiteStore()
        let shop = try await Shop(store: store)
        _ = try await shop.trigger(Self.cartAbandoned)
        try await shop.person("pat")
        try await shop.send(Fixtures.track("Product Added", user: "pat", at: shop.clock.now, properties: ["product_id": "runner"]))
        _ = try await shop.engine.setTriggerStatus("cart-abandoned", to: .paused, site: shop.site)
        #expect(try await shop.messages(.cancelled).first?.lastError == "the trigger was paused")
        let restarted = Engine(store: store, clock: shop.clock.function, logger: Logger(label: "test"))
        #expect(try await restarted.trigger("cart-abandoned", site: shop.site)?.status == .paused)
        #expect(try await restarted.deleteTrigger("cart-abandoned", site: shop.site))
        #expect(try await restarted.triggers(site: shop.site).isEmpty)
    }
}

extension DeliveryPolicy {
    /// The defaults, with webhooks allowed on loopback, where the tests' receivers listen.
    static var local: DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.allowPrivateNetworks = true
        return policy
    }
}

/// Webhooks go to public addresses only, unless the server allows private ones.
struct WebhookDestinationTests {
    @Test func privateAndLocalAddressesAreRefused() {
        for address in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                        "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"] {
            #expect(WebhookDestination.isPrivate(address), "\(address)")
        }
        for address in ["8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"] {
            #expect(!WebhookDestination.isPrivate(address), "\(address)")
        }
        #expect(WebhookDestination.refusal(for: "http://127.0.0.1:9000/hook")?.contains("private or local") == true)
        #expect(WebhookDestination.refusal(for: "http://[::1]:9000/hook")?.contains("private or local") == true)
        #expect(WebhookDestination.refusal(for: "http://localhost/hook")?.contains("private or local") == true)
        #expect(WebhookDestination.refusal(for: "https://93.184.215.14/hook") == nil)
    }

    @Test func aMessageToALoopbackReceiverIsDeadAtOnceAndNothingIsSent() async throws {
        let shop = try await TriggerEngineTests.Shop()
        _ = try await shop.trigger(#"{"key":"thanks","when":{"event":"Order Completed","after":"0s"},"deliver":{"webhook":"HOOK"}}"#)
        try await shop.person("gus")
        try await shop.send(Fixtures.track("Order Completed", user: "gus", at: shop.clock.now, properties: ["revenue": 10]))
        #expect(try await shop.pass(DeliveryPolicy()).dead == 1)
        let message = try #require(try await shop.messages(.dead).first)
        #expect(message.attempts == 1 && message.lastError?.contains("--allow-private-webhooks") == true)
        #expect(shop.receiver.deliveries.isEmpty)
    }
}
