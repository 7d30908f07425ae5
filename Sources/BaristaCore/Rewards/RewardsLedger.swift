import Foundation

extension EventName {
    /// `Reward Redeemed`: recorded by Barista for `POST /v1/rewards/redeem` (`reward`, `points`),
    /// after the balance was checked; not accepted from `POST /v1/events`.
    public static let rewardRedeemed = "Reward Redeemed"
    /// `Order Refunded` (`order_id`, optional `revenue` for a partial refund): reverses the points
    /// the order earned.
    public static let orderRefunded = "Order Refunded"
}

/// One person's points: an append-only list of entries and their exact running sum.
///
/// The ledger is a fold of the person's events (``fold(_:program:segments:)``): an earn entry per
/// qualifying event, a reversal per `Order Refunded`, a redemption per `Reward Redeemed`. Each
/// entry is keyed by its event's `message_id`, so an event folded twice counts once. Entries are
/// kept in time order, at most ``entryLimit`` (the oldest are dropped first; ``balance`` keeps
/// counting them, but they no longer count toward a tier or can be refunded).
public struct RewardsLedger: Sendable, Hashable {
    /// The points available: every entry's points added up, those dropped included. May go
    /// below zero when an order is refunded after its points were spent.
    public private(set) var balance: Int64 = 0
    /// The kept entries, oldest first.
    public private(set) var entries: [Entry] = []

    /// How many entries a ledger keeps.
    public static let entryLimit = 2_000
    /// The most points one event can earn (10^15).
    public static let maxPointsPerEvent: Int64 = 1_000_000_000_000_000

    /// An empty ledger.
    public init() {}

    /// A ledger read back from storage.
    public init(balance: Int64, entries: [Entry]) {
        self.balance = balance
        self.entries = entries.sorted { $0.at < $1.at }
    }

    /// Whether the person never had an entry.
    public var isEmpty: Bool { entries.isEmpty && balance == 0 }

    /// One line of the ledger.
    public struct Entry: Sendable, Hashable {
        /// What kind of line it is.
        public enum Kind: String, Sendable, Hashable {
            /// Points earned by an event.
            case earn
            /// Points taken back by `Order Refunded`.
            case reversal
            /// Points spent by `Reward Redeemed`.
            case redemption
        }

        /// The kind of line.
        public var kind: Kind
        /// `message_id` of the event that made it.
        public var messageID: String
        /// When the event happened.
        public var at: Date
        /// Points: positive for an earn, negative for a reversal or a redemption.
        public var points: Int64
        /// The order: the earning event's `order_id` (its `message_id` without one), or the order a reversal refunds.
        public var order: String?
        /// Hundredths of the currency: the earning amount, or the amount a reversal refunds.
        public var amount: Int64
        /// The event name (earn), or the reward's key (redemption).
        public var label: String?
        /// For a reversal, when the refunded order earned: tiers count the reversal then.
        public var origin: Date?

        /// A line of the ledger.
        public init(kind: Kind, messageID: String, at: Date, points: Int64, order: String? = nil, amount: Int64 = 0, label: String? = nil, origin: Date? = nil) {
            self.kind = kind
            self.messageID = messageID
            self.at = at
            self.points = points
            self.order = order
            self.amount = amount
            self.label = label
            self.origin = origin
        }
    }

    /// Whether an entry of `messageID` is kept.
    public func contains(messageID: String) -> Bool {
        entries.contains { $0.messageID == messageID }
    }

    /// Adds an entry in time order and its points to the balance.
    public mutating func append(_ entry: Entry) {
        balance = balance.addingReportingOverflow(entry.points).overflow ? balance : balance + entry.points
        let position = entries.lastIndex { $0.at <= entry.at }.map { $0 + 1 } ?? 0
        entries.insert(entry, at: position)
        if entries.count > Self.entryLimit { entries.removeFirst(entries.count - Self.entryLimit) }
    }

    /// Combines the ledger of a profile merged away into this one: entries interleaved by time,
    /// balances added. Entries are keyed by unique `message_id`s, so none counts twice.
    public mutating func merge(_ other: RewardsLedger) {
        guard !other.isEmpty else { return }
        let mine = Set(entries.map(\.messageID))
        let theirs = other.entries.filter { !mine.contains($0.messageID) }
        // An entry both kept (never expected: message ids are unique per site) counts once.
        let repeated = other.entries.filter { mine.contains($0.messageID) }.reduce(Int64(0)) { $0 + $1.points }
        balance += other.balance - repeated
        entries = (entries + theirs).sorted { $0.at < $1.at }
        if entries.count > Self.entryLimit { entries.removeFirst(entries.count - Self.entryLimit) }
    }

    /// Points earned, less refunds, in the window that ends at `now` (`(now - window, now]`): what tiers read.
    public func qualifyingPoints(window: TimeInterval, now: Date) -> Int64 {
        let start = now.addingTimeInterval(-window)
        var total: Int64 = 0
        for entry in entries where entry.kind != .redemption {
            let at = entry.origin ?? entry.at
            if at > start && at <= now { total += entry.points }
        }
        return max(total, 0)
    }

    /// The earliest moment after `now` at which an entry enters or leaves one of `windows`.
    public func nextWindowChange(windows: [TimeInterval], now: Date) -> Date? {
        var next: Date?
        for entry in entries where entry.kind != .redemption {
            let at = entry.origin ?? entry.at
            if at > now { next = min(next ?? at, at) }
            for window in windows {
                let leaves = at.addingTimeInterval(window)
                if at <= now, leaves > now { next = min(next ?? leaves, leaves) }
            }
        }
        return next
    }
}

/// `floor(a × b / c)` for non-negative numbers without overflow on the way; nil when the answer
/// itself does not fit.
func multiplyDivide(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64? {
    guard a >= 0, b >= 0, c > 0 else { return nil }
    let product = UInt64(a).multipliedFullWidth(by: UInt64(b))
    guard product.high < UInt64(c) else { return nil }
    let (quotient, _) = UInt64(c).dividingFullWidth(product)
    return quotient <= UInt64(Int64.max) ? Int64(quotient) : nil
}
