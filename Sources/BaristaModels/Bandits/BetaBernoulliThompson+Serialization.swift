extension BetaBernoulliThompson {
    static let magic = "BBTS"
    static let formatVersion: UInt16 = 1

    /// The bandit as little-endian bytes, for checkpoints: `BBTS`, version 1, the floor
    /// (Float64), the draws per choice and the arm count (UInt32 each), then every arm's
    /// successes and then every arm's failures (Float64): `22 + 16 · arms` bytes.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter(magic: Self.magic, version: Self.formatVersion, reservingCapacity: 16 + 16 * armCount)
        writer.write(floor)
        writer.write(UInt32(probabilityDraws))
        writer.write(UInt32(armCount))
        for value in successes { writer.write(value) }
        for value in failures { writer.write(value) }
        return writer.bytes
    }

    /// Reads a bandit back from ``serialized()``'s bytes.
    ///
    /// - Throws: ``LiveModelError`` when the bytes are not this bandit, come from an unknown
    ///   format version, are truncated or are inconsistent.
    public init(serialized bytes: [UInt8]) throws(LiveModelError) {
        var reader = try ByteReader(bytes, magic: Self.magic, version: Self.formatVersion)
        let floor = try reader.readDouble()
        let draws = Int(try reader.read(UInt32.self))
        let count = try reader.readCount(elementSize: 16)
        guard count > 0, draws > 0, floor >= 0, floor <= 1 else { throw .corrupt("a bandit needs arms, draws and a floor in [0, 1]") }
        var successes: [Double] = [], failures: [Double] = []
        for _ in 0..<count { successes.append(try reader.readDouble()) }
        for _ in 0..<count { failures.append(try reader.readDouble()) }
        guard (successes + failures).allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw .corrupt("negative or non-finite counts") }
        try reader.expectEnd()
        self.init(successes: successes, failures: failures, floor: floor, probabilityDraws: draws)
    }
}
