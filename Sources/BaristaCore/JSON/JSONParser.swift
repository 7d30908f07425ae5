/// Strict, fast reading and writing of JSON text (RFC 8259, UTF-8), without Foundation.
///
/// `JSON` is a namespace. The `parse` overloads turn bytes or text into a ``JSONValue``;
/// ``serialize(_:sortedKeys:)`` and ``string(_:sortedKeys:)`` turn a value back into compact text.
///
/// The parser accepts exactly RFC 8259: no comments, trailing commas, `NaN`, leading zeros,
/// unescaped control characters, lone surrogates or invalid UTF-8. When an object repeats a
/// member name, the last value wins.
public enum JSON {
    /// Parses one JSON document from UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - bytes: The whole document, UTF-8 encoded. Whitespace may surround the value.
    ///   - maxDepth: How many arrays and objects may nest inside one another. Deeper documents
    ///     are rejected, so hostile input cannot exhaust the stack.
    /// - Returns: The document's value.
    /// - Throws: ``JSONParseError`` naming the byte offset of the first problem.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in
            try JSONParser.parse(buffer, maxDepth: maxDepth)
        }
    }

    /// Parses one JSON document from UTF-8 bytes in memory the caller owns.
    ///
    /// - Parameters:
    ///   - bytes: The whole document, UTF-8 encoded, valid for the duration of the call.
    ///   - maxDepth: How many arrays and objects may nest inside one another.
    /// - Returns: The document's value.
    /// - Throws: ``JSONParseError`` naming the byte offset of the first problem.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try bytes.withMemoryRebound(to: UInt8.self) { (buffer) throws(JSONParseError) in
            try JSONParser.parse(buffer, maxDepth: maxDepth)
        }
    }

    /// Parses one JSON document from any collection of UTF-8 bytes (`ArraySlice`, `Data`, a
    /// NIO `ByteBuffer`'s `readableBytesView`, …).
    ///
    /// Contiguous collections are read in place; others are copied into an array first.
    ///
    /// - Parameters:
    ///   - bytes: The whole document, UTF-8 encoded.
    ///   - maxDepth: How many arrays and objects may nest inside one another.
    /// - Returns: The document's value.
    /// - Throws: ``JSONParseError`` naming the byte offset of the first problem.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(buffer, maxDepth: maxDepth) }
        }
        if let result { return try result.get() }
        return try parse(Array(bytes), maxDepth: maxDepth)
    }

    /// Parses one JSON document from text.
    ///
    /// - Parameters:
    ///   - string: The whole document. Offsets in errors count its UTF-8 bytes.
    ///   - maxDepth: How many arrays and objects may nest inside one another.
    /// - Returns: The document's value.
    /// - Throws: ``JSONParseError`` naming the byte offset of the first problem.
    public static func parse(_ string: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var string = string
        return try string.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(buffer, maxDepth: maxDepth) }
        }.get()
    }
}

/// Why a document is not acceptable JSON, and where.
///
/// `offset` counts bytes from the start of the input; `message` says what is wrong there
/// ("unterminated string", "unexpected character 'x'", …). ``description`` joins them:
/// "unexpected character 'x' at byte 17".
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset of the problem from the start of the input.
    public var offset: Int

    /// What is wrong, in words, without the offset.
    public var message: String

    /// Creates an error at a byte offset.
    ///
    /// - Parameters:
    ///   - offset: The byte offset of the problem.
    ///   - message: What is wrong, in words.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// The message followed by the offset: "unterminated string at byte 4".
    public var description: String { "\(message) at byte \(offset)" }
}

extension JSONParseError {
    static func unexpected(_ byte: UInt8, at offset: Int, expecting expected: String? = nil) -> JSONParseError {
        let found = byte > 0x20 && byte < 0x7F ? "character '\(Character(Unicode.Scalar(byte)))'" : "byte \(hex(byte))"
        return JSONParseError(offset: offset, message: "unexpected \(found)" + (expected.map { ", expected \($0)" } ?? ""))
    }

    static func unexpectedEnd(at offset: Int, expecting expected: String) -> JSONParseError {
        JSONParseError(offset: offset, message: "unexpected end of input, expected \(expected)")
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (byte < 0x10 ? "0" : "") + digits
    }
}

/// The byte values the parser and writer look for.
enum JSONByte {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let period: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let openBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
}

