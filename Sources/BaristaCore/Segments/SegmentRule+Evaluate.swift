import Foundation

/// What a rule can ask about one profile; the engine implements it per profile and moment.
public protocol SegmentFacts {
    /// The moment of the evaluation; windows end here.
    var now: Date { get }
    /// The trait at `path` (`["company", "industry"]`); nil when missing.
    func trait(_ path: [String]) -> JSONValue?
    /// The condition's window over the profile's tally of ``EventCondition/signature``
    /// (``EventTally/window(_:now:)``); ``EventTally/Window/empty`` when there is none.
    func tally(_ condition: EventCondition) -> EventTally.Window
    /// The share, 0–1, of `value` in the person's taste for `dimension`, matching `value`
    /// case-insensitively; 0 when unknown.
    func affinityShare(_ dimension: AffinityDimension, _ value: String) -> Double
    /// The prediction's value, or nil when the profile has none.
    func prediction(_ name: PredictionName) -> Double?
    /// Whether the person consents to `purpose`, after the site's defaults.
    func consent(_ purpose: String) -> Bool
    /// The current intent (`browsing`, `shopping`, `buying`) and when it lapses, if it will.
    var intent: (value: String, changesAt: Date?) { get }
    /// The channels the person has been seen on (`web`, `app`, …).
    var channels: [String] { get }
    /// The person's location field, or nil when unknown.
    func geo(_ field: GeoField) -> String?
    /// Whether the person is currently a member of segment `segment`.
    func isMember(of segment: String) -> Bool
    /// The person's rewards standing (balance, tier, points to the next reward); nil without a programme.
    var rewards: RewardsStatus? { get }
}

extension SegmentFacts {
    /// No rewards programme: every `rewards` leaf reads a missing value.
    public var rewards: RewardsStatus? { nil }
}

/// The outcome of evaluating a rule for one profile.
public struct SegmentEvaluation: Sendable, Hashable {
    /// Whether the profile matches.
    public var matched: Bool
    /// The earliest future time at which ``matched`` might change by the clock alone (an event
    /// leaving a window, a future event entering one, the intent lapsing); nil when nothing
    /// time-dependent could change it. It may be earlier than the real change, never later:
    /// re-evaluate then. Changes of facts (new events, traits, other segments) are not included.
    public var nextChange: Date?

    /// An outcome.
    public init(matched: Bool, nextChange: Date?) {
        self.matched = matched
        self.nextChange = nextChange
    }
}

extension SegmentRule {
    /// Evaluates the rule against one profile's facts.
    ///
    /// Semantics by leaf: a trait compares as ``TraitOperator`` documents (a missing or `null`
    /// trait matches only `ne` and `exists: false`); an event condition compares the window's
    /// count or sum; an affinity without `op` means share > 0; a missing prediction matches only
    /// `ne`; channel and geo compare case-insensitively, every geo field given having to match.
    /// Groups stop early when the answer and its ``SegmentEvaluation/nextChange`` are settled.
    public func evaluate(_ facts: some SegmentFacts) -> SegmentEvaluation {
        switch self {
        case .all(let children): return Self.combine(children, facts: facts, matchWhenAll: true)
        case .any(let children): return Self.combine(children, facts: facts, matchWhenAll: false)
        case .not(let child):
            let inner = child.evaluate(facts)
            return SegmentEvaluation(matched: !inner.matched, nextChange: inner.nextChange)
        case .trait(let condition):
            return SegmentEvaluation(matched: condition.matches(facts.trait(condition.path)), nextChange: nil)
        case .event(let condition):
            let window = facts.tally(condition)
            let next = window.changesAt.flatMap { $0 > facts.now ? $0 : nil }
            return SegmentEvaluation(matched: condition.holds(window), nextChange: next)
        case .affinity(let condition):
            let share = facts.affinityShare(condition.dimension, condition.value)
            return SegmentEvaluation(matched: condition.comparison?.holds(share) ?? (share > 0), nextChange: nil)
        case .prediction(let condition):
            let matched = facts.prediction(condition.name).map(condition.comparison.holds) ?? (condition.comparison.op == .ne)
            return SegmentEvaluation(matched: matched, nextChange: nil)
        case .consent(let purpose, let granted):
            return SegmentEvaluation(matched: facts.consent(purpose) == granted, nextChange: nil)
        case .intent(let level):
            let intent = facts.intent
            let next = intent.changesAt.flatMap { $0 > facts.now ? $0 : nil }
            return SegmentEvaluation(matched: intent.value == level.rawValue, nextChange: next)
        case .channel(let channel):
            let wanted = channel.lowercased()
            return SegmentEvaluation(matched: facts.channels.contains { $0.lowercased() == wanted }, nextChange: nil)
        case .geo(let fields):
            let matched = fields.allSatisfy { field, value in facts.geo(field).map { $0.lowercased() == value.lowercased() } ?? false }
            return SegmentEvaluation(matched: matched, nextChange: nil)
        case .segment(let key):
            return SegmentEvaluation(matched: facts.isMember(of: key), nextChange: nil)
        case .rewards(let condition):
            let status = facts.rewards
            let matched = condition.comparison.matches(status?.value(condition.field))
            // Only the tier moves by the clock (points leaving its window).
            let next = condition.field == .tier ? status?.changesAt.flatMap { $0 > facts.now ? $0 : nil } : nil
            return SegmentEvaluation(matched: matched, nextChange: next)
        }
    }

