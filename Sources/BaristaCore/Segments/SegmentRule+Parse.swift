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
    case all, any, not, trait, event, affinity, prediction, consent, intent, channel, geo, segment

    var keys: [String] {
        switch self {
        case .all, .any, .not, .intent, .channel, .geo, .segment: [rawValue]
        case .trait: ["trait", "op", "value"]
        case .event: ["event", "within", "count", "sum"]
        case .affinity: ["affinity", "value", "op", "score"]
        case .prediction: ["prediction", "op", "value"]
        case .consent: ["consent", "is"]
        }
    }
}

struct SegmentRuleParser {
    var errors: [FieldError] = []

    mutating func fail(_ pointer: JSONPointer, _ message: String) {
        errors.append(FieldError(field: pointer.description, message: message))
    }

    mutating func node(_ value: JSONValue, at pointer: JSONPointer) -> SegmentRule? {
        guard case .object(let object) = value else {
            fail(pointer, "must be a rule object, not \(value.typeDescription)")
            return nil
        }
        let shapes = RuleShape.allCases.filter { object[$0.rawValue] != nil }
        guard shapes.count == 1, let shape = shapes.first else {
            let names = RuleShape.allCases.map(\.rawValue).joined(separator: ", ")
            fail(pointer, shapes.isEmpty
                ? "matches no rule shape: a rule has exactly one of \(names)"
                : "has the keys of more than one rule shape (\(shapes.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        let before = errors.count
        for key in object.keys.sorted() where !shape.keys.contains(key) {
            fail(pointer.appending(key), "is not a field of a \(shape.rawValue) rule (\(shape.keys.joined(separator: ", ")))")
        }
        let rule: SegmentRule?
        switch shape {
        case .all, .any: rule = group(shape, object[shape.rawValue]!, at: pointer.appending(shape.rawValue))
        case .not: rule = node(object["not"]!, at: pointer.appending("not")).map(SegmentRule.not)
        case .trait: rule = trait(object, at: pointer)
        case .event: rule = event(object, at: pointer)
        case .affinity: rule = affinity(object, at: pointer)
        case .prediction: rule = prediction(object, at: pointer)
        case .consent: rule = consent(object, at: pointer)
        case .intent:
            rule = oneOf(IntentLevel.self, object["intent"]!, at: pointer.appending("intent"), what: "an intent").map(SegmentRule.intent)
        case .channel: rule = string(object["channel"]!, at: pointer.appending("channel")).map(SegmentRule.channel)
        case .geo: rule = geo(object["geo"]!, at: pointer.appending("geo"))
        case .segment:
            let at = pointer.appending("segment")
            guard let key = string(object["segment"]!, at: at) else { return nil }
            guard SegmentDefinition.isValidKey(key) else {
                fail(at, SegmentDefinition.keyRuleMessage)
                return nil
            }
            rule = .segment(key)
        }
        return errors.count == before ? rule : nil
    }

    mutating func group(_ shape: RuleShape, _ value: JSONValue, at pointer: JSONPointer) -> SegmentRule? {
        guard let array = value.arrayValue else {
            fail(pointer, "must be an array of rules, not \(value.typeDescription)")
            return nil
        }
        guard !array.isEmpty else {
            fail(pointer, "must have at least one rule")
            return nil
        }
        var children: [SegmentRule] = []
        for (index, element) in array.enumerated() {
            if let child = node(element, at: pointer.appending(index)) { children.append(child) }
        }
        guard children.count == array.count else { return nil }
        return shape == .all ? .all(children) : .any(children)
    }

    // MARK: Leaves

    mutating func trait(_ object: [String: JSONValue], at pointer: JSONPointer) -> SegmentRule? {
        let pathAt = pointer.appending("trait")
        var path: [String]?
        if let text = string(object["trait"]!, at: pathAt) {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.contains(where: \.isEmpty) {
                fail(pathAt, "must be a trait name or a dotted path such as \"company.industry\", without empty parts")
            } else {
                path = parts
            }
        }
        let opAt = pointer.appending("op")
        guard let opValue = object["op"] else {
            fail(opAt, "is required: one of \(TraitOperator.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        guard let op = oneOf(TraitOperator.self, opValue, at: opAt, what: "an operator") else { return nil }
        let valueAt = pointer.appending("value")
        let value = object["value"]
        switch (op, value) {
        case (.exists, nil): break
        case (.exists, let v?):
            if v.boolValue == nil { fail(valueAt, "must be true or false for exists, not \(v.typeDescription)") }
        case (_, nil):
            fail(valueAt, "is required for \(op.rawValue)")
        case (_, .null?):
            fail(valueAt, "must not be null; use op exists to test for a missing trait")
        case (.gt, let v?), (.gte, let v?), (.lt, let v?), (.lte, let v?):
            if v.doubleValue == nil && v.stringValue == nil {
                fail(valueAt, "must be a number or a string for \(op.rawValue), not \(v.typeDescription)")
            }
        case (.in, let v?):
            if let array = v.arrayValue {
                if array.count > SegmentRule.maxInElements {
                    fail(valueAt, "has \(array.count) elements; at most \(SegmentRule.maxInElements) are allowed")
                }
                for (index, element) in array.enumerated() where element.isNull {
                    fail(valueAt.appending(index), "must not be null")
                }
            } else {
                fail(valueAt, "must be an array for in, not \(v.typeDescription)")
            }
        default: break
        }
        if let value { checkStrings(value, at: valueAt) }
        guard let path else { return nil }
        return .trait(TraitCondition(path: path, op: op, value: value))
    }

    mutating func event(_ object: [String: JSONValue], at pointer: JSONPointer) -> SegmentRule? {
        let name = string(object["event"]!, at: pointer.appending("event"))
        var within: TimeInterval?
        if let value = object["within"] { within = duration(value, at: pointer.appending("within")) }
        var measure = EventMeasure.count
        var comparisons = [NumericComparison(.gte, 1)]
        switch (object["count"], object["sum"]) {
        case (_?, _?):
            fail(pointer.appending("sum"), "cannot be given with count: an event rule has count or sum, not both")
        case (let count?, nil):
            comparisons = numericComparisons(count, at: pointer.appending("count"), extraKeys: [], context: "count") ?? []
        case (nil, let sum?):
            let at = pointer.appending("sum")
            comparisons = numericComparisons(sum, at: at, extraKeys: ["property"], context: "sum") ?? []
            if case .object(let members) = sum {
                if let property = members["property"] {
                    if let name = string(property, at: at.appending("property")) { measure = .sum(property: name) }
                } else {
                    fail(at.appending("property"), "is required: the numeric event property to add up, such as \"revenue\"")
                }
            }
        case (nil, nil): break
        }
        guard let name else { return nil }
        return .event(EventCondition(name: name, within: within, measure: measure, comparisons: comparisons))
    }

    mutating func affinity(_ object: [String: JSONValue], at pointer: JSONPointer) -> SegmentRule? {
        let dimension = oneOf(AffinityDimension.self, object["affinity"]!, at: pointer.appending("affinity"), what: "an affinity dimension")
        var value: String?
        if let v = object["value"] {
            value = string(v, at: pointer.appending("value"))
        } else {
            fail(pointer.appending("value"), "is required: the attribute value, such as \"Nike\"")
        }
        var comparison: NumericComparison?
        switch (object["op"], object["score"]) {
        case (nil, nil): break
        case (_?, nil): fail(pointer.appending("score"), "is required with op: a share from 0 to 1")
        case (nil, _?): fail(pointer.appending("op"), "is required with score: one of \(Self.numericNames)")
        case (let op?, let score?):
            let op = numericOperator(op, at: pointer.appending("op"), leaf: "an affinity")
            var number: Double?
            if let n = score.doubleValue, n >= 0, n <= 1 {
                number = n
            } else {
                fail(pointer.appending("score"), "must be a number from 0 to 1")
            }
            if let op, let number { comparison = NumericComparison(op, number) }
        }
        guard let dimension, let value else { return nil }
        return .affinity(AffinityCondition(dimension: dimension, value: value, comparison: comparison))
    }

    mutating func prediction(_ object: [String: JSONValue], at pointer: JSONPointer) -> SegmentRule? {
        let name = oneOf(PredictionName.self, object["prediction"]!, at: pointer.appending("prediction"), what: "a prediction")
        var op: NumericOperator?
        if let v = object["op"] {
            op = numericOperator(v, at: pointer.appending("op"), leaf: "a prediction")
        } else {
            fail(pointer.appending("op"), "is required: one of \(Self.numericNames)")
        }
        var number: Double?
        if let v = object["value"] {
            number = v.doubleValue
            if number == nil { fail(pointer.appending("value"), "must be a number, not \(v.typeDescription)") }
        } else {
            fail(pointer.appending("value"), "is required: the number to compare the prediction with")
        }
        guard let name, let op, let number else { return nil }
        return .prediction(PredictionCondition(name: name, comparison: NumericComparison(op, number)))
    }

    mutating func consent(_ object: [String: JSONValue], at pointer: JSONPointer) -> SegmentRule? {
        let at = pointer.appending("consent")
        var purpose: String?
        if let p = string(object["consent"]!, at: at) {
            if Consent.purposes.contains(p) {
                purpose = p
            } else {
                fail(at, "is not a consent purpose (\(Consent.purposes.joined(separator: ", ")))")
            }
        }
        var granted: Bool?
        if let v = object["is"] {
            granted = v.boolValue
            if granted == nil { fail(pointer.appending("is"), "must be true or false, not \(v.typeDescription)") }
        } else {
            fail(pointer.appending("is"), "is required: true or false")
        }
        guard let purpose, let granted else { return nil }
        return .consent(purpose: purpose, granted: granted)
    }

    mutating func geo(_ value: JSONValue, at pointer: JSONPointer) -> SegmentRule? {
        guard case .object(let object) = value else {
            fail(pointer, "must be an object with country, region or city, not \(value.typeDescription)")
            return nil
        }
        guard !object.isEmpty else {
            fail(pointer, "must have at least one of country, region, city")
            return nil
        }
        var fields: [GeoField: String] = [:]
        var ok = true
        for key in object.keys.sorted() {
            guard let field = GeoField(rawValue: key) else {
                fail(pointer.appending(key), "is not a geo field (country, region, city)")
                ok = false
                continue
            }
            if let text = string(object[key]!, at: pointer.appending(key)) { fields[field] = text } else { ok = false }
        }
        return ok ? .geo(fields) : nil
    }

    // MARK: Pieces

    static let numericNames = NumericOperator.allCases.map(\.rawValue).joined(separator: ", ")

    /// A non-empty string of at most 8 KiB.
    mutating func string(_ value: JSONValue, at pointer: JSONPointer) -> String? {
        guard let text = value.stringValue else {
            fail(pointer, "must be a string, not \(value.typeDescription)")
            return nil
        }
        guard !text.isEmpty else {
            fail(pointer, "must not be empty")
            return nil
        }
        guard text.utf8.count <= SegmentRule.maxStringBytes else {
            fail(pointer, "is longer than \(SegmentRule.maxStringBytes) bytes")
            return nil
        }
        return text
    }

    /// Reports strings (and member names) over 8 KiB anywhere inside `value`.
    mutating func checkStrings(_ value: JSONValue, at pointer: JSONPointer) {
        switch value {
        case .string(let s) where s.utf8.count > SegmentRule.maxStringBytes:
            fail(pointer, "is longer than \(SegmentRule.maxStringBytes) bytes")
        case .array(let elements):
            for (index, element) in elements.enumerated() { checkStrings(element, at: pointer.appending(index)) }
        case .object(let members):
            for (key, member) in members {
                if key.utf8.count > SegmentRule.maxStringBytes {
                    fail(pointer, "has a member name longer than \(SegmentRule.maxStringBytes) bytes")
                } else {
                    checkStrings(member, at: pointer.appending(key))
                }
            }
        default: break
        }
    }

    mutating func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ value: JSONValue, at pointer: JSONPointer, what: String) -> T?
    where T.RawValue == String {
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text = value.stringValue else {
            fail(pointer, "must be a string, one of \(names); not \(value.typeDescription)")
            return nil
        }
        guard let result = T(rawValue: text) else {
            fail(pointer, "\(Self.quoted(text)) is not \(what) (\(names))")
            return nil
        }
        return result
    }

    mutating func numericOperator(_ value: JSONValue, at pointer: JSONPointer, leaf: String) -> NumericOperator? {
        guard let op = oneOf(TraitOperator.self, value, at: pointer, what: "an operator") else { return nil }
        guard let numeric = NumericOperator(rawValue: op.rawValue) else {
            fail(pointer, "\(op.rawValue) cannot be used with \(leaf); use one of \(Self.numericNames)")
            return nil
        }
        return numeric
    }

    /// `{"gte":2,"lt":5}`: one or more numeric comparisons, all of which must hold.
    mutating func numericComparisons(_ value: JSONValue, at pointer: JSONPointer, extraKeys: [String], context: String) -> [NumericComparison]? {
        guard case .object(let object) = value else {
            fail(pointer, "must be an object such as {\"gte\":2}, not \(value.typeDescription)")
            return nil
        }
        var comparisons: [NumericComparison] = []
        var ok = true
        for key in object.keys.sorted() where !extraKeys.contains(key) {
            let at = pointer.appending(key)
            guard let op = NumericOperator(rawValue: key) else {
                let why = TraitOperator(rawValue: key) != nil ? "cannot be used in \(context)" : "is not a comparison"
                fail(at, "\(why); use one of \(Self.numericNames)\(extraKeys.isEmpty ? "" : " or " + extraKeys.joined(separator: ", "))")
                ok = false
                continue
            }
            guard let number = object[key]!.doubleValue else {
                fail(at, "must be a number, not \(object[key]!.typeDescription)")
                ok = false
                continue
            }
            comparisons.append(NumericComparison(op, number))
        }
        if ok && comparisons.isEmpty {
            fail(pointer, "must have at least one comparison (\(Self.numericNames))")
            return nil
        }
        return ok ? comparisons : nil
    }

    /// A positive `^\d+[smhdw]$` duration, in seconds.
    mutating func duration(_ value: JSONValue, at pointer: JSONPointer) -> TimeInterval? {
        guard let text = value.stringValue, let seconds = DurationText.seconds(text), seconds > 0 else {
            fail(pointer, "must be a positive duration such as \"90s\", \"15m\", \"1h\", \"30d\" or \"2w\"")
            return nil
        }
        guard seconds <= SegmentRule.maxWindow else {
            fail(pointer, "must be at most 5200w (100 years)")
            return nil
        }
        return seconds
    }

    /// `text` in quotes, shortened so an error message never echoes 8 KiB back.
    static func quoted(_ text: String) -> String {
        "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
    }
}
