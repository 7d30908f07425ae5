import Foundation

/// A site's loyalty programme (`GET/PUT /v1/rewards/program`): how points are earned, the bonus
/// multipliers, the tiers and the rewards points buy.
///
/// Points are whole numbers (`Int64`); rates and factors are exact hundredths (``Decimal100``),
/// so `19.99` at 10 points per unit earns exactly 199. The programme applies as of the moment an
/// event is folded into its profile: changing it never rewrites points already earned.
public struct RewardsProgram: Sendable, Hashable {
    /// `earn`: which events earn points, and how many.
    public var earn: [EarnRule] = []
    /// `multipliers`: bonus factors for a segment's members and/or a period.
    public var multipliers: [Multiplier] = []
    /// `tiers`: levels reached by the points earned over a rolling window.
    public var tiers: [Tier] = []
    /// `rewards`: what points can be redeemed for.
    public var rewards: [Reward] = []
    /// `updated_at`: when the programme was last saved.
    public var updatedAt: Date?

    /// An empty programme: nothing earns, no tiers, no rewards.
    public init() {}

    /// One earn rule: `{"event":"Order Completed","points_per_unit":10,"unit":"revenue"}`.
    public struct EarnRule: Sendable, Hashable {
        /// `event`: the track event's name that earns.
        public var event: String
        /// `points_per_unit` in hundredths of a point (10 → 1000): per currency unit of the amount,
        /// or per event when ``unit`` is ``Unit/event``.
        public var pointsPerUnit: Int64
        /// `unit`: what the rate is per.
        public var unit: Unit
        /// `property`: the amount's property for ``Unit/revenue`` (`revenue` by default; an order
        /// without it uses `total`, then the sum of its lines).
        public var property: String

        /// What a rate is per.
        public enum Unit: String, Sendable, Hashable, CaseIterable {
            /// Per currency unit of the event's amount (`revenue`).
            case revenue
            /// Per event, whatever its properties (a review, a check-in).
            case event
        }

        /// A rule earning `pointsPerUnit` hundredths of a point per `unit` on `event`.
        public init(event: String, pointsPerUnit: Int64, unit: Unit = .revenue, property: String = "revenue") {
            self.event = event
            self.pointsPerUnit = pointsPerUnit
            self.unit = unit
            self.property = property
        }
    }

    /// A bonus factor: `{"segment":"vip","factor":2,"from":"…","to":"…"}`. Every given condition
    /// must hold (member of `segment` just before the event; event time in `[from, to)`).
    public struct Multiplier: Sendable, Hashable {
        /// `segment`: only for members of this segment; nil for everyone.
        public var segment: String?
        /// `factor` in hundredths (2 → 200, 1.5 → 150).
        public var factor: Int64
        /// `from`: first moment the factor applies (inclusive); nil for always.
        public var from: Date?
        /// `to`: the moment it stops applying (exclusive); nil for never.
        public var to: Date?

        /// A factor of `factor` hundredths for `segment`'s members in `[from, to)`.
        public init(segment: String? = nil, factor: Int64, from: Date? = nil, to: Date? = nil) {
            self.segment = segment
            self.factor = factor
            self.from = from
            self.to = to
        }

        /// Whether the factor applies to an event at `at` by someone in `segments`.
        public func applies(at: Date, segments: Set<String>) -> Bool {
            if let segment, !segments.contains(segment) { return false }
            if let from, at < from { return false }
            if let to, at >= to { return false }
            return true
        }
    }

    /// A tier: `{"key":"gold","min_points":1000,"window":"365d","benefits":{…}}`.
    public struct Tier: Sendable, Hashable {
        /// `key`.
        public var key: String
        /// `min_points`: points earned (less refunds) within the window that reach the tier.
        public var minPoints: Int64
        /// `window` in seconds (`"365d"` by default).
        public var window: TimeInterval
        /// `window` as written (`"365d"`).
        public var windowText: String
        /// `benefits`: free-form data for the site to act on (`{"free_shipping":true}`).
        public var benefits: [String: JSONValue]

        /// A tier reached at `minPoints` within `windowText`.
        public init(key: String, minPoints: Int64, window: TimeInterval, windowText: String, benefits: [String: JSONValue] = [:]) {
            self.key = key
            self.minPoints = minPoints
            self.window = window
            self.windowText = windowText
            self.benefits = benefits
        }
    }

    /// A reward: `{"key":"free-drink","points":100,"title":"A free drink"}`.
    public struct Reward: Sendable, Hashable {
        /// `key`: what `POST /v1/rewards/redeem` names.
        public var key: String
        /// `points` it costs (at least 1).
        public var points: Int64
        /// `title` to show.
        public var title: String?

        /// A reward `key` costing `points`.
        public init(key: String, points: Int64, title: String? = nil) {
            self.key = key
            self.points = points
            self.title = title
        }
    }

    /// The reward named `key`, if any.
    public func reward(_ key: String) -> Reward? { rewards.first { $0.key == key } }

    /// The factor, in hundredths, for an event at `at` by a member of `segments`: the highest of
    /// the multipliers that apply (they do not stack), 100 when none does.
    public func factor(at: Date, segments: Set<String>) -> Int64 {
        multipliers.filter { $0.applies(at: at, segments: segments) }.map(\.factor).max() ?? 100
    }

    /// The programme as the API shows it.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "earn": .array(earn.map { rule in
                var o: [String: JSONValue] = ["event": .string(rule.event), "points_per_unit": Decimal100.json(rule.pointsPerUnit), "unit": .string(rule.unit.rawValue)]
                if rule.unit == .revenue { o["property"] = .string(rule.property) }
                return .object(o)
            }),
            "multipliers": .array(multipliers.map { m in
                [
                    "segment": m.segment.map(JSONValue.string) ?? .null, "factor": Decimal100.json(m.factor),
                    "from": m.from.map { .string(Timestamp.format($0)) } ?? .null, "to": m.to.map { .string(Timestamp.format($0)) } ?? .null,
                ]
            }),
            "tiers": .array(tiers.map { t in
                ["key": .string(t.key), "min_points": .number(Double(t.minPoints)), "window": .string(t.windowText), "benefits": .object(t.benefits)]
            }),
            "rewards": .array(rewards.map { r in
                ["key": .string(r.key), "points": .number(Double(r.points)), "title": r.title.map(JSONValue.string) ?? .null]
            }),
        ]
        if let updatedAt { object["updated_at"] = .string(Timestamp.format(updatedAt)) }
        return .object(object)
    }
}
