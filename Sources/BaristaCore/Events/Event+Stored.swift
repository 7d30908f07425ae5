import Foundation

extension Event {
    /// Reads back an event the log stored as ``json`` (no validation: it was validated when accepted).
    public init?(stored value: JSONValue) {
        guard let type = value["type"]?.stringValue, let kind = Kind(rawValue: type),
            let messageID = value["message_id"]?.stringValue,
            let timestamp = value["timestamp"]?.stringValue.flatMap(Timestamp.parse)
        else { return nil }
        self.init(
            kind: kind, name: value[kind == .track ? "event" : "name"]?.stringValue,
            userID: value["user_id"]?.stringValue, anonymousID: value["anonymous_id"]?.stringValue,
            previousID: value["previous_id"]?.stringValue, messageID: messageID, timestamp: timestamp,
            receivedAt: value["received_at"]?.stringValue.flatMap(Timestamp.parse) ?? timestamp,
            properties: value["properties"]?.objectValue ?? [:], traits: value["traits"]?.objectValue ?? [:],
            context: value["context"]?.objectValue ?? [:])
    }
}
