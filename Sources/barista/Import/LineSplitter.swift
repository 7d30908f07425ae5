import BaristaCore
/// Splits a byte stream into lines (LF or CRLF), counting them from 1.
struct LineSplitter {
    private var source: any ByteChunkSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    private var lineNumber = 0

    /// Reads lines from `source`.
    init(source: any ByteChunkSource) {
        self.source = source
    }

    /// The next line without its terminator, with its 1-based number; nil at the end.
    ///
    /// A last line without a final newline is still a line.
    /// - Throws: what the source throws.
    mutating func nextLine() throws -> (number: Int, bytes: ArraySlice<UInt8>)? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                lineNumber += 1
                return (lineNumber, line)
            }
            if ended {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = buffer[start..<end]
                start = buffer.count
                lineNumber += 1
                return (lineNumber, line)
            }
            // Keep the unfinished line, drop what was consumed, and read on.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            searchFrom = buffer.count
            if let chunk = try source.nextChunk() {
                buffer.append(contentsOf: chunk)
            } else {
                ended = true
            }
        }
    }
}
