import BaristaCore
import BaristaModels

extension LiveModels {
    /// The checkpoint form: the item and category numbering, then the trending and co-occurrence
    /// models' own bytes. The catalog (and the attribute index built from it) is not included: it is
    /// loaded from the store and applied with ``upsert(_:)``.
    func serialized() -> [UInt8] {
        var writer = ByteWriter()
        writer.append(contentsOf: Self.magic)
        writer.append(strings: vocabulary.ids.map(\.rawValue))
        writer.append(strings: categories.ids.map(\.rawValue))
        writer.append(block: trending.serialized())
        writer.append(block: cooccurrence.serialized())
        return writer.bytes
    }

    /// Reads back ``serialized()``.
    init(serialized bytes: [UInt8], trendingHalfLife: Double = 3 * 86_400) throws {
        var reader = ByteReader(bytes)
        guard try reader.take(Self.magic.count) == Self.magic else { throw ByteReader.Failure.malformed("not a live-models checkpoint") }
        self.init(trendingHalfLife: trendingHalfLife)
        vocabulary = ItemVocabulary(ids: try reader.strings().map(ItemID.init(rawValue:)))
        growItems()
        categories = ItemVocabulary(ids: try reader.strings().map(ItemID.init(rawValue:)))
        trending = try TrendingCounter(serialized: try reader.block())
        cooccurrence = try CooccurrenceModel(serialized: try reader.block())
    }

    static let magic: [UInt8] = Array("BLM1".utf8)
}

/// Little-endian length-prefixed fields, for checkpoints.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append(contentsOf other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func append(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func append(block: [UInt8]) {
        append(UInt64(block.count))
        bytes.append(contentsOf: block)
    }

    mutating func append(strings: [String]) {
        append(UInt64(strings.count))
        for string in strings { append(block: Array(string.utf8)) }
    }
}

/// Reads what ``ByteWriter`` wrote, failing cleanly on truncated or malformed input.
struct ByteReader {
    enum Failure: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self { case .malformed(let why): "unreadable checkpoint: \(why)" }
        }
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw Failure.malformed("truncated at byte \(offset)") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func integer() throws -> UInt64 {
        try take(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
    }

    mutating func block() throws -> [UInt8] {
        let count = try integer()
        guard count <= UInt64(bytes.count - offset) else { throw Failure.malformed("a block runs past the end") }
        return try take(Int(count))
    }

    mutating func strings() throws -> [String] {
        let count = try integer()
        guard count <= UInt64(bytes.count - offset) else { throw Failure.malformed("a list runs past the end") }
        return try (0..<Int(count)).map { _ in String(decoding: try block(), as: UTF8.self) }
    }
}
