import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension BaristaClient {
    /// Where the client runs, which decides whose ids events carry by default.
    public enum Role: Sendable, Hashable {
        /// One person per client (an iOS or macOS app): the client keeps a persistent anonymous id
        /// and the identified user, and stamps both on every event that names no one.
        case app
        /// Many people per client (a Swift server): every event must name its user; nothing is
        /// stamped, so unrelated people are never linked through a shared anonymous id.
        case server
    }

    /// How a client connects, batches, retries and persists.
    ///
    /// ```swift
    /// var configuration = BaristaClient.Configuration(host: URL(string: "https://barista.example")!, key: "pk_…")
    /// configuration.storageDirectory = URL.applicationSupportDirectory.appending(path: "barista")
    /// configuration.flushInterval = .seconds(10)
    /// ```
    public struct Configuration: Sendable {
        /// The server's base URL (`https://barista.example`).
        public var host: URL
        /// The API key: a publishable `pk_…` key in apps (events, recommendations, rank, decide), a
        /// secret `sk_…` key on servers only (everything, profiles included).
        public var key: String
        /// The session requests go through (default `URLSession.shared`).
        public var session: URLSession = .shared
        /// ``Role/app`` (default) or ``Role/server``.
        public var role: Role = .app
        /// How often the background flush runs (default 30 s).
        public var flushInterval: Duration = .seconds(30)
        /// The most events per request (default 100; the server takes at most 1000). With auto-flush
        /// on, a queue this long is flushed at once.
        public var batchSize: Int = 100
        /// The largest request body the client builds (default 512 KiB; the server takes 1 MiB).
        public var maxBatchBytes: Int = 512 * 1024
        /// The most events kept while the server is unreachable (default 10 000); past it the oldest
        /// are dropped.
        public var maxQueuedEvents: Int = 10_000
        /// A directory for the queue (`barista-queue.jsonl`, one event per line) and the identity
        /// (`barista-identity.json`), so both survive a relaunch. Nil (default) keeps them in memory.
        public var storageDirectory: URL?
        /// Attempts per batch within one flush before it gives up (default 5); transient failures
        /// only (no connection, 408, 429, 5xx).
        public var maxAttempts: Int = 5
        /// The first retry's delay (default 0.5 s), doubled on each further attempt, with jitter.
        public var initialBackoff: Duration = .milliseconds(500)
        /// The longest delay between attempts (default 30 s), also the cap on `Retry-After`.
        public var maxBackoff: Duration = .seconds(30)
        /// The timeout of one request, in seconds (default 30).
        public var timeout: TimeInterval = 30
        /// Members added to every event's `context` (an event's own members win). In the app
        /// role `channel` defaults to `app`.
        public var context: [String: JSONValue] = [:]
        /// Called after each flush with the events the server refused (they are not sent again).
        public var onRejected: (@Sendable ([RejectedEvent]) -> Void)?

        /// A configuration with the defaults above.
        public init(host: URL, key: String) {
            self.host = host
            self.key = key
        }
    }
}
