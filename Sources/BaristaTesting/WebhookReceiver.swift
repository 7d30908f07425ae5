import BaristaCore
import Foundation
import Hummingbird
import Synchronization

/// A real HTTP server on a free local port that records every POST it receives: what tests
/// deliver webhooks to. It answers each request with the status at the head of ``script``
/// (then 200 once the script runs out), after ``delay(_:)`` when one is set; a stopped receiver
/// refuses connections.
public final class WebhookReceiver: Sendable {
    /// One request as received.
    public struct Delivery: Sendable {
        /// Header names in lower case.
        public var headers: [String: String]
        /// The raw body.
        public var body: [UInt8]
        /// When the request arrived (before any ``WebhookReceiver/delay(_:)``).
        public var receivedAt = Date()
        /// The body parsed (null when it is not JSON).
        public var json: JSONValue { (try? JSON.parse(body)) ?? .null }
    }

    private final class State: Sendable {
        let received = Mutex<[Delivery]>([])
        let statuses = Mutex<[Int]>([])
        let delay = Mutex<Duration>(.zero)
        let task = Mutex<Task<Void, any Error>?>(nil)
    }

    private let state = State()
    /// The port it listens on.
    public let port: Int

    /// Starts listening on 127.0.0.1 at a free port.
    public init() async throws {
        let state = self.state
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            state.received.withLock { $0.append(Delivery(headers: headers, body: Array(buffer: body))) }
            let status = state.statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            let delay = state.delay.withLock { $0 }
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(status: .init(code: status))
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        let running = Task { try await app.run() }
        var port = 0
        for await bound in stream {
            port = bound
            break
        }
        self.port = port
        state.task.withLock { $0 = running }
    }

    /// The URL to deliver to.
    public var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Every request so far, in order.
    public var deliveries: [Delivery] { state.received.withLock { $0 } }

    /// Answers the next requests with these statuses, in order (then 200).
    public func answer(_ codes: [Int]) { state.statuses.withLock { $0 = codes } }

    /// Answers every request only after `delay` (a slow receiver); `.zero` by default.
    public func delay(_ delay: Duration) { state.delay.withLock { $0 = delay } }

    /// Stops listening.
    public func stop() {
        state.task.withLock { $0?.cancel() }
    }
}
