import Foundation

/// Parses rule nodes, collecting every error with its JSON Pointer; ``SegmentRule/parse(_:at:)`` drives it.
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
        case .rewards: rule = rewards(object, at: pointer)
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

    /// `{"rewards":"balance"|"tier"|"points_to_next","op","value"}`: compared as a trait is.
    mutating func rewards(_ object: [String: JSONValue], at pointer: JSONPointer) -> SegmentRule? {
        guard let field = oneOf(RewardsField.self, object["rewards"]!, at: pointer.appending("rewards"), what: "a rewards field") else { return nil }
        var asTrait = object
        asTrait["rewards"] = nil
        asTrait["trait"] = .string(field.rawValue)
        guard case .trait(let comparison)? = trait(asTrait, at: pointer) else { return nil }
        return .rewards(RewardsCondition(field: field, comparison: comparison))
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
}
