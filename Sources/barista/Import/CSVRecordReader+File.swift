import BaristaCore

extension CSVRecordReader {
    /// Opens the CSV file at `path` (gzip-compressed or not) and reads its header.
    ///
    /// - Throws: ``ImportError`` as ``init(source:kind:)`` does, or when the file cannot be read.
    init(path: String, kind: RecordKind) throws {
        try self.init(source: FileChunkSource.open(path: path), kind: kind)
    }
}
