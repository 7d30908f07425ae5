extension TrendingCounter {
    static let magic = "BTRC"
    static let formatVersion: UInt16 = 1

    /// The counter as little-endian bytes, for checkpoints: `BTRC`, version 1, then the half-life,
    /// landmark, latest time, item count and per item its weight (Float64) and category (Int32).
    public func serialized() -> [UInt8] {
        var writer = ByteWriter(magic: Self.magic, version: Self.formatVersion, reservingCapacity: 28 + 12 * weights.count)
        writer.write(halfLife)
        writer.write(landmark)
        writer.write(latest)
        writer.write(UInt32(weights.count))
        for weight in weights { writer.write(weight) }
        for category in categories { writer.write(category) }
        return writer.bytes
    }

    /// Reads a counter back from ``serialized()``'s bytes.
    ///
    /// - Throws: ``LiveModelError`` when the bytes are not a trending counter, come from an
    ///   unknown format version, are truncated or are inconsistent.
    public init(serialized bytes: [UInt8]) throws(LiveModelError) {
        var reader = try ByteReader(bytes, magic: Self.magic, version: Self.formatVersion)
        let halfLife = try reader.readDouble()
        guard halfLife > 0, halfLife.isFinite else { throw .corrupt("half-life \(halfLife) is not a positive number") }
        self.init(halfLife: halfLife)
        landmark = try reader.readDouble()
        latest = try reader.readDouble()
        guard landmark.isFinite, latest.isFinite || latest == -.infinity else { throw .corrupt("times are not finite") }
        let count = try reader.readCount(elementSize: 12)
        weights.reserveCapacity(count)
        categories.reserveCapacity(count)
        for _ in 0..<count { weights.append(try reader.readDouble()) }
        for _ in 0..<count { categories.append(try reader.read(Int32.self)) }
        try reader.expectEnd()
    }
}
