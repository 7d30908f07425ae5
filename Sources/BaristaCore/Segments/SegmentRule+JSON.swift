import Foundation

extension SegmentRule {
    /// The rule as JSON, in the form ``parse(_:at:)`` reads: `parse(rule.json) == rule`.
    ///
    /// An event rule always carries its comparisons (`"count":{"gte":1}` for "at least one"),
    /// and its window in the largest unit that divides it exactly (`"2w"`, `"36h"`).
    public var json: JSONValue {
        switch self {
        case .all(let children): return ["all": .array(children.map(\.json))]
        case .any(let children): return ["any": .array(children.map(\.json))]
        case .not(let child): return ["not": child.json]
        case .trait(let c):
            var object: [String: JSONValue] = ["trait": .string(c.path.joined(separator: ".")), "op": .string(c.op.rawValue)]
            if let value = c.value { object["value"] = value }
            return .object(object)
        case .event(let c):
            var object: [String: JSONValue] = ["event": .string(c.name)]
            if let within = c.within { object["within"] = .string(Self.durationText(within)) }
            var comparisons: [String: JSONValue] = [:]
            for comparison in c.comparisons { comparisons[comparison.op.rawValue] = .number(comparison.value) }
            switch c.measure {
            case .count: object["count"] = .object(comparisons)
            case .sum(let property):
                comparisons["property"] = .string(property)
                object["sum"] = .object(comparisons)
            }
            return .object(object)
        case .affinity(let c):
            var object: [String: JSONValue] = ["affinity": .string(c.dimension.rawValue), "value": .string(c.value)]
            if let comparison = c.comparison {
                object["op"] = .string(comparison.op.rawValue)
                object["score"] = .number(comparison.value)
            }
            return .object(object)
        case .prediction(let c):
            return ["prediction": .string(c.name.rawValue), "op": .string(c.comparison.op.rawValue), "value": .number(c.comparison.value)]
        case .consent(let purpose, let granted): return ["consent": .string(purpose), "is": .bool(granted)]
        case .intent(let level): return ["intent": .string(level.rawValue)]
        case .channel(let channel): return ["channel": .string(channel)]
        case .geo(let fields):
            return ["geo": .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.key.rawValue, JSONValue.string($0.value)) }))]
        case .segment(let key): return ["segment": .string(key)]
        case .rewards(let c):
            var object: [String: JSONValue] = ["rewards": .string(c.field.rawValue), "op": .string(c.comparison.op.rawValue)]
            if let value = c.comparison.value { object["value"] = value }
            return .object(object)
        }
    }

    /// `seconds` as `^\d+[smhdw]$`, in the largest unit that divides it exactly.
    static func durationText(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds)
        for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] where whole % size == 0 {
            return String(whole / size) + unit
        }
        return String(whole) + "s"
    }

    /// The direct children of a group; none for a leaf.
    public var children: [SegmentRule] {
        switch self {
        case .all(let children), .any(let children): children
        case .not(let child): [child]
        default: []
        }
    }

    /// How many nodes the rule has, groups and leaves alike.
    public var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }

    /// How deep the rule is: 1 for a leaf, 1 + the deepest child for a group.
    public var depth: Int { 1 + (children.map(\.depth).max() ?? 0) }

    /// The keys of the other segments this rule tests membership of.
    ///
    /// The engine must refuse a definition whose references form a cycle, and re-evaluate a
    /// segment when the membership of one it references changes.
    public var referencedSegments: Set<String> {
        if case .segment(let key) = self { return [key] }
        return children.reduce(into: Set<String>()) { $0.formUnion($1.referencedSegments) }
    }

    /// Every event condition in the rule, depth-first in document order.
    public var eventConditions: [EventCondition] {
        if case .event(let condition) = self { return [condition] }
        return children.flatMap(\.eventConditions)
    }

    /// The event tallies a profile must keep for this rule.
    public var eventSignatures: Set<EventSignature> { Set(eventConditions.map(\.signature)) }

    /// The longest window of any event condition: tally entries older than `now` minus this are
    /// no longer needed by this rule. Nil when the rule has no windowed event condition.
    public var longestWindow: TimeInterval? { eventConditions.compactMap(\.within).max() }
}
