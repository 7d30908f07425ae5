/// One record read from an import file: an API-shaped JSON object, or the reason its row was rejected.
///
/// A bad row never aborts an import: it becomes a `Record` whose `result` is a failure, so the
/// caller can report it with its line number and carry on with the rest of the file.
public struct Record: Sendable, Hashable {
    /// The 1-based line of the file where the row starts (the header of a CSV file is line 1).
    public var line: Int
    /// The JSON object, shaped like the API's request body, or why the row could not become one.
    public var result: Result<JSONValue, RecordError>

    /// A record read at `line`.
    public init(line: Int, result: Result<JSONValue, RecordError>) {
        self.line = line
        self.result = result
    }
}

/// Why one row of an import file was rejected.
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for a person: what is wrong with the row.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A source of records, read one at a time so that a large file is never held in memory whole.
public protocol RecordReader {
    /// The next record, or nil at the end of the input.
    ///
    /// - Throws: ``ImportError`` when the input itself cannot be read (unreadable file, corrupt
    ///   gzip stream, unusable header). A bad row is not thrown: it is a record with a failure.
    mutating func next() throws -> Record?
}

extension RecordReader {
    /// Reads every remaining record into an array (for tests and small files).
    ///
    /// - Throws: what ``next()`` throws.
    public mutating func readAll() throws -> [Record] {
        var records: [Record] = []
        while let record = try next() { records.append(record) }
        return records
    }
}
