extension JSON {
    /// Writes a value as compact JSON text, UTF-8 encoded.
    ///
    /// The output has no whitespace. Strings escape only `"`, `\` and control characters
    /// (`/` and non-ASCII characters are written as they are). Integral numbers up to 2⁵³ in
    /// magnitude are written without a fraction ("3", not "3.0"); other numbers use the shortest
    /// text that reads back as the same `Double`; infinities and NaN, which JSON cannot hold,
    /// are written as `null`.
    ///
    /// - Parameters:
    ///   - value: The value to write.
    ///   - sortedKeys: Whether to write object members in key order, for stable output.
    /// - Returns: The JSON text as UTF-8 bytes.
    public static func serialize(_ value: JSONValue, sortedKeys: Bool = false) -> [UInt8] {
        var writer = JSONWriter(sortedKeys: sortedKeys)
        writer.write(value)
        return writer.output
    }

    /// Writes a value as compact JSON text.
    ///
    /// The text is the one ``serialize(_:sortedKeys:)`` encodes.
    ///
    /// - Parameters:
    ///   - value: The value to write.
    ///   - sortedKeys: Whether to write object members in key order, for stable output.
    /// - Returns: The JSON text.
    public static func string(_ value: JSONValue, sortedKeys: Bool = false) -> String {
        String(decoding: serialize(value, sortedKeys: sortedKeys), as: UTF8.self)
    }
}

/// Appends the JSON text of values to a byte array.
struct JSONWriter {
    private(set) var output: [UInt8] = []
    let sortedKeys: Bool

    init(sortedKeys: Bool) {
        self.sortedKeys = sortedKeys
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let bool):
            output.append(contentsOf: bool ? "true".utf8 : "false".utf8)
        case .number(let number):
            write(number)
        case .string(let string):
            write(string)
        case .array(let elements):
            output.append(JSONByte.openBracket)
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(JSONByte.comma) }
                write(element)
            }
            output.append(JSONByte.closeBracket)
        case .object(let members):
            output.append(JSONByte.openBrace)
            if sortedKeys {
                write(members: members.sorted { $0.key < $1.key })
            } else {
                write(members: members)
            }
            output.append(JSONByte.closeBrace)
        }
    }

    private mutating func write(members: some Sequence<(key: String, value: JSONValue)>) {
        var first = true
        for (key, value) in members {
            if !first { output.append(JSONByte.comma) }
            first = false
            write(key)
            output.append(JSONByte.colon)
            write(value)
        }
    }

    private mutating func write(_ number: Double) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        // Up to 2⁵³ every integer is exact; `description` would write 2⁵³ itself with a ".0".
        guard number.magnitude <= 9_007_199_254_740_992, Double(Int64(number)) == number else {
            output.append(contentsOf: number.description.utf8)
            return
        }
        if number.sign == .minus { output.append(JSONByte.minus) }
        // Digits least significant first, then reversed in place.
        var integer = Int64(number).magnitude
        let firstDigit = output.count
        repeat {
            output.append(JSONByte.zero + UInt8(integer % 10))
            integer /= 10
        } while integer > 0
        output[firstDigit...].reverse()
    }

    private mutating func write(_ string: String) {
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { writeQuoted($0) }
        if written == nil {
            var string = string
            string.withUTF8 { writeQuoted($0) }
        }
    }

    private mutating func writeQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        output.append(JSONByte.quote)
        var runStart = 0
        for i in utf8.indices {
            let byte = utf8[i]
            guard byte < 0x20 || byte == JSONByte.quote || byte == JSONByte.backslash else { continue }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
            appendEscape(for: byte)
            runStart = i + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        output.append(JSONByte.quote)
    }

    private mutating func appendEscape(for byte: UInt8) {
        output.append(JSONByte.backslash)
        switch byte {
        case JSONByte.quote, JSONByte.backslash: output.append(byte)
        case JSONByte.newline: output.append(UInt8(ascii: "n"))
        case JSONByte.tab: output.append(UInt8(ascii: "t"))
        case JSONByte.carriageReturn: output.append(UInt8(ascii: "r"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            output.append(contentsOf: "u00".utf8)
            output.append(hexDigits.utf8Start[Int(byte >> 4)])
            output.append(hexDigits.utf8Start[Int(byte & 0x0F)])
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The value as compact JSON text, as ``JSON/string(_:sortedKeys:)`` writes it.
    public var description: String { JSON.string(self) }
}

extension JSONValue: Codable {
    /// Decodes whatever JSON value the decoder holds: an object, an array, or a single value.
    ///
    /// This lets a `JSONValue` sit inside a `Codable` type as free-form data.
    ///
    /// - Parameter decoder: The decoder to read from.
    /// - Throws: `DecodingError.dataCorrupted` when the data is none of the JSON kinds, or
    ///   whatever a nested decode throws.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: MemberKey.self) {
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(container.allKeys.count)
            for key in container.allKeys {
                members[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
            self = .object(members)
        } else if var container = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            elements.reserveCapacity(container.count ?? 0)
            while !container.isAtEnd {
                elements.append(try container.decode(JSONValue.self))
            }
            self = .array(elements)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let bool = try? container.decode(Bool.self) {
                self = .bool(bool)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let string = try? container.decode(String.self) {
                self = .string(string)
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value.")
            }
        }
    }

    /// Encodes the value with the container that matches its kind.
    ///
    /// - Parameter encoder: The encoder to write to.
    /// - Throws: Whatever the encoder throws, for example for a non-finite number.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let bool):
            var container = encoder.singleValueContainer()
            try container.encode(bool)
        case .number(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (key, value) in members { try container.encode(value, forKey: MemberKey(stringValue: key)) }
        }
    }

    /// Any member name, as a coding key.
    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// Writing an object member by member, for types that encode themselves without building a
/// ``JSONValue`` first (``Event/storedText`` on the ingestion path).
struct JSONObjectWriter {
    private var writer = JSONWriter(sortedKeys: false)
    private var empty = true

    init() { writer.writeRaw(JSONByte.openBrace) }

    /// Writes `"key":value`.
    mutating func member(_ key: String, _ value: JSONValue) {
        writer.writeRaw(empty ? nil : JSONByte.comma)
        empty = false
        writer.write(.string(key))
        writer.writeRaw(JSONByte.colon)
        writer.write(value)
    }

    /// Writes `"key":"text"` without wrapping the text in a value first.
    mutating func member(_ key: String, string: String) {
        member(key, .string(string))
    }

    /// The finished object's text.
    mutating func finish() -> String {
        writer.writeRaw(JSONByte.closeBrace)
        return String(decoding: writer.output, as: UTF8.self)
    }
}

extension JSONWriter {
    mutating func writeRaw(_ byte: UInt8?) {
        if let byte { output.append(byte) }
    }

    mutating func writeRaw(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    mutating func writeRaw(_ bytes: [UInt8]) {
        output.append(contentsOf: bytes)
    }

    mutating func reserve(_ capacity: Int) {
        output.reserveCapacity(capacity)
    }
}
