import BaristaCore
import Foundation

/// The bytes of a file, read in chunks.
struct FileChunkSource: ByteChunkSource {
    private let handle: FileHandle
    private let path: String
    private let chunkSize: Int
    private var pending: [UInt8]?

    /// Opens the file at `path` for reading.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - chunkSize: How many bytes to read at a time.
    /// - Throws: ``ImportError/unreadable(path:reason:)`` when the file cannot be opened.
    init(path: String, chunkSize: Int = 1 << 18) throws(ImportError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        self.handle = handle
        self.path = path
        self.chunkSize = max(1, chunkSize)
    }

    /// Opens `path` and, when it starts with the gzip magic bytes, decompresses it on the fly;
    /// so `events.jsonl.gz` and `events.jsonl` import alike.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - chunkSize: How many bytes to read at a time.
    /// - Throws: ``ImportError/unreadable(path:reason:)`` when the file cannot be opened or read.
    static func open(path: String, chunkSize: Int = 1 << 18) throws(ImportError) -> any ByteChunkSource {
        var file = try FileChunkSource(path: path, chunkSize: chunkSize)
        guard let first = try file.nextChunk() else { return file }
        file.pending = first
        if first.count >= 2, first[0] == 0x1f, first[1] == 0x8b {
            return GzipChunkSource(compressed: file)
        }
        return file
    }

    mutating func nextChunk() throws(ImportError) -> [UInt8]? {
        if let pending {
            self.pending = nil
            return pending
        }
        let data: Data?
        do {
            data = try handle.read(upToCount: chunkSize)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        guard let data, !data.isEmpty else { return nil }
        return [UInt8](data)
    }
}
