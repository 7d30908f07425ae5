/// One row of a CSV file, split into fields.
public struct CSVRow: Sendable, Hashable {
    /// The 1-based line where the row starts.
    public var line: Int
    /// The fields, unquoted.
    public var fields: [String]
    /// What is wrong with the row's quoting, if anything.
    public var problem: String?

    /// A row starting at `line`.
    public init(line: Int, fields: [String], problem: String? = nil) {
        self.line = line
        self.fields = fields
        self.problem = problem
    }
}

/// Splits a CSV byte stream into rows, as RFC 4180 describes: fields separated by commas,
/// rows by CRLF or LF, fields optionally in double quotes, inside which commas, line breaks and
/// doubled quotes (`""`) stand for themselves.
///
/// Lenient where being strict helps nobody: a quote inside an unquoted field is kept as a
/// character, and a lone CR ends a row. A character after a closing quote (`"ab"c`) makes the row
/// bad (reported through ``CSVRow/problem``, the text kept), and so does a quoted field still open
/// at the end of the input. Blank lines are skipped. A UTF-8 byte order mark at the start is dropped.
///
/// Rows are parsed straight from the read buffer; a row cut by the end of a chunk is parsed
/// again once the next chunk has been appended, so memory stays at about one chunk.
public struct CSVTokenizer {
    private var source: any ByteChunkSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false
    private var started = false
    /// The line at `position`.
    private var line = 1

    /// Reads rows from `source`.
    public init(source: any ByteChunkSource) {
        self.source = source
    }

    /// The next non-blank row, or nil at the end of the input.
    ///
    /// - Throws: what the source throws.
    public mutating func nextRow() throws -> CSVRow? {
        while true {
            let ended = self.ended, start = position
            let outcome = buffer.withUnsafeBufferPointer { Self.parse($0, from: start, ended: ended) }
            switch outcome {
            case .row(let fields, let problem, let next, let lines):
                defer { line += lines }
                position = next
                return CSVRow(line: line, fields: fields, problem: problem)
            case .blank(let next):
                position = next
                line += 1
            case .end:
                return nil
            case .incomplete:
                try refill()
            }
        }
    }

    /// Drops what has been parsed and appends the next chunk (or notes the end of the input).
    private mutating func refill() throws {
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        guard let chunk = try source.nextChunk() else {
            ended = true
            return
        }
        buffer.append(contentsOf: chunk)
        if !started {
            started = true
            while buffer.count < 3, !ended {
                if let more = try source.nextChunk() { buffer.append(contentsOf: more) } else { ended = true }
            }
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
    }

    private enum Outcome {
        case row(fields: [String], problem: String?, next: Int, lines: Int)
        case blank(next: Int)
        case incomplete
        case end
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Parses the row starting at `start`, or says that more input is needed to finish it.
    private static func parse(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, ended: Bool) -> Outcome {
        let n = buf.count
        var i = start
        guard i < n else { return ended ? .end : .incomplete }
        if buf[i] == lf { return .blank(next: i + 1) }
        if buf[i] == cr {
            guard i + 1 < n || ended else { return .incomplete }
            return .blank(next: i + 1 < n && buf[i + 1] == lf ? i + 2 : i + 1)
        }
        var fields: [String] = []
        var problem: String?
        var lines = 0
        while true {
            var text: String
            if i < n, buf[i] == quote {
                var j = i + 1
                var escaped = false
                var closed = false
                while j < n {
                    let byte = buf[j]
                    if byte == quote {
                        guard j + 1 < n || ended else { return .incomplete }
                        if j + 1 < n, buf[j + 1] == quote {
                            escaped = true
                            j += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if byte == lf { lines += 1 }
                    j += 1
                }
                guard closed || ended else { return .incomplete }
                text = escaped ? unescape(buf, i + 1, j) : String(decoding: UnsafeBufferPointer(rebasing: buf[(i + 1)..<j]), as: UTF8.self)
                guard closed else {
                    fields.append(text)
                    return .row(fields: fields, problem: "a quoted field is never closed", next: n, lines: lines)
                }
                i = j + 1
                if i < n, buf[i] != comma, buf[i] != lf, buf[i] != cr {
                    problem = problem ?? "unexpected character after the closing quote of field \(fields.count + 1)"
                    var k = i
                    while k < n, buf[k] != comma, buf[k] != lf, buf[k] != cr { k += 1 }
                    text += String(decoding: UnsafeBufferPointer(rebasing: buf[i..<k]), as: UTF8.self)
                    i = k
                }
            } else {
                var j = i
                while j < n {
                    let byte = buf[j]
                    if byte == comma || byte == lf || byte == cr { break }
                    j += 1
                }
                text = String(decoding: UnsafeBufferPointer(rebasing: buf[i..<j]), as: UTF8.self)
                i = j
            }
            fields.append(text)
            guard i < n else {
                return ended ? .row(fields: fields, problem: problem, next: n, lines: lines) : .incomplete
            }
            switch buf[i] {
            case comma:
                i += 1
            case lf:
                return .row(fields: fields, problem: problem, next: i + 1, lines: lines + 1)
            default:  // CR
                guard i + 1 < n || ended else { return .incomplete }
                let next = i + 1 < n && buf[i + 1] == lf ? i + 2 : i + 1
                return .row(fields: fields, problem: problem, next: next, lines: lines + 1)
            }
        }
    }

    /// The text of a quoted field whose doubled quotes stand for one quote each.
    private static func unescape(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(to - from)
        var k = from
        while k < to {
            bytes.append(buf[k])
            k += buf[k] == quote ? 2 : 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
