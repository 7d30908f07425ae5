/// A problem with an import file as a whole, as opposed to one bad row (a ``RecordError``).
public enum ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The gzip stream is damaged.
    case corruptGzip
    /// The gzip stream ends before its end marker (a truncated download, say).
    case truncatedGzip
    /// The file has no header row.
    case missingHeader
    /// The header lacks a column the layout needs.
    case missingColumn(String)
    /// The header names the same column twice.
    case duplicateColumn(String)
    /// A column name that cannot be a field (empty, or a dotted path with an empty part).
    case invalidColumn(String)
    /// Two dotted columns would write the same place (`properties.a` and `properties.a.b`).
    case conflictingColumns(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .corruptGzip: "the gzip data is corrupt"
        case .truncatedGzip: "the gzip data ends early (truncated file?)"
        case .missingHeader: "the file has no header row"
        case .missingColumn(let name): "the header has no \(name) column"
        case .duplicateColumn(let name): "the header names the column \(name) twice"
        case .invalidColumn(let name): "the column name \"\(name)\" is not a field name"
        case .conflictingColumns(let a, let b): "the columns \(a) and \(b) would write the same field"
        }
    }
}
