import Foundation

/// One person's live state: everything Barista knows, updated as each event is accepted.
///
/// A profile is a pure fold over the person's events (``apply(_:context:)``), so it can always be
/// rebuilt from the event log. Identities (user and anonymous ids) live in the identity index, not here.
public struct Profile: Sendable, Hashable {
    public var id: ProfileID
    public var traits: [String: JSONValue] = [:]
    public var consent = Consent()
    public var preferences = Preferences()
    public var firstSeen: Date?
    public var lastSeen: Date?
    public var channels: [String] = []
    /// Newest first, one entry per item.
    public var recentlyViewed: [ViewedItem] = []
    public var cart: [CartLine] = []
    public var session: Session?
    public var orders: Int = 0
    public var revenue: Double = 0
    public var affinities = Affinities()
    /// Newest first.
    public var recentEvents: [EventSummary] = []
    /// How many events of each name (track) or type (others) this person sent.
    public var eventCounts: [String: Int] = [:]
    /// Items this person has ordered (for "exclude purchased").
    public var purchased: Set<ItemID> = []

    public init(id: ProfileID) { self.id = id }

    /// How many recently viewed items and recent events a profile keeps.
    public static let recentLimit = 20
    public static let recentlyViewedLimit = 30

    public struct ViewedItem: Sendable, Hashable {
        public var itemID: ItemID
        public var at: Date
        public init(itemID: ItemID, at: Date) {
            self.itemID = itemID
            self.at = at
        }
    }

    public struct CartLine: Sendable, Hashable {
        public var itemID: ItemID
        public var quantity: Double
        public var price: Double?
        public var addedAt: Date
        public init(itemID: ItemID, quantity: Double, price: Double?, addedAt: Date) {
            self.itemID = itemID
            self.quantity = quantity
            self.price = price
            self.addedAt = addedAt
        }
    }

    /// The current visit: a run of events with gaps under 30 minutes.
    public struct Session: Sendable, Hashable {
        public var startedAt: Date
        public var lastActivityAt: Date
        public var views: Int = 0
        public var adds: Int = 0
        public var checkoutStarted = false
        public var ordered = false

        public init(startedAt: Date, lastActivityAt: Date, views: Int = 0, adds: Int = 0, checkoutStarted: Bool = false, ordered: Bool = false) {
            self.startedAt = startedAt
            self.lastActivityAt = lastActivityAt
            self.views = views
            self.adds = adds
            self.checkoutStarted = checkoutStarted
            self.ordered = ordered
        }

        /// A gap this long starts a new session.
        public static let timeout: TimeInterval = 30 * 60
    }

    public struct EventSummary: Sendable, Hashable {
        public var type: String
        public var event: String?
        public var messageID: String
        public var at: Date
        public var channel: String
        public var properties: [String: JSONValue]
    }

    /// Browsing, shopping or buying, from the session as of `now`.
    public func intent(at now: Date) -> String {
        guard let session, now.timeIntervalSince(session.lastActivityAt) <= Session.timeout else { return "browsing" }
        if session.checkoutStarted && !session.ordered { return "buying" }
        if session.adds > 0 && !cart.isEmpty || session.views >= 3 && !cart.isEmpty { return "shopping" }
        return "browsing"
    }
}

/// What applying an event needs besides the event: the site's weights and the catalog.
public struct ApplyContext: Sendable {
    /// Weight of each event name in affinities (`Order Completed` 5, `Product Added` 3, …).
    public var feedbackWeights: [String: Double]
    /// Affinity half-life in seconds.
    public var halfLife: Double
    /// The catalog as of now.
    public var item: @Sendable (ItemID) -> Item?

    public init(feedbackWeights: [String: Double], halfLife: Double, item: @escaping @Sendable (ItemID) -> Item?) {
        self.feedbackWeights = feedbackWeights
        self.halfLife = halfLife
        self.item = item
    }
}