/// A recursive-descent parser over a byte buffer; one instance reads one document.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0
    /// Reused to assemble strings that contain escapes.
    private var scratch: [UInt8] = []
    /// The members of the objects being read, innermost last, so that each dictionary is allocated
    /// once at its final capacity instead of growing and rehashing.
    private var pendingMembers: [(key: String, value: JSONValue)] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses the whole buffer as one document.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        guard parser.index < bytes.count else {
            throw JSONParseError(offset: parser.index, message: "empty input")
        }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw JSONParseError(offset: parser.index, message: "trailing characters after the JSON value")
        }
        return value
    }

    // MARK: Structure

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == JSONByte.space || byte == JSONByte.newline || byte == JSONByte.tab
                || byte == JSONByte.carriageReturn
            else { return }
            index += 1
        }
    }

    /// Parses the value at `index`, which is not whitespace; `depth` counts the enclosing containers.
    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw .unexpectedEnd(at: index, expecting: "a value") }
        switch bytes[index] {
        case JSONByte.quote: return .string(try parseString())
        case JSONByte.openBrace: return try parseObject(depth: depth + 1)
        case JSONByte.openBracket: return try parseArray(depth: depth + 1)
        case JSONByte.minus, JSONByte.zero...JSONByte.nine: return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case let byte: throw .unexpected(byte, at: index, expecting: "a value")
        }
    }

    private mutating func parseLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: length)
        guard bytes.count - index >= length, bytes[index..<(index + length)].elementsEqual(expected) else {
            throw JSONParseError(offset: index, message: "invalid literal, expected '\(literal)'")
        }
        index += length
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONParseError(offset: index, message: "nesting deeper than \(maxDepth)") }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == JSONByte.closeBracket {
            index += 1
            return .array([])
        }
        var elements: [JSONValue] = []
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd(at: index, expecting: "',' or ']'") }
            switch bytes[index] {
            case JSONByte.comma:
                try skipComma(before: JSONByte.closeBracket)
            case JSONByte.closeBracket:
                index += 1
                return .array(elements)
            case let byte:
                throw .unexpected(byte, at: index, expecting: "',' or ']'")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONParseError(offset: index, message: "nesting deeper than \(maxDepth)") }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == JSONByte.closeBrace {
            index += 1
            return .object([:])
        }
        let first = pendingMembers.count
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd(at: index, expecting: "a member name") }
            guard bytes[index] == JSONByte.quote else {
                throw .unexpected(bytes[index], at: index, expecting: "'\"' to begin a member name")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd(at: index, expecting: "':'") }
            guard bytes[index] == JSONByte.colon else { throw .unexpected(bytes[index], at: index, expecting: "':'") }
            index += 1
            skipWhitespace()
            pendingMembers.append((key, try parseValue(depth: depth)))
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd(at: index, expecting: "',' or '}'") }
            switch bytes[index] {
            case JSONByte.comma:
                try skipComma(before: JSONByte.closeBrace)
            case JSONByte.closeBrace:
                index += 1
                return .object(takeMembers(from: first))
            case let byte:
                throw .unexpected(byte, at: index, expecting: "',' or '}'")
            }
        }
    }

    /// Moves the members pending from `first` on into a dictionary; a repeated name keeps its last value.
    private mutating func takeMembers(from first: Int) -> [String: JSONValue] {
        var members = [String: JSONValue](minimumCapacity: pendingMembers.count - first)
        // Last member first, moved rather than copied; an earlier duplicate must not replace it.
        while pendingMembers.count > first {
            let (key, value) = pendingMembers.removeLast()
            if let later = members.updateValue(value, forKey: key) {
                members[key] = later
            }
        }
        return members
    }

    /// Steps over the comma at `index`, rejecting it when `closer` follows (a trailing comma).
    private mutating func skipComma(before closer: UInt8) throws(JSONParseError) {
        let comma = index
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == closer {
            throw JSONParseError(offset: comma, message: "trailing comma")
        }
    }
}

// MARK: Strings

