import Foundation

/// One answer of `POST /v1/decide` for one placement: who was shown what, and with what probability.
public struct Decision: Sendable, Hashable {
    /// `decision_id` (`dec_…`, starting with its time).
    public var id: String
    /// The experience that decided.
    public var experience: String
    /// The placement it filled.
    public var placement: String
    /// The variant shown; nil for the control group and the global holdout.
    public var variant: String?
    /// Whether the person was held out of the experience (its control group, or the site's global holdout).
    public var control: Bool
    /// Whether that was the site-wide holdout.
    public var holdout: Bool
    /// The probability with which this outcome (variant, or control) was chosen: what off-policy evaluation weighs by.
    public var probability: Double
    /// The person.
    public var profileID: ProfileID
    /// When it was decided.
    public var at: Date
    /// The features a contextual bandit chose on (empty otherwise), for off-policy evaluation.
    public var features: [Double]

    /// A decision with every field.
    public init(
        id: String, experience: String, placement: String, variant: String?, control: Bool, holdout: Bool, probability: Double, profileID: ProfileID,
        at: Date, features: [Double] = []
    ) {
        self.id = id
        self.experience = experience
        self.placement = placement
        self.variant = variant
        self.control = control
        self.holdout = holdout
        self.probability = probability
        self.profileID = profileID
        self.at = at
        self.features = features
    }
}

extension Decision {
    /// The decision as an export shows it.
    public var json: JSONValue {
        [
            "decision_id": .string(id), "experience": .string(experience), "placement": .string(placement),
            "variant": variant.map(JSONValue.string) ?? .null, "control": .bool(control), "holdout": .bool(holdout),
            "probability": .number(probability), "profile_id": .string(profileID.rawValue), "at": .string(Timestamp.format(at)),
        ]
    }
}

extension Decision {
    /// One line of the decision log as `barista ope --log` reads it (JSON, no newline):
    /// `{"decision_id","profile_id","experience","variant","probability","reward","features"}`,
    /// with `variant` null for control and `reward` 1 when a conversion was attributed.
    public func offPolicyLine(converted: Bool) -> String {
        var line: [String: JSONValue] = [
            "decision_id": .string(id), "profile_id": .string(profileID.rawValue), "experience": .string(experience),
            "variant": variant.map(JSONValue.string) ?? .null, "probability": .number(probability), "reward": .number(converted ? 1 : 0),
        ]
        if !features.isEmpty { line["features"] = .array(features.map(JSONValue.number)) }
        return JSON.string(.object(line), sortedKeys: true)
    }
}

/// A goal event attributed to a decision.
public struct DecisionConversion: Sendable, Hashable {
    /// The decision it is attributed to.
    public var decisionID: String
    /// Its experience.
    public var experience: String
    /// The event's `message_id` (a retried event counts once).
    public var messageID: String
    /// The goal's value (`value_property` of the event), 0 when the goal has none.
    public var value: Double
    /// The person.
    public var profileID: ProfileID
    /// When the event happened.
    public var at: Date

    /// A conversion with every field.
    public init(decisionID: String, experience: String, messageID: String, value: Double, profileID: ProfileID, at: Date) {
        self.decisionID = decisionID
        self.experience = experience
        self.messageID = messageID
        self.value = value
        self.profileID = profileID
        self.at = at
    }
}

/// What one arm of an experience (a variant, or `control`) collected.
public struct ArmTotals: Sendable, Hashable {
    /// The variant's key, or `control`.
    public var arm: String
    /// Decisions that showed it.
    public var exposures: Int
    /// Decisions with at least one attributed conversion.
    public var conversions: Int
    /// The value of every attributed conversion.
    public var revenue: Double
    /// The sum over decisions of the square of their value (for the variance of revenue per exposure).
    public var revenueSquares: Double

    /// Totals of one arm.
    public init(arm: String, exposures: Int, conversions: Int, revenue: Double, revenueSquares: Double) {
        self.arm = arm
        self.exposures = exposures
        self.conversions = conversions
        self.revenue = revenue
        self.revenueSquares = revenueSquares
    }
}

/// People decided for in a period, on one side of the global holdout, and what they converted.
public struct ValueTotals: Sendable, Hashable {
    /// The placement, or nil for all placements together (each conversion counted once).
    public var placement: String?
    /// Whether these are the held-out people.
    public var holdout: Bool
    /// People decided for.
    public var profiles: Int
    /// Of them, people with at least one attributed conversion.
    public var converted: Int
    /// The value of their conversions.
    public var revenue: Double
    /// The sum over people of the square of their value.
    public var revenueSquares: Double

    /// Totals of one group.
    public init(placement: String?, holdout: Bool, profiles: Int, converted: Int, revenue: Double, revenueSquares: Double) {
        self.placement = placement
        self.holdout = holdout
        self.profiles = profiles
        self.converted = converted
        self.revenue = revenue
        self.revenueSquares = revenueSquares
    }
}

/// The decision log: every decision and the conversions attributed to them.
public protocol DecisionStore: Sendable {
    /// Appends decisions (written in batches, off the request path).
    func recordDecisions(_ decisions: [Decision], site: SiteID) async throws
    /// Records conversions; one already recorded (same decision and message) is ignored.
    func recordConversions(_ conversions: [DecisionConversion], site: SiteID) async throws
    /// Per arm of `experience` (variants and `control`), decided in `[from, to)`: exposures,
    /// converted decisions and their value. Global-holdout decisions are left out.
    func armTotals(experience: String, site: SiteID, from: Date, to: Date) async throws -> [ArmTotals]
    /// Per placement and overall, held-out people versus the rest, decided for in `[from, to)`:
    /// people, converted people and the value of their conversions (per person).
    func valueTotals(site: SiteID, from: Date, to: Date) async throws -> [ValueTotals]
    /// Every decision of these profiles, oldest first (for export).
    func decisions(site: SiteID, profiles: [ProfileID]) async throws -> [Decision]
    /// Every decision made at or after `since`, oldest first, with whether a conversion was attributed
    /// to it: what a restart rebuilds the exposures that goal events are attributed to from.
    func decisions(site: SiteID, since: Date) async throws -> [(decision: Decision, converted: Bool)]
}