    /// `all` (`matchWhenAll`) or `any`, by duality: call a child "deciding" when its answer is
    /// the group's short-circuit value (false for `all`, true for `any`).
    ///
    /// With no deciding child, the group holds the other answer, which any child's change can
    /// flip: the earliest child change. With deciding children, the group keeps its answer until
    /// every deciding child has flipped: not before the latest of their changes, and never by the
    /// clock if one of them has none (so evaluation stops at that child).
    static func combine(_ children: [SegmentRule], facts: some SegmentFacts, matchWhenAll: Bool) -> SegmentEvaluation {
        let decidingValue = !matchWhenAll
        var deciding = false
        var latestDeciding: Date?
        var earliestAny: Date?
        for child in children {
            let result = child.evaluate(facts)
            if result.matched == decidingValue {
                guard let change = result.nextChange else {
                    return SegmentEvaluation(matched: decidingValue, nextChange: nil)
                }
                deciding = true
                latestDeciding = max(latestDeciding ?? change, change)
            }
            if let change = result.nextChange { earliestAny = min(earliestAny ?? change, change) }
        }
        return deciding
            ? SegmentEvaluation(matched: decidingValue, nextChange: latestDeciding)
            : SegmentEvaluation(matched: matchWhenAll, nextChange: earliestAny)
    }
}

extension TraitCondition {
    /// Whether a trait value (nil when missing) satisfies the condition; `null` counts as missing.
    public func matches(_ trait: JSONValue?) -> Bool {
        let present: JSONValue? = trait?.isNull == false ? trait : nil
        if op == .exists { return (present != nil) == (value?.boolValue ?? true) }
        guard let present, let value else { return op == .ne }
        switch op {
        case .eq: return present == value
        case .ne: return present != value
        case .gt: return Self.order(present, value).map { $0 > 0 } ?? false
        case .gte: return Self.order(present, value).map { $0 >= 0 } ?? false
        case .lt: return Self.order(present, value).map { $0 < 0 } ?? false
        case .lte: return Self.order(present, value).map { $0 <= 0 } ?? false
        case .in: return value.arrayValue?.contains(present) ?? false
        case .contains:
            switch (present, value) {
            case (.string(let haystack), .string(let needle)): return haystack.contains(needle)
            case (.array(let elements), _): return elements.contains(value)
            default: return false
            }
        case .exists: return true
        }
    }

    /// -1, 0 or 1 for two numbers or two strings (by Unicode scalars); nil for any other pair.
    static func order(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.string(let x), .string(let y)):
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1
                : y.unicodeScalars.lexicographicallyPrecedes(x.unicodeScalars) ? 1 : 0
        default: return nil
        }
    }
}
