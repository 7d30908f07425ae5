import BaristaCore
import BaristaModels

extension LiveModels {
    /// The checkpoint form: the item and category numbering, then the trending and co-occurrence
    /// models' own bytes. The catalog (and the attribute index built from it) is not included: it is
    /// loaded from the store and applied with ``upsert(_:)``.
    func serialized() -> [UInt8] {
        var writer = ByteWriter(magic: Self.magic, version: 1)
        writer.write(strings: vocabulary.ids.map(\.rawValue))
        writer.write(strings: categories.ids.map(\.rawValue))
        writer.write(block: trending.serialized())
        writer.write(block: cooccurrence.serialized())
        return writer.bytes
    }

    /// Reads back ``serialized()``.
    init(serialized bytes: [UInt8], trendingHalfLife: Double = 3 * 86_400) throws {
        var reader = try ByteReader(bytes, magic: Self.magic, version: 1)
        self.init(trendingHalfLife: trendingHalfLife)
        vocabulary = ItemVocabulary(ids: try reader.readStrings().map(ItemID.init(rawValue:)))
        growItems()
        categories = ItemVocabulary(ids: try reader.readStrings().map(ItemID.init(rawValue:)))
        trending = try TrendingCounter(serialized: try reader.readBlock())
        cooccurrence = try CooccurrenceModel(serialized: try reader.readBlock())
        try reader.expectEnd()
    }

    static let magic = "BLMS"
}
