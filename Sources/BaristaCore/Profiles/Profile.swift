import Foundation

/// One person's live state: everything Barista knows, updated as each event is accepted.
///
/// A profile is a pure fold over the person's events (``apply(_:context:)``), so it can always be
/// rebuilt from the event log. Identities (user and anonymous ids) live in the identity index, not here.
public struct Profile: Sendable, Hashable {
    /// `profile_id`: Barista's own id of this person (`prf_…`).
    public var id: ProfileID
    /// `traits` from `identify` (and from traits on a `track`), deep-merged; later values win.
    public var traits: [String: JSONValue] = [:]
    /// The purposes the person set; unset ones fall back to the site's `default_consent` when read.
    public var consent = Consent()
    /// `preferences` the person stated, which outrank everything inferred.
    public var preferences = Preferences()
    /// `first_seen`: the timestamp of the person's earliest event; nil before any event.
    public var firstSeen: Date?
    /// `last_seen`: the timestamp of the person's latest event; nil before any event.
    public var lastSeen: Date?
    /// `channels` the person's events came from (`web`, `app`, `email`, …), in first-seen order.
    public var channels: [String] = []
    /// Newest first, one entry per item.
    public var recentlyViewed: [ViewedItem] = []
    /// `cart`: what `Product Added` and `Product Removed` left in the cart; `Order Completed` empties it.
    public var cart: [CartLine] = []
    /// The latest visit, which ``intent(at:)`` reads; nil until the first `track`, `page`, `screen` or `alias`.
    public var session: Session?
    /// `orders`: how many `Order Completed` events the person sent.
    public var orders: Int = 0
    /// `revenue`: the sum of each order's `revenue`, else `total`, else its lines' price × quantity; currencies unconverted.
    public var revenue: Double = 0
    /// Time-decayed tastes per item attribute; the API shows them as shares (`affinities`).
    public var affinities = Affinities()
    /// Newest first.
    public var recentEvents: [EventSummary] = []
    /// How many events of each name (track) or type (others) this person sent.
    public var eventCounts: [String: Int] = [:]
    /// Items this person has ordered (for "exclude purchased").
    public var purchased: Set<ItemID> = []
    /// The latest items ordered, newest first, one entry per item (its latest order), at most
    /// ``recentPurchasesLimit``: the ordered history `for_you` and `next` read.
    public var recentPurchases: [ViewedItem] = []
    /// The days (UTC, counted from 1970-01-01) on which the person ordered, ascending, one entry a
    /// day: what the purchase models read (BG/NBD counts repeat purchases in distinct days, as
    /// lifetimes does). At most ``orderDaysLimit``: beyond it, the oldest days after the first are dropped.
    public var orderDays: [Int32] = []
    /// Email engagement per week (weeks counted from 1970-01-01, a Thursday), oldest first, the
    /// latest ``emailWeeksLimit`` weeks with any email event: what the learned cadence reads.
    public var emailWeeks: [EmailWeek] = []
    /// When the person last sent `Unsubscribed`; nil when never (or when they subscribed again since).
    public var unsubscribedAt: Date?
    /// The person's `Email Opened` events by hour of day (UTC, 24 counts; empty before the first
    /// open): what a message's preferred send time is read from.
    public var emailOpenHours: [Int32] = []
    /// The person's points: the ledger the site's rewards programme folds their events into.
    public var rewards = RewardsLedger()

    /// The hour of day (UTC, 0–23) the person has opened email most often, once they have opened
    /// at least three; ties go to the earlier hour. Nil before that.
    public var preferredSendHour: Int? {
        guard emailOpenHours.count == 24, emailOpenHours.reduce(0, +) >= 3, let best = emailOpenHours.max() else { return nil }
        return emailOpenHours.firstIndex(of: best)
    }

    /// An empty profile: a person with no events yet.
    public init(id: ProfileID) { self.id = id }

    /// How many recent events a profile keeps (newest first).
    public static let recentLimit = 20
    /// How many items ``recentlyViewed`` keeps (30).
    public static let recentlyViewedLimit = 30
    /// How many items ``recentPurchases`` keeps (50).
    public static let recentPurchasesLimit = 50
    /// How many distinct order days ``orderDays`` keeps (1,000: nearly three years of daily orders).
    public static let orderDaysLimit = 1_000
    /// How many weeks ``emailWeeks`` keeps (26).
    public static let emailWeeksLimit = 26

    /// One week of email engagement: `Email Delivered`, `Email Opened` and `Email Link Clicked` counts.
    public struct EmailWeek: Sendable, Hashable {
        /// The week, counted from 1970-01-01.
        public var week: Int32
        /// Emails delivered that week.
        public var sends: Int32
        /// Opens that week.
        public var opens: Int32
        /// Link clicks that week.
        public var clicks: Int32

        /// A week's counts.
        public init(week: Int32, sends: Int32 = 0, opens: Int32 = 0, clicks: Int32 = 0) {
            self.week = week
            self.sends = sends
            self.opens = opens
            self.clicks = clicks
        }
    }

