import ArgumentParser
import BaristaCore
import BaristaEngine
import BaristaSQLite
import Foundation
import Hummingbird
import Logging
import Synchronization

extension BenchCommand {
    /// `barista bench triggers`: how fast the scheduler delivers due messages, against bare HTTP
    /// posts to the same local receiver in the same run.
    ///
    /// A scratch site gets `--people` customers, each with an order that a `thanks` trigger turns
    /// into an email with `bought_together` picks. The baseline posts the same number of
    /// 1 KiB bodies to the receiver through the same HTTP client with the same concurrency;
    /// then the scheduler's passes deliver every message: assembling it (profile, items,
    /// recommendations), signing it and recording each delivery in the outbox.
    struct Triggers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "triggers",
            abstract: "Scheduler deliveries per second against bare HTTP posts to the same local receiver."
        )

        @Option(help: "Customers, each with one due message.")
        var people = 5_000

        @Option(help: "Deliveries in flight at once, for the scheduler and the baseline alike.")
        var concurrency = 8

        @Flag(help: "Print one line of compact JSON on stdout.")
        var json = false

        /// Customer `n`'s identify (with an email) and one order of two items.
        static func order(_ n: Int, at now: Date) -> [BaristaCore.Event] {
            let user = "u\(n)"
            let first: JSONValue = ["product_id": .string("sku-\(n % 200)")]
            let second: JSONValue = ["product_id": .string("sku-\((n * 7 + 3) % 200)")]
            let traits: [String: JSONValue] = ["email": .string(user + "@example.com")]
            let properties: [String: JSONValue] = ["products": .array([first, second]), "revenue": .number(30)]
            return [
                BaristaCore.Event(kind: .identify, userID: user, messageID: "i-\(n)", timestamp: now, receivedAt: now, traits: traits),
                BaristaCore.Event(kind: .track, name: "Order Completed", userID: user, messageID: "o-\(n)", timestamp: now, receivedAt: now, properties: properties),
            ]
        }

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-bench-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let sink = try await CountingSink.start()
            defer { sink.stop() }
            let transport = HTTPWebhookTransport.shared

            // Baseline: bare posts, 8 at a time.
            let body = Array(String(repeating: "x", count: 1_024).utf8)
            let baselineStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        for _ in stride(from: worker, to: people, by: concurrency) {
                            _ = try await transport.post(sink.url, body: body, headers: [("Content-Type", "application/json")])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let baseline = Double(people) / (ContinuousClock.now - baselineStart).seconds

            let engine = Engine(store: try SQLiteStore(directory: directory), logger: Logger(label: "bench"))
            let site = try await engine.createSite(named: "bench").site.id
            _ = try await engine.updateSettings(site: site, patch: [
                "webhook_secret": "whsec_bench_0123456789", "default_consent": ["email": true], "email_frequency_cap_per_week": 100,
            ])
            let items = (0..<200).map { n in
                Item(id: ItemID("sku-\(n)"), title: "Item \(n)", category: "c\(n % 10)", brand: "b\(n % 7)", price: Double(10 + n % 50), updatedAt: Date())
            }
            _ = try await engine.upsertItems(items, site: site)
            let trigger = try Trigger.parse([
                "key": "thanks", "when": ["event": "Order Completed", "after": "0s"],
                "content": ["recommendations": ["strategy": "bought_together", "limit": 4]], "deliver": ["webhook": .string(sink.url)],
            ], now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            _ = try await engine.createTrigger(trigger, site: site)
            for offset in stride(from: 0, to: people, by: 500) {
                let now = engine.currentTime
                let last = min(people, offset + 500)
                let events = (offset..<last).flatMap { n in Self.order(n, at: now) }
                _ = try await engine.ingest(events, site: site)
            }
            try await engine.flushOutboxes()
            let before = sink.count
            let started = ContinuousClock.now
            var delivered = 0
            var policy = DeliveryPolicy()
            policy.allowPrivateNetworks = true  // the receiver is on loopback
            policy.batch = 500
            policy.concurrency = concurrency
            while delivered < people {
                let report = try await engine.runTriggers(transport: transport, policy: policy)
                delivered += report.delivered
                guard report != TriggerPassReport() else { throw ValidationError("the scheduler stopped with \(delivered) of \(people) delivered") }
            }
            let rate = Double(delivered) / (ContinuousClock.now - started).seconds
            let received = sink.count - before
            if json {
                Output.line(JSON.string([
                    "messages": .number(Double(delivered)), "received": .number(Double(received)),
                    "baseline_posts_per_second": .number(baseline.rounded()), "messages_per_second": .number(rate.rounded()),
                    "ratio": .number((rate / baseline * 100).rounded() / 100),
                ]))
            } else {
                Output.line("bare HTTP posts:          \(Int(baseline)) /s")
                Output.line("scheduler deliveries:     \(Int(rate)) /s (\(delivered) messages, \(received) received)")
                Output.line("ratio:                    \(String(format: "%.2f", rate / baseline))")
            }
        }
    }
}

/// A local HTTP receiver that answers 200 to every POST and counts them.
private final class CountingSink: Sendable {
    let url: String
    private let counter: Counter
    private let task: Task<Void, any Error>

    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    private init(url: String, counter: Counter, task: Task<Void, any Error>) {
        self.url = url
        self.counter = counter
        self.task = task
    }

    var count: Int { counter.value.withLock { $0 } }

    static func start() async throws -> CountingSink {
        let counter = Counter()
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            _ = try await request.body.collect(upTo: 1 << 20)
            counter.value.withLock { $0 += 1 }
            return .ok
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: Logger(label: "sink"))
        let task = Task { try await app.run() }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        return CountingSink(url: "http://127.0.0.1:\(port)/hook", counter: counter, task: task)
    }

    func stop() { task.cancel() }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
