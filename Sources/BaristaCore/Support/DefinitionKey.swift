/// The keys the API names definitions by (segments, quizzes, their questions and answers).
public enum DefinitionKey {
    /// The rule, in words, for error messages.
    public static let rule =
        "must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$: 1–128 letters, digits, '_', '.' or '-', starting with a letter or digit"

    /// Whether `key` is 1–128 characters of `[A-Za-z0-9_.-]`, starting with a letter or digit.
    public static func isValid(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard (1...128).contains(bytes.count) else { return false }
        func alphanumeric(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        guard alphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    /// Reads a definition body's `key` (required unless the path names it, and then equal to it)
    /// and its `name` (1–256 characters; the key when absent), reporting problems at `/key` and `/name`.
    static func keyAndName(
        of object: [String: JSONValue], pathKey: String?, fail: (String, String) -> Void
    ) -> (key: String, name: String) {
        var key = pathKey ?? ""
        if let given = object["key"] {
            if let text = given.stringValue, isValid(text) {
                if let pathKey, text != pathKey { fail("/key", "must equal the key in the path (\(pathKey))") } else { key = text }
            } else {
                fail("/key", rule)
            }
        } else if pathKey == nil {
            fail("/key", "is required: " + rule)
        }
        var name = key
        if let value = object["name"] {
            if let text = value.stringValue, (1...256).contains(text.count) { name = text } else { fail("/name", "must be a string of 1 to 256 characters") }
        }
        return (key, name)
    }
}