extension JSONParser {
    /// Parses the string whose opening quote is at `index`.
    private mutating func parseString() throws(JSONParseError) -> String {
        let bytes = self.bytes
        let open = index
        var i = open + 1
        while true {
            i = try endOfPlainText(from: i)
            guard i < bytes.count else { throw JSONParseError(offset: open, message: "unterminated string") }
            let byte = bytes[i]
            if byte == JSONByte.quote {
                index = i + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<i]), as: UTF8.self)
            } else if byte == JSONByte.backslash {
                return try parseEscapedString(open: open, firstEscape: i)
            } else {
                throw JSONParseError.controlCharacter(byte, at: i)
            }
        }
    }

    /// The slow path of ``parseString()``: assembles the string in `scratch`, decoding escapes.
    private mutating func parseEscapedString(open: Int, firstEscape: Int) throws(JSONParseError) -> String {
        let bytes = self.bytes
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<firstEscape]))
        var i = firstEscape
        while true {
            let byte = bytes[i]
            if byte == JSONByte.quote {
                index = i + 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == JSONByte.backslash {
                i = try decodeEscape(at: i, open: open)
            } else {
                throw JSONParseError.controlCharacter(byte, at: i)
            }
            let runStart = i
            i = try endOfPlainText(from: i)
            guard i < bytes.count else { throw JSONParseError(offset: open, message: "unterminated string") }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
        }
    }

    /// Steps over string content that needs no decoding, checking its UTF-8 on the way.
    ///
    /// - Returns: The index of the next quote, backslash or control character, or the end of input.
    private func endOfPlainText(from start: Int) throws(JSONParseError) -> Int {
        var i = start
        while true {
            i = endOfPlainASCII(from: i)
            guard i < bytes.count, bytes[i] >= 0x80 else { return i }
            i = try endOfUTF8Sequence(at: i)
        }
    }

    /// The index of the first byte from `start` on that is a quote, a backslash, a control character
    /// or not ASCII, or the end of input. Reads eight bytes at a time.
    @inline(__always)
    private func endOfPlainASCII(from start: Int) -> Int {
        var i = start
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while bytes.count - i >= 8 {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let flags = Self.specialByteFlags(word)
                if flags == 0 {
                    i += 8
                    continue
                }
                i += flags.trailingZeroBitCount >> 3
                if Self.isSpecial(bytes[i]) { return i }
                i += 1  // cannot happen for the lowest flag (see `specialByteFlags`), but stay exact if it did
            }
        }
        while i < bytes.count, !Self.isSpecial(bytes[i]) { i += 1 }
        return i
    }

    @inline(__always)
    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == JSONByte.quote || byte == JSONByte.backslash || byte < 0x20 || byte >= 0x80
    }

    /// Sets the high bit of every byte of `word` (read little-endian) that ``isSpecial(_:)``.
    ///
    /// The usual SWAR tests for a zero or small byte: the lowest flagged byte is always special;
    /// bytes above it may be flagged spuriously by a borrow.
    @inline(__always)
    private static func specialByteFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* UInt64(JSONByte.quote))
        let backslashes = word ^ (ones &* UInt64(JSONByte.backslash))
        let isQuote = (quotes &- ones) & ~quotes
        let isBackslash = (backslashes &- ones) & ~backslashes
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl | word) & (ones &* 0x80)
    }

    /// Appends the character of the escape at `i` to `scratch`; returns the index after it.
    private mutating func decodeEscape(at i: Int, open: Int) throws(JSONParseError) -> Int {
        guard i + 1 < bytes.count else { throw JSONParseError(offset: open, message: "unterminated string") }
        let decoded: UInt8
        switch bytes[i + 1] {
        case JSONByte.quote, JSONByte.backslash, JSONByte.slash: decoded = bytes[i + 1]
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = JSONByte.newline
        case UInt8(ascii: "r"): decoded = JSONByte.carriageReturn
        case UInt8(ascii: "t"): decoded = JSONByte.tab
        case UInt8(ascii: "u"): return try decodeUnicodeEscape(at: i)
        case let byte:
            let shown = byte > 0x20 && byte < 0x7F ? "'\\\(Character(Unicode.Scalar(byte)))'" : JSONParseError.hex(byte)
            throw JSONParseError(offset: i, message: "invalid escape \(shown)")
        }
        scratch.append(decoded)
        return i + 2
    }

    /// Decodes `\uXXXX` at `i`, joining a surrogate pair written as two escapes.
    private mutating func decodeUnicodeEscape(at i: Int) throws(JSONParseError) -> Int {
        guard let unit = hexQuad(at: i + 2) else { throw JSONParseError(offset: i, message: "invalid \\u escape") }
        var scalar = UInt32(unit)
        var next = i + 6
        switch unit {
        case 0xD800...0xDBFF:
            guard next + 1 < bytes.count, bytes[next] == JSONByte.backslash, bytes[next + 1] == UInt8(ascii: "u"),
                let low = hexQuad(at: next + 2), (0xDC00...0xDFFF).contains(low)
            else { throw JSONParseError(offset: i, message: "unpaired surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            next += 6
        case 0xDC00...0xDFFF:
            throw JSONParseError(offset: i, message: "unpaired surrogate in \\u escape")
        default:
            break
        }
        // Not a surrogate, so always a valid scalar.
        scratch.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar).unsafelyUnwrapped).unsafelyUnwrapped)
        return next
    }

    /// The four hex digits at `i` as a UTF-16 code unit, or `nil` when they are not four hex digits.
    private func hexQuad(at i: Int) -> UInt16? {
        guard bytes.count - i >= 4 else { return nil }
        var unit: UInt16 = 0
        for byte in bytes[i..<(i + 4)] {
            let digit: UInt8
            switch byte {
            case JSONByte.zero...JSONByte.nine: digit = byte &- JSONByte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// The index after the well-formed UTF-8 sequence of two to four bytes starting at `i`.
    ///
    /// Follows Unicode's table of well-formed sequences: no overlong forms, no surrogates,
    /// nothing above U+10FFFF.
    private func endOfUTF8Sequence(at i: Int) throws(JSONParseError) -> Int {
        let lead = bytes[i]
        let length: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondHigh = 0x9F
        case 0xF0: length = 4; secondLow = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondHigh = 0x8F
        default: throw JSONParseError(offset: i, message: "invalid UTF-8")
        }
        guard bytes.count - i >= length, (secondLow...secondHigh).contains(bytes[i + 1]) else {
            throw JSONParseError(offset: i, message: "invalid UTF-8")
        }
        for j in (i + 2)..<(i + length) where bytes[j] & 0xC0 != 0x80 {
            throw JSONParseError(offset: i, message: "invalid UTF-8")
        }
        return i + length
    }
}

extension JSONParseError {
    static func controlCharacter(_ byte: UInt8, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, message: "unescaped control character \(hex(byte)) in string")
    }
}

