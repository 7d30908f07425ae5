/// Why bytes could not be read as a ``ForYouModel``.
public enum ForYouModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes do not start with the model's magic number (`BRFY`): not a serialized model.
    case notAModel
    /// The bytes are a model of a format version this build cannot read.
    case unsupportedVersion(UInt16)
    /// The bytes end early: `needed` more bytes were expected at `offset`.
    case truncated(offset: Int, needed: Int)
    /// The bytes are complete but inconsistent (a bad count, an item out of range, a checksum).
    case corrupt(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .notAModel: "not a for_you model (bad magic number)"
        case .unsupportedVersion(let version): "unsupported for_you model format version \(version)"
        case .truncated(let offset, let needed): "the model is truncated: \(needed) more bytes expected at byte \(offset)"
        case .corrupt(let reason): "the model is corrupt: \(reason)"
        }
    }
}

extension ForYouModel {
    /// The format version ``serialized()`` writes.
    static let formatVersion: UInt16 = 1
    private static let magic: [UInt8] = Array("BRFY".utf8)

    /// The model as compact little-endian bytes: the magic `BRFY`, a format version, the
    /// configuration, the popularity counts, both link tables (row lengths, targets, weights),
    /// and an FNV-1a checksum of everything before it.
    public func serialized() -> [UInt8] {
        var out = ModelBytesWriter()
        out.bytes.reserveCapacity(64 + 4 * itemCount + 12 * (collaborative.linkCount + sequence.linkCount + 2 * itemCount))
        out.bytes += Self.magic
        out.put(Self.formatVersion)
        out.put(UInt8(config.base == .ease ? 0 : 1))
        out.put(UInt8(config.factorSimilarity == .implied ? 0 : 1))
        out.put(config.lambda)
        out.put(UInt32(config.factors))
        out.put(config.regularization)
        out.put(config.alpha)
        out.put(UInt32(config.iterations))
        out.put(UInt32(config.neighbours))
        out.put(config.recencyDecay)
        out.put(config.recencyHalfLife.bitPattern)
        out.put(config.sequenceWeight)
        out.put(config.sequenceDecay)
        out.put(UInt32(config.sequenceWindow))
        out.put(UInt32(config.sequenceNeighbours))
        out.put(UInt32(itemCount))
        for value in popularity { out.put(value) }
        for table in [collaborative, sequence] {
            out.put(UInt64(table.linkCount))
            for item in 0..<itemCount { out.put(UInt32(table.offsets[item + 1] - table.offsets[item])) }
            for target in table.targets { out.put(UInt32(bitPattern: target)) }
            for weight in table.weights { out.put(weight) }
        }
        out.put(fnv1a(out.bytes[...]))
        return out.bytes
    }

    /// Reads a model written by ``serialized()``.
    /// - Parameter bytes: The serialized model.
    /// - Throws: ``ForYouModelError`` when the bytes are not a model, of another version,
    ///   truncated, or inconsistent.
    public init(serialized bytes: [UInt8]) throws(ForYouModelError) {
        var input = ModelBytesReader(bytes: bytes)
        guard bytes.count >= 4, Array(bytes[0..<4]) == Self.magic else { throw .notAModel }
        input.offset = 4
        let version: UInt16 = try input.get()
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        var config = ForYouConfig()
        let base: UInt8 = try input.get(), similarity: UInt8 = try input.get()
        guard base <= 1, similarity <= 1 else { throw .corrupt("unknown base model \(base) or similarity \(similarity)") }
        config.base = base == 0 ? .ease : .ials
        config.factorSimilarity = similarity == 0 ? .implied : .cosine
        config.lambda = try input.get()
        config.factors = Int(try input.get() as UInt32)
        config.regularization = try input.get()
        config.alpha = try input.get()
        config.iterations = Int(try input.get() as UInt32)
        config.neighbours = Int(try input.get() as UInt32)
        config.recencyDecay = try input.get()
        config.recencyHalfLife = Double(bitPattern: try input.get())
        config.sequenceWeight = try input.get()
        config.sequenceDecay = try input.get()
        config.sequenceWindow = Int(try input.get() as UInt32)
        config.sequenceNeighbours = Int(try input.get() as UInt32)
        let itemCount = Int(try input.get() as UInt32)
        try input.require(4 * itemCount)
        var popularity = [Float](repeating: 0, count: itemCount)
        for item in 0..<itemCount { popularity[item] = try input.get() }
        let collaborative = try input.links(itemCount: itemCount)
        let sequence = try input.links(itemCount: itemCount)
        let expected = fnv1a(bytes[0..<input.offset])
        let checksum: UInt32 = try input.get()
        guard checksum == expected else { throw .corrupt("checksum mismatch") }
        guard input.offset == bytes.count else { throw .corrupt("\(bytes.count - input.offset) bytes after the end of the model") }
        self.init(config: config, collaborative: collaborative, sequence: sequence, popularity: popularity)
    }
}

/// FNV-1a (32 bits) of `bytes`.
private func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var hash: UInt32 = 2_166_136_261
    for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
    return hash
}

/// Appends little-endian values.
private struct ModelBytesWriter {
    var bytes: [UInt8] = []

    mutating func put<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func put(_ value: Float) { put(value.bitPattern) }
}

/// Reads little-endian values, throwing ``ForYouModelError/truncated(offset:needed:)`` past the end.
private struct ModelBytesReader {
    let bytes: [UInt8]
    var offset = 0

    func require(_ count: Int) throws(ForYouModelError) {
        guard count >= 0, count <= bytes.count - offset else { throw .truncated(offset: offset, needed: count - (bytes.count - offset)) }
    }

    mutating func get<T: FixedWidthInteger>() throws(ForYouModelError) -> T {
        let size = MemoryLayout<T>.size
        try require(size)
        var value: T = 0
        for k in 0..<size { value |= T(bytes[offset + k]) << (8 * k) }
        offset += size
        return value
    }

    mutating func get() throws(ForYouModelError) -> Float { Float(bitPattern: try get()) }

    /// A link table: the link count, the row lengths, the targets and the weights.
    mutating func links(itemCount: Int) throws(ForYouModelError) -> ItemNeighbours {
        let count = try get() as UInt64
        guard count <= UInt64(bytes.count) else { throw .truncated(offset: offset, needed: Int(min(count, 1 << 40)) * 8) }
        let linkCount = Int(count)
        try require(4 * itemCount + 8 * linkCount)
        var offsets = [0]
        offsets.reserveCapacity(itemCount + 1)
        for _ in 0..<itemCount { offsets.append(offsets[offsets.count - 1] + Int(try get() as UInt32)) }
        guard offsets[itemCount] == linkCount else { throw .corrupt("row lengths add up to \(offsets[itemCount]), not \(linkCount) links") }
        var targets = [Int32](repeating: 0, count: linkCount), weights = [Float](repeating: 0, count: linkCount)
        for k in 0..<linkCount {
            let target = Int32(bitPattern: try get())
            guard target >= 0, Int(target) < itemCount else { throw .corrupt("a link to item \(target) of \(itemCount)") }
            targets[k] = target
        }
        for k in 0..<linkCount {
            weights[k] = try get()
            guard weights[k].isFinite else { throw .corrupt("a link weight that is not a finite number") }
        }
        return ItemNeighbours(itemCount: itemCount, offsets: offsets, targets: targets, weights: weights)
    }
}
