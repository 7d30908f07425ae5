import Foundation

extension SegmentRule {
    /// Parses a rule, reporting every problem found with the JSON Pointer of the field at fault.
    ///
    /// Every node must have exactly the keys of one shape. An unknown key or a value of the wrong
    /// type is reported at its own pointer (`/rule/all/2/count/gtee`); a node of no known shape,
    /// or of several, at the node's pointer. A rule deeper than ``maxDepth`` or with more than
    /// ``maxNodes`` nodes is reported once, at `pointer`, with its numbers, and not parsed further.
    /// Durations are `^\d+[smhdw]$` and must be positive; strings are at most ``maxStringBytes``.
    /// Operators are restricted by leaf: `in`, `contains` and `exists` only for a trait; counts,
    /// sums, affinity scores and predictions take `eq ne gt gte lt lte`.
    ///
    /// - Parameters:
    ///   - value: The rule as JSON.
    ///   - pointer: Where the rule sits in the request body (`/rule`).
    public static func parse(_ value: JSONValue, at pointer: JSONPointer) -> Result<SegmentRule, ValidationErrors> {
        let (nodes, depth) = RuleShapeCounter.measure(value)
        var bounds: [FieldError] = []
        if depth > maxDepth {
            bounds.append(FieldError(field: pointer.description, message: "is nested \(depth) levels deep; at most \(maxDepth) are allowed"))
        }
        if nodes > maxNodes {
            bounds.append(FieldError(field: pointer.description, message: "has \(nodes) nodes; at most \(maxNodes) are allowed"))
        }
        guard bounds.isEmpty else { return .failure(ValidationErrors(bounds)) }
        var parser = SegmentRuleParser()
        let rule = parser.node(value, at: pointer)
        if let rule, parser.errors.isEmpty { return .success(rule) }
        return .failure(ValidationErrors(parser.errors))
    }
}

/// Counts nodes and depth of a rule's JSON before parsing, without recursion.
enum RuleShapeCounter {
    static func measure(_ value: JSONValue) -> (nodes: Int, depth: Int) {
        var stack: [(JSONValue, Int)] = [(value, 1)]
        var nodes = 0
        var depth = 0
        while let (node, level) = stack.popLast() {
            nodes += 1
            depth = max(depth, level)
            guard case .object(let object) = node else { continue }
            for key in ["all", "any"] {
                if let children = object[key]?.arrayValue { stack += children.map { ($0, level + 1) } }
            }
            if let child = object["not"] { stack.append((child, level + 1)) }
        }
        return (nodes, depth)
    }
}

/// The shapes of rule nodes, named by their distinguishing key, with the keys each allows.
enum RuleShape: String, CaseIterable {
    case all, any, not, trait, event, affinity, prediction, consent, intent, channel, geo, segment, rewards

    var keys: [String] {
        switch self {
        case .all, .any, .not, .intent, .channel, .geo, .segment: [rawValue]
        case .trait: ["trait", "op", "value"]
        case .rewards: ["rewards", "op", "value"]
        case .event: ["event", "within", "count", "sum"]
        case .affinity: ["affinity", "value", "op", "score"]
        case .prediction: ["prediction", "op", "value"]
        case .consent: ["consent", "is"]
        }
    }
}
