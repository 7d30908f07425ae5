#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Interactions read from a CSV file `user,item,timestamp`, in file order, with dense indices.
///
/// The header names the columns (in any order; extra columns are ignored). Ids are strings,
/// compared byte for byte; users and items are numbered from 0 in order of first appearance, so
/// a lower item index means the item appears earlier in the file. Timestamps are Unix seconds,
/// integer or decimal. Fields may be quoted (`"a,b"`, with `""` for a quote); lines end in LF or
/// CRLF; blank lines are skipped.
public struct InteractionLog: Sendable {
    /// The id of each user index, in order of first appearance.
    public private(set) var userIDs: [String] = []
    /// The id of each item index, in order of first appearance.
    public private(set) var itemIDs: [String] = []
    /// The user index of each row, in file order.
    public private(set) var users: [Int32] = []
    /// The item index of each row, in file order.
    public private(set) var items: [Int32] = []
    /// The timestamp (Unix seconds) of each row, in file order.
    public private(set) var timestamps: [Double] = []

    /// How many rows (interactions) the log holds.
    public var count: Int { users.count }

    /// Reads the CSV file at `path`.
    ///
    /// - Parameter path: The file to read, whole, into memory.
    /// - Throws: ``InteractionLogError/unreadable(path:reason:)`` when the file cannot be read, or
    ///   any error of ``init(csv:)``.
    public init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InteractionLogError.unreadable(path: path, reason: "no such file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InteractionLogError.unreadable(path: path, reason: "\(error)")
        }
        try data.withUnsafeBytes { try parse($0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Reads CSV text given as UTF-8 bytes.
    ///
    /// - Parameter csv: The whole file: a header row, then one interaction per row.
    /// - Throws: ``InteractionLogError`` with the line at fault when the header lacks a column or
    ///   a row is malformed (too few fields, an empty id, a timestamp that is not a number).
    public init(csv: [UInt8]) throws {
        try csv.withUnsafeBufferPointer { try parse($0) }
    }

    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var scanner = CSVScanner(bytes: bytes)
        guard let headerLine = scanner.nextRecord() else { throw InteractionLogError.missingHeader }
        let names = scanner.fields.map { scanner.string($0).trimmingSpaces.lowercased() }
        let columns = try ["user", "item", "timestamp"].map { name in
            guard let index = names.firstIndex(of: name) else {
                throw InteractionLogError.missingColumn(name, line: headerLine)
            }
            return index
        }
        let needed = columns.max()! + 1
        var userIndex: [String: Int32] = [:]
        var itemIndex: [String: Int32] = [:]
        var previousUser: (field: CSVScanner.Field, index: Int32)? = nil
        users.reserveCapacity(bytes.count / 24)
        items.reserveCapacity(bytes.count / 24)
        timestamps.reserveCapacity(bytes.count / 24)
        while let line = scanner.nextRecord() {
            let fields = scanner.fields
            guard fields.count >= needed else {
                throw InteractionLogError.badRow(line: line, reason: "expected at least \(needed) fields, found \(fields.count)")
            }
            let userField = fields[columns[0]], itemField = fields[columns[1]]
            guard !userField.isEmpty, !itemField.isEmpty else {
                throw InteractionLogError.badRow(line: line, reason: "the user or item id is empty")
            }
            guard let timestamp = scanner.number(fields[columns[2]]) else {
                let text = scanner.string(fields[columns[2]])
                throw InteractionLogError.badRow(line: line, reason: "the timestamp \"\(text)\" is not a number")
            }
            let user: Int32
            if let previousUser, scanner.sameText(previousUser.field, userField) {
                user = previousUser.index
            } else {
                user = Self.intern(scanner.string(userField), in: &userIndex, ids: &userIDs)
                previousUser = (userField, user)
            }
            users.append(user)
            items.append(Self.intern(scanner.string(itemField), in: &itemIndex, ids: &itemIDs))
            timestamps.append(timestamp)
        }
    }

    private static func intern(_ id: String, in index: inout [String: Int32], ids: inout [String]) -> Int32 {
        if let known = index[id] { return known }
        let new = Int32(ids.count)
        index[id] = new
        ids.append(id)
        return new
    }
}

/// Why an interaction log could not be read.
public enum InteractionLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file is empty: there is no header row.
    case missingHeader
    /// The header row (at `line`) has no column with this name.
    case missingColumn(String, line: Int)
    /// The row at `line` (counted from 1, the header included) is malformed.
    case badRow(line: Int, reason: String)

    /// The line at fault, when there is one.
    public var line: Int? {
        switch self {
        case .unreadable, .missingHeader: nil
        case .missingColumn(_, let line), .badRow(let line, _): line
        }
    }

    /// A one-line explanation, with the line number when there is one.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .missingHeader: "the file is empty: expected a header row user,item,timestamp"
        case .missingColumn(let name, let line): "line \(line): the header has no \(name) column (expected user,item,timestamp)"
        case .badRow(let line, let reason): "line \(line): \(reason)"
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
