/// The request limits of API.md; configurable per server.
public struct Limits: Sendable, Hashable {
    /// The largest request body, in bytes (1 MiB).
    public var maxBodyBytes: Int = 1 << 20
    /// The most events in one batch (1000).
    public var maxBatchEvents: Int = 1000
    /// The most properties (or traits) in one event (255).
    public var maxProperties: Int = 255
    /// The longest string value, in UTF-8 bytes (8 KiB).
    public var maxStringBytes: Int = 8 * 1024
    /// The longest id (user, anonymous, message, item, profile): 256 characters.
    public var maxIDLength: Int = 256
    /// The deepest nesting of a request body.
    public var maxDepth: Int = 32

    /// API.md's default limits; set fields to configure them.
    public init() {}
}
