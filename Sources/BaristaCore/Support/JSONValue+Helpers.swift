extension JSONValue {
    /// The value as an id: a string as is, an integral number without its fraction (`17850`, not `17850.0`).
    public var idString: String? {
        switch self {
        case .string(let s): return s.isEmpty ? nil : s
        case .number(let n) where n.rounded() == n && abs(n) < 1e15: return String(Int64(n))
        default: return nil
        }
    }

    /// Merges `other` into this object member by member, recursing into nested objects;
    /// a `null` in `other` removes the member. Non-objects are replaced.
    public func deepMerging(_ other: JSONValue) -> JSONValue {
        guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
        for (key, value) in theirs {
            if value.isNull {
                mine[key] = nil
            } else if let existing = mine[key], case .object = existing, case .object = value {
                mine[key] = existing.deepMerging(value)
            } else {
                mine[key] = value
            }
        }
        return .object(mine)
    }

    /// The member at a dotted path (`address.country`).
    public func value(atPath path: String) -> JSONValue? {
        var current: JSONValue? = self
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }
}
