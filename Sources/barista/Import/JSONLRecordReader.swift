import BaristaCore

/// Reads a JSON Lines file: one JSON object per line (an item as in `PUT /v1/items` plus
/// `item_id`, or an event as in `POST /v1/events`).
///
/// Blank lines are skipped. A line that is not valid JSON, or is JSON but not an object, is a bad
/// row with the parser's message and the column where it stopped.
struct JSONLRecordReader: RecordReader {
    private var lines: LineSplitter
    private var firstLine = true

    /// Reads lines from `source`.
    init(source: any ByteChunkSource) {
        lines = LineSplitter(source: source)
    }

    /// Opens the JSONL file at `path` (gzip-compressed or not).
    ///
    /// - Throws: ``ImportError/unreadable(path:reason:)`` when the file cannot be opened.
    init(path: String) throws {
        try self.init(source: FileChunkSource.open(path: path))
    }

    mutating func next() throws -> Record? {
        while let (number, slice) = try lines.nextLine() {
            var bytes = slice
            if firstLine {
                firstLine = false
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            }
            guard bytes.contains(where: { !Self.isSpace($0) }) else { continue }
            let value: JSONValue
            do {
                value = try JSON.parse(Array(bytes))
            } catch {
                return Record(line: number, result: .failure(RecordError("column \(error.offset + 1): \(error.message)")))
            }
            guard case .object = value else {
                return Record(line: number, result: .failure(RecordError("expected a JSON object, found \(value.typeDescription)")))
            }
            return Record(line: number, result: .success(value))
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
