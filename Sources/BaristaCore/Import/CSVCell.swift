/// How the text of a CSV cell becomes a JSON value.
public enum CSVCell {
    /// The cell as a number when it is written as a JSON number (`12`, `-3.5`, `1e3`), else nil.
    ///
    /// The JSON grammar is used on purpose: `007`, `+1`, `1,5`, `0x1F`, `inf` and `NaN` stay
    /// strings, so codes and zip codes keep their leading zeros.
    public static func number(_ text: String) -> Double? {
        var utf8 = text.utf8[...]
        guard !utf8.isEmpty else { return nil }
        func digits() -> Int {
            let count = utf8.prefix(while: { $0 >= 48 && $0 <= 57 }).count
            utf8 = utf8.dropFirst(count)
            return count
        }
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        if utf8.first == UInt8(ascii: "0") {
            utf8 = utf8.dropFirst()
        } else if digits() == 0 {
            return nil
        }
        if utf8.first == UInt8(ascii: ".") {
            utf8 = utf8.dropFirst()
            guard digits() > 0 else { return nil }
        }
        if utf8.first == UInt8(ascii: "e") || utf8.first == UInt8(ascii: "E") {
            utf8 = utf8.dropFirst()
            if utf8.first == UInt8(ascii: "+") || utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard utf8.isEmpty, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The cell as the JSON value it most plausibly stands for: a number written as a JSON
    /// number, `true`/`false` as Booleans, a cell that starts with `[` or `{` and parses as JSON
    /// as that array or object (so `properties.products` can be given in one cell), anything
    /// else as a string.
    public static func inferred(_ text: String) -> JSONValue {
        if let number = number(text) { return .number(number) }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        if let first = text.utf8.first, first == UInt8(ascii: "[") || first == UInt8(ascii: "{"),
            let parsed = try? JSON.parse(Array(text.utf8))
        {
            return parsed
        }
        return .string(text)
    }

    /// A timestamp cell: Unix seconds stay a number, anything else (RFC 3339) a string.
    public static func timestamp(_ text: String) -> JSONValue {
        if let seconds = number(text) { return .number(seconds) }
        return .string(text)
    }

    /// A Boolean cell: `true`/`false`, `1`/`0`, `yes`/`no` in any case.
    public static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "y": true
        case "false", "0", "no", "n": false
        default: nil
        }
    }
}
