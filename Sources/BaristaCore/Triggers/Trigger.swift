import Foundation

/// A trigger: when something happens (or fails to) in a person's history, a message goes out.
///
/// The body of `POST /v1/triggers` (API.md): a `when` condition, a `channel`, the `content`
/// assembled at send time (recommendations from any strategy, a payload for the template) and,
/// for email, where to `deliver` it (a webhook the site's email provider listens on).
public struct Trigger: Sendable, Hashable {
    /// `key`: how the API names it.
    public var key: String
    /// `name` shown to marketers; the key when not given.
    public var name: String
    /// `status`: only `active` triggers schedule messages.
    public var status: Status
    /// `when`: what starts (and what cancels) a message.
    public var condition: Condition
    /// `channel`: `email` (delivered to the webhook) or `in_app` (answered by `POST /v1/decide`, placement `in_app`).
    public var channel: Channel
    /// `content.recommendations`: a recommendation request (without `user`) answered for the person at send time.
    public var recommendations: RecommendationRequest?
    /// The `content.recommendations` object as written, for reads.
    public var recommendationsJSON: JSONValue?
    /// `content.payload`: any JSON the template needs (a subject line, a headline); null when absent.
    public var payload: JSONValue
    /// `deliver.webhook`: the URL each email message is POSTed to; nil for `in_app`.
    public var webhook: String?
    /// `max_delay` in seconds: how long past its due time a message may wait for quiet hours or
    /// a free slot in the person's cadence before it is suppressed (default `24h`).
    public var maxDelay: TimeInterval
    /// The text of `max_delay` as written.
    public var maxDelayText: String
    /// `send_time`: `now`, or `preferred` (the hour of day the person usually opens email).
    public var sendTime: SendTime
    /// When it was first created.
    public var createdAt: Date
    /// When it was last changed.
    public var updatedAt: Date

