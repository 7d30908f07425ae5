/// One problem with one field of a request, located by a JSON Pointer (RFC 6901).
public struct FieldError: Sendable, Hashable, Error {
    /// A JSON Pointer into the request body, e.g. `/batch/3/properties`.
    public var field: String
    /// What is wrong, in words a developer can act on.
    public var message: String

    /// A problem `message` with the value at JSON Pointer `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Builds JSON Pointers, escaping `~` and `/` in member names as RFC 6901 requires.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The pointer as text (`/batch/3/properties`); empty for the whole document.
    public private(set) var description: String

    /// A pointer from its text; the default, `""`, names the whole document.
    public init(_ description: String = "") { self.description = description }

    /// The pointer to member `key` of the value this pointer names.
    public func appending(_ key: String) -> JSONPointer {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else {
            return JSONPointer(description + "/" + key)
        }
        var escaped = ""
        for character in key {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(character)
            }
        }
        return JSONPointer(description + "/" + escaped)
    }

    /// The pointer to element `index` of the array this pointer names.
    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(description + "/" + String(index))
    }
}

/// Everything wrong with one value, as a typed error for `Result`.
public struct ValidationErrors: Error, Sendable, Hashable {
    /// Every problem found, each located by a JSON Pointer.
    public var errors: [FieldError]
    /// Wraps the problems found in one value.
    public init(_ errors: [FieldError]) { self.errors = errors }
}
