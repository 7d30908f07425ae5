import Foundation

/// Where an archive's bytes go: a gzip'd file for `barista export-site`, memory in tests.
public protocol SiteArchiveOutput: AnyObject {
    /// Takes the next bytes of the archive.
    func write(_ bytes: [UInt8]) throws
    /// Flushes and closes: the archive is complete.
    func finish() throws
}

/// Writes a site archive line by line (see ``SiteArchive``), keeping only the current line in memory.
///
/// A store calls ``begin(site:name:counts:)`` once, then ``append(_:_:)`` for every row in
/// ``SiteArchive/tables`` order, then ``finish()``.
public final class SiteArchiveWriter {
    private let output: any SiteArchiveOutput
    private var checksum = SiteArchiveChecksum()
    private var expected: [String: Int] = [:]
    private var written: [String: Int] = [:]
    private var tableIndex = 0
    private var buffer: [UInt8] = []
    private let exportedAt: Date

    /// A writer into `output`; `exportedAt` goes in the header.
    public init(output: any SiteArchiveOutput, exportedAt: Date = Date()) {
        self.output = output
        self.exportedAt = exportedAt
        buffer.reserveCapacity(1 << 20)
    }

    /// Rows written so far, per table.
    public var counts: [String: Int] { written }

    /// Writes the header: the format, the site, and each table's columns and row count.
    public func begin(site: SiteID, name: String, counts: [String: Int]) throws {
        expected = counts
        let tables: [JSONValue] = SiteArchive.tables.map { table in
            [
                "name": .string(table.name), "rows": .number(Double(counts[table.name] ?? 0)),
                "columns": .array(table.columns.map { .string("\($0.name):\($0.kind.rawValue)") }),
            ]
        }
        let header: JSONValue = [
            "format": .string(SiteArchive.format), "version": .number(Double(SiteArchive.version)),
            "exported_at": .string(Timestamp.format(exportedAt)),
            "site": ["id": .string(site.rawValue), "name": .string(name)],
            "tables": .array(tables),
        ]
        try line(JSON.serialize(header, sortedKeys: true))
    }

    /// Writes one row of `table`, its values in the table's column order.
    public func append(_ table: String, _ values: [SiteArchiveValue]) throws {
        while tableIndex < SiteArchive.tables.count, SiteArchive.tables[tableIndex].name != table { tableIndex += 1 }
        guard tableIndex < SiteArchive.tables.count, SiteArchive.tables[tableIndex].columns.count == values.count else {
            preconditionFailure("rows of \(table) written out of order or with the wrong number of columns")
        }
        let encoded: [JSONValue] = values.map { value in
            switch value {
            case .null: .null
            case .integer(let number): .number(Double(number))
            case .real(let number): .number(number)
            case .text(let text): .string(text)
            case .blob(let bytes): .string(Data(bytes).base64EncodedString())
            case .boolean(let flag): .bool(flag)
            }
        }
        written[table, default: 0] += 1
        try line(JSON.serialize(["t": .string(table), "v": .array(encoded)]))
    }

    /// Writes the trailer (rows and checksum) and finishes the output.
    /// - Throws: ``SiteArchiveError/mismatch(_:)`` when the rows written differ from the header's counts.
    public func finish() throws {
        for table in SiteArchive.tables where (written[table.name] ?? 0) != (expected[table.name] ?? 0) {
            throw SiteArchiveError.mismatch("\(table.name): \(written[table.name] ?? 0) rows written, \(expected[table.name] ?? 0) counted")
        }
        let total = written.values.reduce(0, +)
        let trailer: JSONValue = ["end": .bool(true), "rows": .number(Double(total)), "checksum": .string(checksum.text)]
        let bytes = JSON.serialize(trailer, sortedKeys: true)
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        try output.write(buffer)
        buffer.removeAll()
        try output.finish()
    }

    private func line(_ bytes: [UInt8]) throws {
        checksum.add(bytes)
        checksum.add(newline)
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 {
            try output.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    private let newline: [UInt8] = [UInt8(ascii: "\n")]
}

/// FNV-1a 64 over every byte of every line before the trailer: catches a damaged or edited archive
/// (gzip's own CRC guards the compressed bytes; this guards what they decompress to).
struct SiteArchiveChecksum {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    }

    var text: String { "fnv1a64:" + String(hash, radix: 16) }
}
