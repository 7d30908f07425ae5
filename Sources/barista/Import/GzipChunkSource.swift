import BaristaCore
import CompressNIO
import NIOCore

/// Decompresses a gzip stream chunk by chunk (with CompressNIO's zlib inflater), so a
/// `.csv.gz` file is never held in memory whole, compressed or not.
///
/// Concatenated gzip members (what `cat a.gz b.gz` makes) are read one after the other.
struct GzipChunkSource: ByteChunkSource {
    private var compressed: any ByteChunkSource
    private let decompressor: ZlibDecompressor
    private var input = ByteBuffer()
    private var inputEnded = false
    private var finished = false
    private let outputSize: Int

    /// Decompresses the bytes `compressed` delivers.
    ///
    /// - Parameters:
    ///   - compressed: The gzip stream.
    ///   - outputSize: The most decompressed bytes returned per chunk.
    init(compressed: any ByteChunkSource, outputSize: Int = 1 << 18) {
        self.compressed = compressed
        // Only fails when zlib cannot allocate its state: nothing sensible to recover.
        self.decompressor = try! ZlibDecompressor(algorithm: .gzip)
        self.outputSize = max(64, outputSize)
        // zlib is handed the buffer's base address, so the buffer must own storage even when empty.
        self.input.reserveCapacity(1 << 16)
    }

    mutating func nextChunk() throws -> [UInt8]? {
        while !finished {
            if input.readableBytes == 0, !inputEnded {
                if let chunk = try compressed.nextChunk() {
                    input.clear()
                    input.writeBytes(chunk)
                } else {
                    inputEnded = true
                }
            }
            var output = ByteBuffer()
            output.reserveCapacity(outputSize)
            let before = input.readableBytes
            let needsInput = try inflate(into: &output)
            if output.readableBytes > 0 {
                return output.readBytes(length: output.readableBytes)
            }
            if before != input.readableBytes { continue }
            // No progress: either the member ended, or zlib wants bytes we do not have.
            if needsInput {
                if inputEnded { throw ImportError.truncatedGzip }
                continue
            }
            if input.readableBytes >= 2, input.getInteger(at: input.readerIndex, as: UInt16.self) == 0x1f8b {
                try decompressor.reset()  // the next gzip member
            } else {
                finished = true  // end of stream; trailing garbage, if any, is ignored as gzip(1) does
            }
        }
        return nil
    }

    /// Inflates as much of `input` as fits into `output`.
    ///
    /// - Returns: Whether zlib stopped because it needs more input.
    /// - Throws: ``ImportError/corruptGzip`` for damaged data.
    private mutating func inflate(into output: inout ByteBuffer) throws -> Bool {
        do {
            try decompressor.inflate(from: &input, to: &output)
            return false
        } catch let error as CompressNIOError where error == .bufferOverflow {
            return false
        } catch let error as CompressNIOError where error == .inputBufferOverflow {
            return true
        } catch {
            throw ImportError.corruptGzip
        }
    }
}
