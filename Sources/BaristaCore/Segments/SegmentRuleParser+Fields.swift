import Foundation

/// The small field readers the parser's leaves share.
extension SegmentRuleParser {
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
            fail(pointer, "\"\(op.rawValue)\" cannot be used with \(leaf); use one of \(Self.numericNames)")
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
