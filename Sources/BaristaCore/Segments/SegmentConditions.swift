import Foundation

/// A `trait` leaf: `{"trait":"company.industry","op":"eq","value":"retail"}`.
///
/// A trait that is missing or `null` matches only `ne` and `exists` with `false`.
public struct TraitCondition: Sendable, Hashable {
    /// The path to the trait: `"company.industry"` is `["company", "industry"]`. Trait names that
    /// contain a dot cannot be reached.
    public var path: [String]
    /// The operator; see ``TraitOperator`` for the semantics of each.
    public var op: TraitOperator
    /// The constant compared with; nil only for `exists` written without a value. Never `null`.
    public var value: JSONValue?

    /// A condition on the trait at `path`.
    public init(path: [String], op: TraitOperator, value: JSONValue?) {
        self.path = path
        self.op = op
        self.value = value
    }
}

/// An `affinity` leaf: the share of a value in the person's learned taste for a dimension.
public struct AffinityCondition: Sendable, Hashable {
    /// The dimension (`brand`).
    public var dimension: AffinityDimension
    /// The value (`Nike`); the engine matches it case-insensitively.
    public var value: String
    /// The comparison of the share (0–1) with `score`; nil means "share > 0".
    public var comparison: NumericComparison?

    /// A condition on `value` of `dimension`.
    public init(dimension: AffinityDimension, value: String, comparison: NumericComparison?) {
        self.dimension = dimension
        self.value = value
        self.comparison = comparison
    }
}

/// A `rewards` leaf: `{"rewards":"points_to_next","op":"lte","value":20}`, compared as a trait
/// is (``TraitOperator``). A person without a tier, or with every reward affordable, has no
/// `tier` or `points_to_next`: that matches only `ne` and `exists: false`.
public struct RewardsCondition: Sendable, Hashable {
    /// What is read.
    public var field: RewardsField
    /// The comparison, as a trait's (its path is the field's name).
    public var comparison: TraitCondition

    /// A condition on `field`.
    public init(field: RewardsField, comparison: TraitCondition) {
        self.field = field
        self.comparison = comparison
    }
}

/// The predictions a segment can test.
public enum PredictionName: String, Sendable, Hashable, CaseIterable {
    /// Expected revenue over the next 12 months.
    case clv12m = "clv_12m"
    /// The probability that the customer is still active.
    case pAlive = "p_alive"
    /// Expected orders over the next 90 days.
    case expectedOrders90d = "expected_orders_90d"
    /// The share of emails the person opens.
    case emailOpenRate = "email_open_rate"
    /// The share of emails whose links the person clicks.
    case emailClickRate = "email_click_rate"
}

/// A `prediction` leaf: `{"prediction":"p_alive","op":"lt","value":0.3}`.
///
/// A profile without that prediction matches only `ne`, as a missing trait does.
public struct PredictionCondition: Sendable, Hashable {
    /// The prediction.
    public var name: PredictionName
    /// The comparison with it.
    public var comparison: NumericComparison

    /// A condition on prediction `name`.
    public init(name: PredictionName, comparison: NumericComparison) {
        self.name = name
        self.comparison = comparison
    }
}

/// A person's current shopping intent, from least to most committed.
public enum IntentLevel: String, Sendable, Hashable, CaseIterable {
    /// Looking around.
    case browsing
    /// Comparing and adding to the cart.
    case shopping
    /// About to buy.
    case buying
}

/// The location fields a `geo` leaf can test.
public enum GeoField: String, Sendable, Hashable, CaseIterable {
    /// The country, as the profile has it (usually ISO 3166-1 alpha-2, `GB`).
    case country
    /// The region or state.
    case region
    /// The city.
    case city
}
