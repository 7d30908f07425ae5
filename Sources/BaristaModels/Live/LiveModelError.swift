/// Why serialized bytes of a live model could not be read back.
public enum LiveModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes do not start with the model's four-byte magic: they are not this kind of model.
    case wrongMagic(expected: String)
    /// The bytes were written by a format version this build does not read.
    case unsupportedVersion(UInt16)
    /// The bytes end before the model does: `needed` bytes were wanted at `offset`.
    case truncated(offset: Int, needed: Int)
    /// The bytes are complete but describe an impossible model (a negative count, bytes left over…).
    case corrupt(String)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case .wrongMagic(let expected): "not a serialized model: the bytes do not start with \"\(expected)\""
        case .unsupportedVersion(let version): "unsupported model format version \(version)"
        case .truncated(let offset, let needed): "truncated model: \(needed) more bytes needed at offset \(offset)"
        case .corrupt(let reason): "corrupt model: \(reason)"
        }
    }
}
