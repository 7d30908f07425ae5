/// Appends little-endian binary values to a byte array: the format of Barista's checkpoints and
/// stored models (a magic, a version, then fields).
public struct ByteWriter: Sendable {
    /// What was written so far.
    public private(set) var bytes: [UInt8] = []

    /// A writer whose output starts with `magic` (four ASCII bytes) and a version.
    public init(magic: String, version: UInt16, reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity + 6)
        bytes.append(contentsOf: Array(magic.utf8))
        write(version)
    }

    /// Appends an integer, little-endian.
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Float) { write(value.bitPattern) }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    /// Appends a length (UInt64) and the bytes.
    public mutating func write(block: [UInt8]) {
        write(UInt64(block.count))
        bytes.append(contentsOf: block)
    }

    /// Appends a count (UInt64) and each string as a block of UTF-8.
    public mutating func write(strings: [String]) {
        write(UInt64(strings.count))
        for string in strings { write(block: Array(string.utf8)) }
    }
}

/// Reads what ``ByteWriter`` wrote, throwing ``LiveModelError`` on bytes that end too soon.
public struct ByteReader: Sendable {
    let bytes: [UInt8]
    private(set) var offset = 0

    /// A reader positioned after `magic` and the version, which must be `version`.
    public init(_ bytes: [UInt8], magic: String, version: UInt16) throws(LiveModelError) {
        self.bytes = bytes
        let expected = Array(magic.utf8)
        guard bytes.count >= expected.count, Array(bytes[0..<expected.count]) == expected else {
            throw .wrongMagic(expected: magic)
        }
        offset = expected.count
        let found: UInt16 = try read()
        guard found == version else { throw .unsupportedVersion(found) }
    }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(LiveModelError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .truncated(offset: offset, needed: size - remaining) }
        var value: T = 0
        for index in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }

    mutating func readFloat() throws(LiveModelError) -> Float { Float(bitPattern: try read(UInt32.self)) }

    mutating func readDouble() throws(LiveModelError) -> Double { Double(bitPattern: try read(UInt64.self)) }

    /// A count that must fit in the bytes left, each element taking at least `elementSize` bytes.
    mutating func readCount(elementSize: Int) throws(LiveModelError) -> Int {
        let count = Int(try read(UInt32.self))
        guard count * elementSize <= remaining else {
            throw .truncated(offset: offset, needed: count * elementSize - remaining)
        }
        return count
    }

    /// Reads a block written by ``ByteWriter/write(block:)``.
    public mutating func readBlock() throws(LiveModelError) -> [UInt8] {
        let count = try read(UInt64.self)
        guard count <= UInt64(remaining) else { throw .truncated(offset: offset, needed: Int(clamping: count) - remaining) }
        defer { offset += Int(count) }
        return Array(bytes[offset..<(offset + Int(count))])
    }

    /// Reads strings written by ``ByteWriter/write(strings:)``.
    public mutating func readStrings() throws(LiveModelError) -> [String] {
        let count = try read(UInt64.self)
        guard count <= UInt64(remaining) / 8 else { throw .truncated(offset: offset, needed: Int(clamping: count) * 8 - remaining) }
        var strings: [String] = []
        strings.reserveCapacity(Int(count))
        for _ in 0..<Int(count) { strings.append(String(decoding: try readBlock(), as: UTF8.self)) }
        return strings
    }

    /// Throws unless every byte was read.
    public func expectEnd() throws(LiveModelError) {
        guard remaining == 0 else { throw .corrupt("\(remaining) unexpected bytes after the model") }
    }
}
