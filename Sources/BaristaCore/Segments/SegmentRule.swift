import Foundation

/// A segment's rule: a tree of groups and conditions, parsed from JSON and never evaluated as code.
///
/// Groups combine conditions: ``all(_:)`` (every child), ``any(_:)`` (at least one child) and
/// ``not(_:)``. Leaves test one kind of fact about a profile, as ``SegmentFacts`` supplies them.
/// Parse one with ``parse(_:at:)``; write it back with ``json``; evaluate it with ``evaluate(_:)``.
///
/// A rule is at most ``maxDepth`` levels deep and has at most ``maxNodes`` nodes, groups included.
public indirect enum SegmentRule: Sendable, Hashable {
    /// `{"all":[…]}`: matches when every child matches; never empty.
    case all([SegmentRule])
    /// `{"any":[…]}`: matches when at least one child matches; never empty.
    case any([SegmentRule])
    /// `{"not":{…}}`: matches when the child does not.
    case not(SegmentRule)
    /// `{"trait":"age","op":"gte","value":30}`: a comparison with a (possibly nested) trait.
    case trait(TraitCondition)
    /// `{"event":"Order Completed","within":"30d","count":{"gte":2}}`: how often, or for how much, something happened.
    case event(EventCondition)
    /// `{"affinity":"brand","value":"Nike","op":"gte","score":0.3}`: a learned taste.
    case affinity(AffinityCondition)
    /// `{"prediction":"p_alive","op":"lt","value":0.3}`: a model's prediction.
    case prediction(PredictionCondition)
    /// `{"consent":"email","is":true}`: whether the person consents to a purpose (after the site's defaults).
    case consent(purpose: String, granted: Bool)
    /// `{"intent":"shopping"}`: the person's current intent.
    case intent(IntentLevel)
    /// `{"channel":"app"}`: the person has been seen on this channel; compared case-insensitively.
    case channel(String)
    /// `{"geo":{"country":"GB"}}`: every given field equals the person's, case-insensitively.
    case geo([GeoField: String])
    /// `{"segment":"other-key"}`: the person is a member of another segment.
    case segment(String)

    /// The deepest nesting allowed: a single leaf is 1 level, `{"all":[leaf]}` is 2.
    public static let maxDepth = 10
    /// The most nodes (groups and leaves) one rule may have.
    public static let maxNodes = 200
    /// The longest string anywhere in a rule, in UTF-8 bytes (8 KiB).
    public static let maxStringBytes = 8 * 1024
    /// The longest event window: 100 years (`5200w`).
    public static let maxWindow: TimeInterval = 5200 * 604_800
    /// The most elements of an `in` array.
    public static let maxInElements = 1000
}

/// The operators of a `trait` condition.
///
/// Only a trait takes all of them; counts, sums, affinity scores and predictions take the
/// numeric ones (``NumericOperator``).
public enum TraitOperator: String, Sendable, Hashable, CaseIterable {
    /// Equal, as JSON values: same type and same value; numbers compare numerically (`30` = `30.0`).
    case eq
    /// Not ``eq``; a missing trait is not equal to anything.
    case ne
    /// Greater: numerically when both are numbers, by Unicode code points when both are strings
    /// (so ISO 8601 dates compare as dates); false for any other pair.
    case gt
    /// Greater or equal, as ``gt``.
    case gte
    /// Less, as ``gt``.
    case lt
    /// Less or equal, as ``gt``.
    case lte
    /// The trait ``eq``uals one element of the value, an array of at most 1000 elements.
    case `in`
    /// The trait is a string containing the value (a string), or an array with an element
    /// ``eq``ual to the value. Case-sensitive.
    case contains
    /// With no value or `true`: the trait is present and not null; with `false`: absent or null.
    case exists
}

/// The numeric comparison operators, for counts, sums, affinity scores and predictions.
public enum NumericOperator: String, Sendable, Hashable, CaseIterable {
    /// Equal.
    case eq
    /// Not equal.
    case ne
    /// Greater.
    case gt
    /// Greater or equal.
    case gte
    /// Less.
    case lt
    /// Less or equal.
    case lte
}

/// One numeric comparison with a constant: `gte 2`.
public struct NumericComparison: Sendable, Hashable {
    /// The operator.
    public var op: NumericOperator
    /// The constant the measured number is compared with.
    public var value: Double

    /// A comparison `op value`.
    public init(_ op: NumericOperator, _ value: Double) {
        self.op = op
        self.value = value
    }

    /// Whether `x op value` holds.
    public func holds(_ x: Double) -> Bool {
        switch op {
        case .eq: x == value
        case .ne: x != value
        case .gt: x > value
        case .gte: x >= value
        case .lt: x < value
        case .lte: x <= value
        }
    }
}

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

/// What an `event` leaf measures over its window.
public enum EventMeasure: Sendable, Hashable {
    /// How many matching events happened.
    case count
    /// The total of a numeric property (`revenue`) over the matching events.
    case sum(property: String)
}

/// An `event` leaf: how many matching events, or what total of a property, within a window.
///
/// Written `{"event":"Order Completed","within":"30d","count":{"gte":2}}` or
/// `{"event":…,"sum":{"property":"revenue","gte":100}}`. Without `count` or `sum` it means
/// "at least one"; without `within` the window is all time.
public struct EventCondition: Sendable, Hashable {
    /// The event name, exactly as tracked (`Order Completed`).
    public var name: String
    /// The window in seconds, ending now; nil for all time.
    public var within: TimeInterval?
    /// A count or a sum.
    public var measure: EventMeasure
    /// The comparisons that must all hold, at least one, in ``NumericOperator`` order.
    public var comparisons: [NumericComparison]

    /// A condition on events named `name`; `comparisons` are kept in a canonical order.
    public init(name: String, within: TimeInterval? = nil, measure: EventMeasure = .count,
        comparisons: [NumericComparison] = [NumericComparison(.gte, 1)])
    {
        self.name = name
        self.within = within
        self.measure = measure
        self.comparisons = comparisons.sorted {
            NumericOperator.allCases.firstIndex(of: $0.op)! < NumericOperator.allCases.firstIndex(of: $1.op)!
        }
    }

    /// What a per-profile ``EventTally`` must keep for this condition.
    public var signature: EventSignature {
        switch measure {
        case .count: EventSignature(name: name, sumProperty: nil)
        case .sum(let property): EventSignature(name: name, sumProperty: property)
        }
    }

    /// Whether the window's count or sum satisfies every comparison.
    public func holds(_ window: EventTally.Window) -> Bool {
        let x: Double
        switch measure {
        case .count: x = Double(window.count)
        case .sum: x = window.sum
        }
        return comparisons.allSatisfy { $0.holds(x) }
    }
}

/// The identity of a per-profile event tally: the event name, and the property summed (if any).
///
/// A tally for a signature without `sumProperty` counts events (their recorded values are
/// unused); one with it records each event's numeric value of that property.
public struct EventSignature: Sendable, Hashable {
    /// The event name.
    public var name: String
    /// The property whose values are summed; nil when only counts are needed.
    public var sumProperty: String?

    /// The signature of events `name`, summing `sumProperty` when given.
    public init(name: String, sumProperty: String?) {
        self.name = name
        self.sumProperty = sumProperty
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
