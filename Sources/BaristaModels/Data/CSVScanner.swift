/// Splits CSV bytes into records and fields by hand, without a `String` per field.
///
/// Fields are byte ranges of the buffer; callers turn only the fields they need into strings or
/// numbers. Handles quoted fields (`"a,b"`, `""` for a quote, line breaks inside quotes), LF,
/// CRLF and CR line ends, a UTF-8 byte order mark, and skips blank lines.
struct CSVScanner {
    /// One field: `bytes[start..<end]`, without its quotes; `escaped` when it holds `""`.
    struct Field {
        var start: Int
        var end: Int
        var escaped: Bool
        var isEmpty: Bool { start == end }
    }

    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var line = 1
    /// The fields of the record ``nextRecord()`` returned last.
    private(set) var fields: [Field] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        fields.reserveCapacity(8)
    }

    /// Reads the next non-blank record into ``fields``; returns its line number, or nil at the end.
    mutating func nextRecord() -> Int? {
        while position < bytes.count, bytes[position] == Self.lf || bytes[position] == Self.cr {
            skipLineEnd()
        }
        guard position < bytes.count else { return nil }
        let recordLine = line
        fields.removeAll(keepingCapacity: true)
        while true {
            fields.append(scanField())
            guard position < bytes.count, bytes[position] == Self.comma else { break }
            position += 1
        }
        if position < bytes.count { skipLineEnd() }
        return recordLine
    }

    private mutating func skipLineEnd() {
        if bytes[position] == Self.cr, position + 1 < bytes.count, bytes[position + 1] == Self.lf { position += 1 }
        position += 1
        line += 1
    }

    private mutating func scanField() -> Field {
        let count = bytes.count
        guard position < count, bytes[position] == Self.quote else {
            let start = position
            while position < count {
                let byte = bytes[position]
                if byte == Self.comma || byte == Self.lf || byte == Self.cr { break }
                position += 1
            }
            return Field(start: start, end: position, escaped: false)
        }
        position += 1
        let start = position
        var escaped = false
        while position < count {
            let byte = bytes[position]
            if byte == Self.quote {
                guard position + 1 < count, bytes[position + 1] == Self.quote else { break }
                escaped = true
                position += 1
            } else if byte == Self.lf {
                line += 1
            }
            position += 1
        }
        let end = position
        // Past the closing quote; anything before the next separator is dropped.
        while position < count, bytes[position] != Self.comma, bytes[position] != Self.lf, bytes[position] != Self.cr {
            position += 1
        }
        return Field(start: start, end: min(end, count), escaped: escaped)
    }

    /// The text of a field, quotes unescaped.
    func string(_ field: Field) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), as: UTF8.self)
        return field.escaped ? text.replacing("\"\"", with: "\"") : text
    }

    /// Whether two fields hold the same text.
    func sameText(_ a: Field, _ b: Field) -> Bool {
        guard !a.escaped, !b.escaped else { return string(a) == string(b) }
        guard a.end - a.start == b.end - b.start else { return false }
        var i = a.start, j = b.start
        while i < a.end {
            if bytes[i] != bytes[j] { return false }
            i += 1
            j += 1
        }
        return true
    }

    /// The field as a finite number (surrounding spaces allowed), or nil.
    func number(_ field: Field) -> Double? {
        var start = field.start, end = field.end
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return nil }
        // Fast path: up to 15 digits, exact in a Double.
        if end - start <= 15 {
            var value = 0
            var index = start
            while index < end, bytes[index] &- 0x30 < 10 {
                value = value &* 10 &+ Int(bytes[index] &- 0x30)
                index += 1
            }
            if index == end { return Double(value) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
