import BaristaCore
import Foundation
import Synchronization

/// Small builders for tests: events, items and profiles with sensible defaults.
public enum Fixtures {
    /// A fixed instant tests can reason about: 2026-11-22T10:00:00Z.
    public static let now = Date(timeIntervalSince1970: 1_795_341_600)

    /// A `track` event.
    public static func track(
        _ name: String, user: String? = nil, anonymous: String? = nil, message: String = "m-" + RandomID.string(length: 12),
        at: Date = now, properties: [String: JSONValue] = [:], channel: String? = nil
    ) -> Event {
        Event(kind: .track, name: name, userID: user, anonymousID: anonymous, messageID: message, timestamp: at, receivedAt: at,
            properties: properties, context: channel.map { ["channel": .string($0)] } ?? [:])
    }

    /// An `identify` event.
    public static func identify(
        user: String? = nil, anonymous: String? = nil, traits: [String: JSONValue] = [:], message: String = "m-" + RandomID.string(length: 12),
        at: Date = now
    ) -> Event {
        Event(kind: .identify, userID: user, anonymousID: anonymous, messageID: message, timestamp: at, receivedAt: at, traits: traits)
    }

    /// An `alias` event merging `previous` into `user`.
    public static func alias(previous: String, user: String, message: String = "m-" + RandomID.string(length: 12), at: Date = now) -> Event {
        Event(kind: .alias, userID: user, previousID: previous, messageID: message, timestamp: at, receivedAt: at)
    }

    /// An item.
    public static func item(
        _ id: String, category: String = "shoes", brand: String = "Nimbus", color: String = "black", price: Double = 50,
        inStock: Bool = true
    ) -> Item {
        Item(id: ItemID(id), title: "Item \(id)", category: category, brand: brand, color: color, style: "casual", price: price,
            currency: "EUR", tags: ["new"], inStock: inStock, updatedAt: now)
    }

    /// A site with a unique name.
    public static func site(_ name: String = "shop-" + RandomID.string(length: 6)) -> Site {
        Site(id: SiteID("site_" + RandomID.string(length: 12)), name: name, createdAt: now)
    }
}

/// A clock tests move by hand, so time-based behaviour is tested without sleeping.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// A clock that reads `start` (``Fixtures/now`` by default) until advanced.
    public init(_ start: Date = Fixtures.now) { current = Mutex(start) }

    /// The current time.
    public var now: Date { current.withLock { $0 } }

    /// Moves time forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// A closure to hand to anything that takes `() -> Date`.
    public var function: @Sendable () -> Date { { self.now } }
}