    /// `status` values.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Scheduling messages (the default).
        case active
        /// Scheduling nothing; its scheduled messages were cancelled when it was paused.
        case paused
    }

    /// `channel` values.
    public enum Channel: String, Sendable, Hashable, CaseIterable {
        /// An email, POSTed to the trigger's webhook; needs `email` consent and an `email` trait, and
        /// respects the learned cadence and the site's weekly cap.
        case email
        /// A message inside the site or app, answered by `POST /v1/decide` for the placement `in_app`;
        /// needs `personalization` consent.
        case inApp = "in_app"
    }

    /// `send_time` values.
    public enum SendTime: String, Sendable, Hashable, CaseIterable {
        /// As soon as the message is due.
        case now
        /// At the next hour of day the person has opened email most often (once they have opened
        /// three), within a day of the due time; otherwise as soon as it is due.
        case preferred
    }

    /// `when`: the kinds of API.md and the issue.
    public enum Condition: Sendable, Hashable {
        /// `{"event","after"[,"no_event"][,"where"]}`: `after` an `event` (and each repeat moves the
        /// message later); with `no_event`, cancelled when that event arrives first (a cart abandoned
        /// for an hour: `Product Added`, no `Order Completed`). Without it, each event schedules its
        /// own message (three days after each order).
        case event(EventMatch, cancelledBy: String?, after: TimeInterval, afterText: String)
        /// `{"date_trait","days_before"}`: once a year, `days_before` days before the date the trait
        /// holds (`birthday: "1990-05-14"` or `"05-14"`), at 09:00 in the person's `timezone` trait.
        case dateTrait(String, daysBefore: Int)
        /// `{"prediction","op","value"}`: a prediction crossing a threshold (`p_alive` below 0.3);
        /// at most once per purchase history (a new order re-arms it).
        case prediction(String, op: PredictionOp, value: Double)
        /// `{"price_drop":{"min_percent","viewed_within"}}`: an item the person viewed within
        /// `viewed_within` gets cheaper by at least `min_percent`.
        case priceDrop(minPercent: Double, viewedWithin: TimeInterval, viewedWithinText: String)
        /// `{"sequence":[{"event","where"},…],"within"}`: these events in this order (others may come
        /// between) within `within` of the first (three visits to a help page in a session).
        case sequence([EventMatch], within: TimeInterval, withinText: String)

        /// The kind's name, as the API and the dashboard show it.
        public var kind: String {
            switch self {
            case .event(_, let cancel, _, _): cancel == nil ? "event_delay" : "event_absence"
            case .dateTrait: "date_trait"
            case .prediction: "prediction"
            case .priceDrop: "price_drop"
            case .sequence: "sequence"
            }
        }
    }

    /// Comparisons a prediction condition can make.
    public enum PredictionOp: String, Sendable, Hashable, CaseIterable {
        case lt, lte, gt, gte

        /// Whether `value` passes against `threshold`.
        public func holds(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .lt: value < threshold
            case .lte: value <= threshold
            case .gt: value > threshold
            case .gte: value >= threshold
            }
        }
    }

    /// The predictions a condition may name (each as in the profile's `predictions`), and the
    /// rewards numbers (`rewards.balance`, `rewards.points_to_next`, as in the profile's `rewards`).
    public static let predictions = [
        "p_alive", "clv_12m", "expected_orders_90d", "email_open_rate", "email_click_rate", "rewards.balance", "rewards.points_to_next",
    ]

    /// One event a condition waits for: a `track` name (or `Page Viewed` / `Screen Viewed` for
    /// `page` and `screen` calls) and properties that must equal the given values.
    public struct EventMatch: Sendable, Hashable {
        /// `event`.
        public var event: String
        /// `where`: property name → the value it must equal (scalars; a page's `path`, `url`, `name`).
        public var properties: [String: JSONValue]

        /// A match on `event` with these properties.
        public init(event: String, properties: [String: JSONValue] = [:]) {
            self.event = event
            self.properties = properties
        }

        /// Whether `event` is one this match waits for.
        public func matches(_ event: Event) -> Bool {
            guard Self.name(of: event) == self.event else { return false }
            for (name, expected) in properties {
                let actual = event.properties[name] ?? (name == "name" ? event.name.map(JSONValue.string) : nil)
                guard let actual, Self.equal(actual, expected) else { return false }
            }
            return true
        }

        /// The name an event is matched by: a `track`'s name, `Page Viewed` or `Screen Viewed`.
        public static func name(of event: Event) -> String? {
            switch event.kind {
            case .track: event.name
            case .page: "Page Viewed"
            case .screen: "Screen Viewed"
            default: nil
            }
        }

        private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
            if let x = a.doubleValue, let y = b.doubleValue { return x == y }
            return a == b
        }

        /// The API form.
        public var json: JSONValue {
            properties.isEmpty ? ["event": .string(event)] : ["event": .string(event), "where": .object(properties)]
        }
    }

    /// Whether a scheduled message of this trigger is due at once (0) or after a delay, from its anchor.
    public var delay: TimeInterval {
        if case .event(_, _, let after, _) = condition { return after }
        return 0
    }

    /// The trigger as the API shows it (and the store keeps it).
    public var json: JSONValue {
        var content: [String: JSONValue] = [:]
        if let recommendationsJSON { content["recommendations"] = recommendationsJSON }
        if !payload.isNull { content["payload"] = payload }
        return [
            "key": .string(key), "name": .string(name), "status": .string(status.rawValue), "when": conditionJSON,
            "kind": .string(condition.kind), "channel": .string(channel.rawValue), "content": .object(content),
            "deliver": webhook.map { ["webhook": .string($0)] } ?? .null, "max_delay": .string(maxDelayText),
            "send_time": .string(sendTime.rawValue),
            "created_at": .string(Timestamp.format(createdAt)), "updated_at": .string(Timestamp.format(updatedAt)),
        ]
    }

    /// `when` as written back.
    public var conditionJSON: JSONValue {
        switch condition {
        case .event(let match, let cancel, _, let afterText):
            var object: [String: JSONValue] = ["event": .string(match.event), "after": .string(afterText)]
            if let cancel { object["no_event"] = .string(cancel) }
            if !match.properties.isEmpty { object["where"] = .object(match.properties) }
            return .object(object)
        case .dateTrait(let trait, let days):
            return ["date_trait": .string(trait), "days_before": .number(Double(days))]
        case .prediction(let name, let op, let value):
            return ["prediction": .string(name), "op": .string(op.rawValue), "value": .number(value)]
        case .priceDrop(let percent, _, let within):
            return ["price_drop": ["min_percent": .number(percent), "viewed_within": .string(within)]]
        case .sequence(let steps, _, let within):
            return ["sequence": .array(steps.map(\.json)), "within": .string(within)]
        }
    }
}
