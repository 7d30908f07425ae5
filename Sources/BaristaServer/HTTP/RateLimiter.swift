import Foundation
import Synchronization

/// Per-key token buckets for `rate_limit_per_second`: each key may make that many requests a
/// second on average, with bursts up to one second's worth; beyond it, 429 with `Retry-After`.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock: @Sendable () -> TimeInterval

    /// A limiter reading `clock` (seconds; the server passes the engine's clock).
    init(clock: @escaping @Sendable () -> TimeInterval) {
        self.clock = clock
    }

    /// Takes a token from `key`'s bucket at `rate` per second; returns nil when one was there,
    /// else the seconds until one will be.
    func take(_ key: String, rate: Double) -> TimeInterval? {
        guard rate > 0 else { return nil }
        let now = clock()
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: rate, updated: now)
            bucket.tokens = min(rate, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > 100_000 { buckets.removeAll(keepingCapacity: true) }
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / rate }
            bucket.tokens -= 1
            return nil
        }
    }
}
