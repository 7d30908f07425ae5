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
    /// `{"rewards":"balance","op":"gte","value":100}`: the person's standing in the rewards programme.
    case rewards(RewardsCondition)

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
