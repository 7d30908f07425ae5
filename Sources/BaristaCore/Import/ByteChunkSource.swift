/// A stream of bytes delivered in chunks: a file, a gzip stream, or bytes already in memory.
///
/// Readers pull chunks one at a time, so files of any size are read in bounded memory.
public protocol ByteChunkSource {
    /// The next non-empty chunk, or nil at the end of the stream.
    ///
    /// - Throws: ``ImportError`` when the underlying file or stream cannot be read.
    mutating func nextChunk() throws -> [UInt8]?
}

/// Bytes already in memory, served in chunks of a fixed size (tests use small chunks to exercise
/// values that straddle chunk boundaries).
public struct MemoryChunkSource: ByteChunkSource {
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    /// Serves `bytes` in chunks of at most `chunkSize` bytes.
    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 16) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    /// Serves the UTF-8 bytes of `text`.
    public init(_ text: String, chunkSize: Int = 1 << 16) {
        self.init(Array(text.utf8), chunkSize: chunkSize)
    }

    public mutating func nextChunk() -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + chunkSize)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
