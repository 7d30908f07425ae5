extension CooccurrenceModel {
    static let magic = "BCOO"
    static let formatVersion: UInt16 = 1

    /// The model as little-endian bytes, for checkpoints.
    ///
    /// Layout: `BCOO`, version 1 (UInt16), maxNeighbours, viewWindow, maxBasketSize (UInt32),
    /// shrink (Float32), latest (Float64); then per relation (co-view, co-buy, sequence) the item
    /// count (UInt32), every item's total (Float32), and every item's row: its length (UInt32)
    /// and its (neighbour Int32, count Float32) pairs.
    public func serialized() -> [UInt8] {
        let entries = [coView, coBuy, sequence].reduce(0) { $0 + $1.rows.reduce(0) { $0 + $1.count } }
        var writer = ByteWriter(magic: Self.magic, version: Self.formatVersion, reservingCapacity: 32 + 8 * itemCount * 3 + 8 * entries)
        writer.write(UInt32(maxNeighbours))
        writer.write(UInt32(viewWindow))
        writer.write(UInt32(maxBasketSize))
        writer.write(shrink)
        writer.write(latest)
        for table in [coView, coBuy, sequence] {
            writer.write(UInt32(table.itemCount))
            for total in table.totals { writer.write(total) }
            for row in table.rows {
                writer.write(UInt32(row.count))
                for entry in row {
                    writer.write(entry.item)
                    writer.write(entry.weight)
                }
            }
        }
        return writer.bytes
    }

    /// Reads a model back from ``serialized()``'s bytes.
    ///
    /// - Throws: ``LiveModelError`` when the bytes are not a co-occurrence model, come from an
    ///   unknown format version, are truncated or are inconsistent (a row longer than the cap,
    ///   a negative item index).
    public init(serialized bytes: [UInt8]) throws(LiveModelError) {
        var reader = try ByteReader(bytes, magic: Self.magic, version: Self.formatVersion)
        let maxNeighbours = Int(try reader.read(UInt32.self))
        let viewWindow = Int(try reader.read(UInt32.self))
        let maxBasketSize = Int(try reader.read(UInt32.self))
        let shrink = try reader.readFloat()
        guard maxNeighbours >= 4, maxNeighbours <= 1 << 20, shrink >= 0, shrink.isFinite else {
            throw .corrupt("invalid configuration (maxNeighbours \(maxNeighbours), shrink \(shrink))")
        }
        self.init(maxNeighbours: maxNeighbours, shrink: shrink, viewWindow: viewWindow, maxBasketSize: maxBasketSize)
        latest = try reader.readDouble()
        coView = try Self.readTable(&reader, cap: maxNeighbours)
        coBuy = try Self.readTable(&reader, cap: maxNeighbours)
        sequence = try Self.readTable(&reader, cap: maxNeighbours)
        try reader.expectEnd()
    }

    private static func readTable(_ reader: inout ByteReader, cap: Int) throws(LiveModelError) -> RelationTable {
        var table = RelationTable()
        let count = try reader.readCount(elementSize: 8)
        table.totals.reserveCapacity(count)
        table.rows.reserveCapacity(count)
        for _ in 0..<count { table.totals.append(try reader.readFloat()) }
        for item in 0..<count {
            let length = try reader.readCount(elementSize: 8)
            guard length <= cap else { throw .corrupt("item \(item) has \(length) neighbours, more than \(cap)") }
            var row: [RelationTable.Entry] = []
            row.reserveCapacity(length)
            for _ in 0..<length {
                let other = try reader.read(Int32.self)
                guard other >= 0 else { throw .corrupt("negative item index \(other)") }
                row.append(RelationTable.Entry(item: other, weight: try reader.readFloat()))
            }
            table.rows.append(row)
        }
        return table
    }
}
