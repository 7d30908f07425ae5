import Foundation

/// One event as queued and sent to `POST /v1/events` (the Segment spec).
///
/// The client stamps ``messageID`` and ``timestamp`` when the event is recorded, so a retried
/// batch is recognised by the server and counted as duplicates, never stored twice.
public struct BaristaEvent: Sendable, Hashable, Codable {
    /// The Segment event types.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An action (`Product Viewed`, `Order Completed`, your own names).
        case track
        /// Who the person is: traits, and the link between anonymous and user ids.
        case identify
        /// A web page view.
        case page
        /// An app screen view.
        case screen
        /// Merges `previous_id`'s profile into `user_id`'s.
        case alias
    }

    /// `type`.
    public var kind: Kind
    /// `event`: the name of a track event.
    public var event: String?
    /// `name`: the name of a page or screen.
    public var name: String?
    /// `user_id`.
    public var userID: String?
    /// `anonymous_id`.
    public var anonymousID: String?
    /// `previous_id` of an alias.
    public var previousID: String?
    /// `user_hash`: hex HMAC-SHA256(identity_secret, user_id), from your server, for sites that set `require_user_hash`.
    public var userHash: String?
    /// `message_id`: unique per event; what makes retries idempotent.
    public var messageID: String
    /// `timestamp`: when the event happened (the call, not the upload).
    public var timestamp: Date
    /// `properties` of a track, page or screen event.
    public var properties: [String: JSONValue]?
    /// `traits` of an identify event.
    public var traits: [String: JSONValue]?
    /// `context`: `channel`, `locale`, `app`… whatever describes where it happened.
    public var context: [String: JSONValue]?

    /// An event; ``messageID`` defaults to a fresh UUID and ``timestamp`` to now.
    public init(
        kind: Kind, event: String? = nil, name: String? = nil, userID: String? = nil, anonymousID: String? = nil,
        previousID: String? = nil, messageID: String = UUID().uuidString.lowercased(), timestamp: Date = Date(),
        properties: [String: JSONValue]? = nil, traits: [String: JSONValue]? = nil, context: [String: JSONValue]? = nil
    ) {
        self.kind = kind
        self.event = event
        self.name = name
        self.userID = userID
        self.anonymousID = anonymousID
        self.previousID = previousID
        self.messageID = messageID
        self.timestamp = timestamp
        self.properties = properties
        self.traits = traits
        self.context = context
    }

    private enum CodingKeys: String, CodingKey {
        case kind = "type", event, name, userID = "user_id", anonymousID = "anonymous_id", previousID = "previous_id", userHash = "user_hash"
        case messageID = "message_id", timestamp, properties, traits, context
    }

    /// Decodes an event; `timestamp` is RFC 3339 text (or Unix seconds), whatever the decoder's date strategy.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        event = try c.decodeIfPresent(String.self, forKey: .event)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        userID = try c.decodeIfPresent(String.self, forKey: .userID)
        anonymousID = try c.decodeIfPresent(String.self, forKey: .anonymousID)
        previousID = try c.decodeIfPresent(String.self, forKey: .previousID)
        userHash = try c.decodeIfPresent(String.self, forKey: .userHash)
        messageID = try c.decode(String.self, forKey: .messageID)
        if let seconds = try? c.decode(Double.self, forKey: .timestamp) {
            timestamp = Date(timeIntervalSince1970: seconds)
        } else {
            let text = try c.decode(String.self, forKey: .timestamp)
            guard let date = Coding.parseTime(text) else {
                throw DecodingError.dataCorruptedError(forKey: .timestamp, in: c, debugDescription: "not an RFC 3339 time: \(text)")
            }
            timestamp = date
        }
        properties = try c.decodeIfPresent([String: JSONValue].self, forKey: .properties)
        traits = try c.decodeIfPresent([String: JSONValue].self, forKey: .traits)
        context = try c.decodeIfPresent([String: JSONValue].self, forKey: .context)
    }

    /// Encodes the event as `POST /v1/events` reads it, `timestamp` as RFC 3339 with milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(event, forKey: .event)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(userID, forKey: .userID)
        try c.encodeIfPresent(anonymousID, forKey: .anonymousID)
        try c.encodeIfPresent(previousID, forKey: .previousID)
        try c.encodeIfPresent(userHash, forKey: .userHash)
        try c.encode(messageID, forKey: .messageID)
        try c.encode(Coding.formatTime(timestamp), forKey: .timestamp)
        try c.encodeIfPresent(properties, forKey: .properties)
        try c.encodeIfPresent(traits, forKey: .traits)
        try c.encodeIfPresent(context, forKey: .context)
    }
}

/// What a flush achieved: the server's counts over every batch sent, and the events it refused.
public struct FlushReport: Sendable, Hashable {
    /// Events newly stored.
    public var accepted: Int = 0
    /// Events the server already had (a retried `message_id`): not stored again.
    public var duplicates: Int = 0
    /// Events refused as invalid; they are dropped from the queue, since sending them again
    /// cannot succeed.
    public var rejected: [RejectedEvent] = []

    /// An empty report.
    public init() {}
}

/// An event the server refused, with the fields at fault.
public struct RejectedEvent: Sendable, Hashable {
    /// The event as it was sent.
    public var event: BaristaEvent
    /// The problems, located by JSON Pointers into the batch as sent (`/batch/3/properties/product_id`).
    public var errors: [FieldProblem]
}

/// The `202` answer of `POST /v1/events`.
struct BatchAnswer: Decodable {
    struct Rejection: Decodable {
        var index: Int
        var errors: [FieldProblem]
    }

    var accepted: Int
    var duplicates: Int
    var rejected: [Rejection]
}
