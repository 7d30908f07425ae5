import Foundation

/// Reads a site archive line by line (see ``SiteArchive``), checking everything as it goes: the
/// header's format and version on open; each row's table order, width and value kinds; at the end
/// the trailer's checksum and each table's count against the header. ``next()`` returns nil only
/// once the whole archive has been read and found sound, so an importer that writes in one
/// transaction and commits after that nil never commits a damaged archive.
public final class SiteArchiveReader {
    /// The archived site's id.
    public let siteID: SiteID
    /// The archived site's name.
    public let siteName: String
    /// Rows per table, as the header counts them.
    public let counts: [String: Int]

    private var source: any ByteChunkSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    private var lineNumber = 0
    private var checksum: SiteArchiveChecksum
    private var tableIndex = 0
    private var read: [String: Int] = [:]
    private var finished = false

    /// Opens the archive `source` decompresses, reading its header.
    /// - Throws: ``SiteArchiveError/unreadable(_:)`` when the first line is not a header of this format and version.
    public init(source: any ByteChunkSource) throws {
        var source = source
        var buffer: [UInt8] = [], start = 0, ended = false, lineNumber = 0
        guard let first = try Self.line(from: &source, buffer: &buffer, start: &start, ended: &ended, number: &lineNumber) else {
            throw SiteArchiveError.unreadable("the file is empty")
        }
        let header: JSONValue
        do { header = try JSON.parse(first) } catch { throw SiteArchiveError.unreadable("the first line is not JSON") }
        guard header["format"]?.stringValue == SiteArchive.format else {
            throw SiteArchiveError.unreadable("the first line is not a \(SiteArchive.format) header")
        }
        guard let version = header["version"]?.doubleValue, version == Double(SiteArchive.version) else {
            let found = header["version"]?.doubleValue.map { String(Int($0)) } ?? "none"
            throw SiteArchiveError.unreadable("format version \(found); this build reads version \(SiteArchive.version)")
        }
        guard let id = header["site"]?["id"]?.stringValue, let name = header["site"]?["name"]?.stringValue,
            let tables = header["tables"]?.arrayValue
        else { throw SiteArchiveError.unreadable("the header names no site or tables") }
        var counts: [String: Int] = [:]
        for (index, table) in SiteArchive.tables.enumerated() {
            let columns = table.columns.map { JSONValue.string("\($0.name):\($0.kind.rawValue)") }
            guard index < tables.count, tables[index]["name"]?.stringValue == table.name, tables[index]["columns"]?.arrayValue == columns,
                let rows = tables[index]["rows"]?.doubleValue, rows >= 0
            else { throw SiteArchiveError.unreadable("the header's table \(index + 1) is not \(table.name) with this build's columns") }
            counts[table.name] = Int(rows)
        }
        guard tables.count == SiteArchive.tables.count else { throw SiteArchiveError.unreadable("the header lists unknown tables") }
        var checksum = SiteArchiveChecksum()
        checksum.add(first)
        checksum.add([UInt8(ascii: "\n")])
        self.checksum = checksum
        self.source = source
        self.siteID = SiteID(id)
        self.siteName = name
        self.counts = counts
        self.buffer = buffer
        self.start = start
        self.ended = ended
        self.lineNumber = lineNumber
    }

    /// Rows read so far, per table.
    public var rowsRead: [String: Int] { read }

    /// The next row and its table, or nil at the end of a sound archive.
    /// - Throws: ``SiteArchiveError`` naming the line at fault.
    public func next() throws -> (table: SiteArchiveTable, values: [SiteArchiveValue])? {
        guard !finished else { return nil }
        guard let line = try Self.line(from: &source, buffer: &buffer, start: &start, ended: &ended, number: &lineNumber) else {
            throw SiteArchiveError.unreadable("it ends at line \(lineNumber) without its trailer: the file is truncated")
        }
        let object: JSONValue
        do { object = try JSON.parse(line) } catch { throw SiteArchiveError.unreadable("line \(lineNumber) is not JSON") }
        if object["end"]?.boolValue == true {
            try end(object)
            return nil
        }
        guard let name = object["t"]?.stringValue, let values = object["v"]?.arrayValue else {
            throw SiteArchiveError.unreadable("line \(lineNumber) is neither a row nor the trailer")
        }
        while tableIndex < SiteArchive.tables.count, SiteArchive.tables[tableIndex].name != name { tableIndex += 1 }
        guard tableIndex < SiteArchive.tables.count else {
            throw SiteArchiveError.unreadable("line \(lineNumber): table \(name) is unknown or out of order")
        }
        let table = SiteArchive.tables[tableIndex]
        guard values.count == table.columns.count else {
            throw SiteArchiveError.unreadable("line \(lineNumber): \(values.count) values for \(table.columns.count) columns of \(name)")
        }
        var row: [SiteArchiveValue] = []
        row.reserveCapacity(values.count)
        for (value, column) in zip(values, table.columns) {
            guard let decoded = Self.decode(value, as: column) else {
                throw SiteArchiveError.unreadable("line \(lineNumber): \(name).\(column.name) is not \(column.kind.rawValue)")
            }
            row.append(decoded)
        }
        read[name, default: 0] += 1
        guard read[name]! <= counts[name] ?? 0 else {
            throw SiteArchiveError.mismatch("more \(name) rows than the header's \(counts[name] ?? 0)")
        }
        checksum.add(line)
        checksum.add([UInt8(ascii: "\n")])
        return (table, row)
    }

    private func end(_ trailer: JSONValue) throws {
        guard trailer["checksum"]?.stringValue == checksum.text else {
            throw SiteArchiveError.unreadable("its checksum does not match its contents: the file is damaged")
        }
        for table in SiteArchive.tables where (read[table.name] ?? 0) != (counts[table.name] ?? 0) {
            throw SiteArchiveError.mismatch("\(read[table.name] ?? 0) \(table.name) rows, the header says \(counts[table.name] ?? 0)")
        }
        guard trailer["rows"]?.doubleValue == Double(read.values.reduce(0, +)) else {
            throw SiteArchiveError.mismatch("the trailer's row count differs from the rows read")
        }
        if try Self.line(from: &source, buffer: &buffer, start: &start, ended: &ended, number: &lineNumber) != nil {
            throw SiteArchiveError.unreadable("line \(lineNumber) follows the trailer")
        }
        finished = true
    }

    private static func decode(_ value: JSONValue, as column: SiteArchiveColumn) -> SiteArchiveValue? {
        if value.isNull { return column.nullable ? .null : nil }
        switch column.kind {
        case .text: return value.stringValue.map { .text($0) }
        case .integer, .position:
            guard let number = value.doubleValue, number.rounded() == number, number.magnitude <= 9_007_199_254_740_992 else { return nil }
            return .integer(Int64(number))
        case .real: return value.doubleValue.map { .real($0) }
        case .boolean: return value.boolValue.map { .boolean($0) }
        case .blob:
            guard let text = value.stringValue, let data = Data(base64Encoded: text) else { return nil }
            return .blob(Array(data))
        }
    }

    /// The next line of `source` (without its newline), or nil at the end.
    private static func line(
        from source: inout any ByteChunkSource, buffer: inout [UInt8], start: inout Int, ended: inout Bool, number: inout Int
    ) throws -> ArraySlice<UInt8>? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                number += 1
                return buffer[start..<newline]
            }
            if ended {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                number += 1
                return buffer[start...]
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            searchFrom = buffer.count
            if let chunk = try source.nextChunk() { buffer.append(contentsOf: chunk) } else { ended = true }
        }
    }
}