    /// An entry of `recently_viewed` (or of ``recentPurchases``): an item and when the person last viewed (or ordered) it.
    public struct ViewedItem: Sendable, Hashable {
        /// `item_id` of the viewed item.
        public var itemID: ItemID
        /// `at`: the latest time the person viewed the item.
        public var at: Date
        /// An entry for `itemID`, last viewed at `at`.
        public init(itemID: ItemID, at: Date) {
            self.itemID = itemID
            self.at = at
        }
    }

    /// One line of the cart: an item, how many, and at what price.
    public struct CartLine: Sendable, Hashable {
        /// `item_id` of the item in the cart.
        public var itemID: ItemID
        /// `quantity` in the cart: the sum of the adds' `quantity` (1 each when absent), less removals.
        public var quantity: Double
        /// `price` per unit as of the latest `Product Added`: its `price`, else the catalog's; nil when neither gave one.
        public var price: Double?
        /// `added_at`: when the item first went into the cart.
        public var addedAt: Date
        /// A line of `quantity` × `itemID` at `price` each, added at `addedAt`.
        public init(itemID: ItemID, quantity: Double, price: Double?, addedAt: Date) {
            self.itemID = itemID
            self.quantity = quantity
            self.price = price
            self.addedAt = addedAt
        }
    }

    /// The current visit: a run of events with gaps under 30 minutes.
    public struct Session: Sendable, Hashable {
        /// When the visit's first event happened.
        public var startedAt: Date
        /// When the visit's latest event happened; after ``timeout`` without another, the visit is over.
        public var lastActivityAt: Date
        /// How many `Product Viewed` events the visit had.
        public var views: Int = 0
        /// How many `Product Added` events the visit had.
        public var adds: Int = 0
        /// Whether the visit had a `Checkout Started`.
        public var checkoutStarted = false
        /// Whether the visit had an `Order Completed`.
        public var ordered = false

        /// A visit with the given times and counts; the counts default to those of a fresh visit.
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

    /// An entry of `recent_events`: one event, with its scalar properties only.
    public struct EventSummary: Sendable, Hashable {
        /// `type`: the call type (`track`, `identify`, …, or `consent`/`preferences`).
        public var type: String
        /// `event`: the track event's name, or the page or screen name; nil for other calls.
        public var event: String?
        /// `message_id` of the event.
        public var messageID: String
        /// `timestamp`: when the event happened.
        public var at: Date
        /// `channel` the event came from (see ``Event/channel``).
        public var channel: String
        /// `properties` without arrays, objects and strings over 256 bytes.
        public var properties: [String: JSONValue]
    }

    /// Browsing, shopping or buying, from the session as of `now`.
    public func intent(at now: Date) -> String { intentState(at: now).intent }

    /// The intent of the current visit and when it lapses to `browsing` (nil when it already has),
    /// without the words of ``intentReading(at:)``: what segment rules read on every event.
    ///
    /// `buying`: a checkout started in this visit and no order followed. `shopping`: something is in
    /// the cart and this visit added to it or viewed at least three products. Anything else, and
    /// every visit idle for more than ``Session/timeout``, is `browsing`.
    public func intentState(at now: Date) -> (intent: String, lapsesAt: Date?) {
        guard let session, now.timeIntervalSince(session.lastActivityAt) <= Session.timeout else { return ("browsing", nil) }
        let lapses = session.lastActivityAt.addingTimeInterval(Session.timeout)
        if session.checkoutStarted && !session.ordered { return ("buying", lapses) }
        if session.adds > 0 && !cart.isEmpty || session.views >= 3 && !cart.isEmpty { return ("shopping", lapses) }
        return ("browsing", lapses)
    }

    /// The intent of the current visit, the signals that decided it, and when it lapses.
    public func intentReading(at now: Date) -> IntentReading {
        let state = intentState(at: now)
        guard let session, state.lapsesAt != nil else {
            return IntentReading(intent: state.intent, signals: session == nil ? ["no visit yet"] : ["no activity in the last 30 minutes"], lapsesAt: nil)
        }
        var signals: [String] = []
        if session.views > 0 { signals.append("\(session.views) product view\(session.views == 1 ? "" : "s") this visit") }
        if session.adds > 0 { signals.append("\(session.adds) add\(session.adds == 1 ? "" : "s") to cart this visit") }
        if !cart.isEmpty { signals.append("\(cart.count) item\(cart.count == 1 ? "" : "s") in the cart") }
        if session.checkoutStarted { signals.append(session.ordered ? "checkout completed with an order" : "checkout started, no order yet") }
        if signals.isEmpty { signals.append("a visit without product activity") }
        return IntentReading(intent: state.intent, signals: signals, lapsesAt: state.lapsesAt)
    }

    /// What ``intentReading(at:)`` found.
    public struct IntentReading: Sendable, Hashable {
        /// `browsing`, `shopping` or `buying`.
        public var intent: String
        /// The facts of the visit that decided it, in words (`"2 adds to cart this visit"`).
        public var signals: [String]
        /// When the visit times out and the intent becomes `browsing`; nil when it already is for want of a visit.
        public var lapsesAt: Date?
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

    /// A context from the site's feedback weights, the half-life in seconds and a catalog lookup.
    public init(feedbackWeights: [String: Double], halfLife: Double, item: @escaping @Sendable (ItemID) -> Item?) {
        self.feedbackWeights = feedbackWeights
        self.halfLife = halfLife
        self.item = item
    }
}
