/// Why a bandit log could not be read.
public enum BanditLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(path: String, reason: String)
    /// The bytes are gzip-compressed.
    case compressed
    /// The file holds no rounds.
    case empty
    /// Neither the Open Bandit CSV header nor decision-log JSONL.
    case unknownLayout(reason: String)
    /// A row or line is malformed.
    case badRound(line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the file (\(reason))"
        case .compressed: "the data is gzip-compressed; decompress it first"
        case .empty: "the log holds no rounds"
        case .unknownLayout(let reason):
            "unknown layout: \(reason) (expected an Open Bandit CSV with item_id, position, click, propensity_score "
                + "or decision-log JSONL)"
        case .badRound(let line, let reason): "line \(line): \(reason)"
        }
    }
}