// MARK: Numbers

extension JSONParser {
    /// Parses the number at `index` after checking it against RFC 8259's grammar.
    ///
    /// Up to 19 significant digits with a power of ten within ±22 take Clinger's fast path (one
    /// correctly rounded multiplication or division of exact values); anything else goes to the
    /// standard library's correctly rounded `Double(_:)`.
    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var i = index
        let negative = bytes[i] == JSONByte.minus
        if negative { i += 1 }

        var significand: UInt64 = 0
        var significantDigits = 0
        var exact = true
        @inline(__always) func accumulate(_ byte: UInt8) {
            guard significantDigits < 19 else { exact = false; return }
            significand = significand &* 10 &+ UInt64(byte &- JSONByte.zero)
            if significand != 0 { significantDigits += 1 }
        }

        guard i < bytes.count else { throw .unexpectedEnd(at: i, expecting: "a digit") }
        switch bytes[i] {
        case JSONByte.zero:
            i += 1
            if i < bytes.count, isDigit(bytes[i]) {
                throw JSONParseError(offset: start, message: "leading zeros are not allowed")
            }
        case JSONByte.zero...JSONByte.nine:
            while i < bytes.count, isDigit(bytes[i]) {
                accumulate(bytes[i])
                i += 1
            }
        case let byte:
            throw .unexpected(byte, at: i, expecting: "a digit")
        }

        var fractionDigits = 0
        if i < bytes.count, bytes[i] == JSONByte.period {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw expectedDigit(at: i, after: "'.'") }
            while i < bytes.count, isDigit(bytes[i]) {
                accumulate(bytes[i])
                fractionDigits += 1
                i += 1
            }
        }

        var exponent = 0
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == JSONByte.minus || bytes[i] == JSONByte.plus {
                exponentNegative = bytes[i] == JSONByte.minus
                i += 1
            }
            guard i < bytes.count, isDigit(bytes[i]) else { throw expectedDigit(at: i, after: "the exponent marker") }
            while i < bytes.count, isDigit(bytes[i]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] &- JSONByte.zero) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        index = i

        if exact, significand <= 1 << 53 {
            let powerOfTen = exponent - fractionDigits
            let magnitude: Double? =
                if significand == 0 { 0 }
                else if powerOfTen == 0 { Double(significand) }
                else if (1...22).contains(powerOfTen) { Double(significand) * exactPowersOfTen[powerOfTen] }
                else if (-22 ... -1).contains(powerOfTen) { Double(significand) / exactPowersOfTen[-powerOfTen] }
                else { nil }
            if let magnitude { return negative ? -magnitude : magnitude }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(offset: start, message: "number out of range")
        }
        return value
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- JSONByte.zero < 10 }

    private func expectedDigit(at i: Int, after what: String) -> JSONParseError {
        guard i < bytes.count else { return .unexpectedEnd(at: i, expecting: "a digit after \(what)") }
        return .unexpected(bytes[i], at: i, expecting: "a digit after \(what)")
    }
}

/// 10⁰ through 10²², every power of ten that a `Double` holds exactly.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]
