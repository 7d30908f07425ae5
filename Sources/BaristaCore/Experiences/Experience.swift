import Foundation

/// An experience: what one placement shows, to whom, chosen how, and measured against what.
///
/// The body of `POST /v1/experiences` (API.md): a `placement`, an `audience` segment, a
/// `priority` among the placement's experiences, `variants` carrying a JSON `payload` or a
/// recommendations configuration, an `allocation` (`ab` weights, `bandit`, `contextual_bandit`),
/// a `control_percent`, a `goal` and a `schedule`.
public struct Experience: Sendable, Hashable {
    /// `key`: how the API names it.
    public var key: String
    /// `name` shown to marketers; the key when not given.
    public var name: String
    /// `placement`: the slot it fills (`home_hero`, `email_block`, `in_app`).
    public var placement: String
    /// `status`: only `running` experiences decide.
    public var status: Status
    /// `priority`: among the running experiences of a placement the person is eligible for, the highest decides.
    public var priority: Int
    /// `audience.segment`: who is eligible; nil is everyone.
    public var audienceSegment: String?
    /// `variants`, in order.
    public var variants: [Variant]
    /// `allocation`: how a variant is chosen.
    public var allocation: Allocation
    /// `control_percent`: the share of eligible people (0 to 99) who get no variant, the baseline.
    public var controlPercent: Double
    /// `goal`: the conversion that counts.
    public var goal: Goal
    /// `schedule.start`: before it, the experience does not decide; nil is no start.
    public var start: Date?
    /// `schedule.end`: from it on, the experience does not decide; nil is no end.
    public var end: Date?
    /// When it was first created.
    public var createdAt: Date
    /// When it was last changed.
    public var updatedAt: Date

    /// `status` values.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Being written; never decides (the default).
        case draft
        /// Deciding.
        case running
        /// Stopped for now; keeps its data.
        case paused
    }

    /// One variant: a payload for the page to render, or recommendations to fill it with.
    public struct Variant: Sendable, Hashable {
        /// `key`, unique within the experience.
        public var key: String
        /// `payload`: any JSON the page renders (a headline, an image, an offer); null when absent.
        public var payload: JSONValue
        /// `recommendations`: a recommendation request (without `user`) answered for the person at decision time.
        public var recommendations: RecommendationRequest?
        /// The `recommendations` object as written, for reads.
        public var recommendationsJSON: JSONValue?
    }

    /// `allocation` values.
    public enum Allocation: Sendable, Hashable {
        /// `ab`: a weighted split, sticky per person (weights by variant key, positive; equal when not given).
        case ab(weights: [String: Double])
        /// `bandit`: Beta-Bernoulli Thompson sampling on the goal, updated as conversions arrive.
        case bandit
        /// `contextual_bandit`: linear Thompson sampling over profile features, updated as conversions arrive.
        case contextualBandit

        /// `type` as the API writes it.
        public var type: String {
            switch self {
            case .ab: "ab"
            case .bandit: "bandit"
            case .contextualBandit: "contextual_bandit"
            }
        }
    }

    /// `goal`: the event that counts as a conversion, the property that gives its value, and how
    /// long after an exposure it still counts.
    public struct Goal: Sendable, Hashable {
        /// `event` (default `Order Completed`).
        public var event: String
        /// `value_property` (default `revenue`).
        public var valueProperty: String?
        /// `window` in seconds (default `7d`).
        public var window: TimeInterval
        /// The text of `window` as written.
        public var windowText: String

        /// The default goal: `Order Completed`, valued by `revenue`, within 7 days.
        public static let `default` = Goal(event: EventName.orderCompleted, valueProperty: "revenue", window: 7 * 86_400, windowText: "7d")
    }

    /// Whether it decides at `now`: running, and inside its schedule.
    public func isLive(at now: Date) -> Bool {
        status == .running && (start.map { now >= $0 } ?? true) && (end.map { now < $0 } ?? true)
    }

    /// The most variants an experience may have.
    public static let maximumVariants = 20
}
