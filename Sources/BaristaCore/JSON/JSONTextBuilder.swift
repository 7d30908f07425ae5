/// Writes JSON text piece by piece into one buffer, for answers that embed JSON already encoded
/// (a recommendation's items, cached as text when they were stored).
///
/// ```swift
/// var text = JSONTextBuilder(capacity: 4096)
/// text.raw("{\"items\":[")
/// text.raw(cachedItemJSON)
/// text.raw("],\"id\":")
/// text.value(.string(id))
/// text.raw("}")
/// ```
/// The caller is responsible for the result being valid JSON: `raw` writes its text unchecked.
public struct JSONTextBuilder: Sendable {
    private var writer = JSONWriter(sortedKeys: false)

    /// An empty builder with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        writer.reserve(capacity)
    }

    /// Appends JSON text as it is (punctuation, or a value encoded before).
    public mutating func raw(_ text: String) {
        writer.writeRaw(text)
    }

    /// Appends JSON text given as UTF-8 bytes, as it is.
    public mutating func raw(bytes: [UInt8]) {
        writer.writeRaw(bytes)
    }

    /// Appends a value, encoded as ``JSON/serialize(_:sortedKeys:)`` would.
    public mutating func value(_ value: JSONValue) {
        writer.write(value)
    }

    /// The text written so far, as UTF-8 bytes.
    public var bytes: [UInt8] { writer.output }
}
