import Foundation

extension RewardsLedger {
    /// The ledger as a profile checkpoint keeps it: `{"balance", "entries":[[kind, message_id, at,
    /// points, order, amount, label, origin], …]}` (points and amounts are exact below 2^53).
    public var storageJSON: JSONValue {
        [
            "balance": .number(Double(balance)),
            "entries": .array(entries.map { e in
                .array([
                    .string(e.kind.rawValue), .string(e.messageID), .number(e.at.timeIntervalSince1970), .number(Double(e.points)),
                    e.order.map(JSONValue.string) ?? .null, .number(Double(e.amount)), e.label.map(JSONValue.string) ?? .null,
                    e.origin.map { .number($0.timeIntervalSince1970) } ?? .null,
                ])
            }),
        ]
    }

    /// Reads back ``storageJSON``; nil when it is not a stored ledger.
    public init?(storage value: JSONValue) {
        guard let balance = value["balance"]?.doubleValue.flatMap({ Int64(exactly: $0) }), let rows = value["entries"]?.arrayValue else { return nil }
        let entries: [Entry] = rows.compactMap { row in
            guard let a = row.arrayValue, a.count == 8, let kind = a[0].stringValue.flatMap(Entry.Kind.init(rawValue:)),
                let message = a[1].stringValue, let at = a[2].doubleValue, let points = a[3].doubleValue.flatMap({ Int64(exactly: $0) }),
                let amount = a[5].doubleValue.flatMap({ Int64(exactly: $0) })
            else { return nil }
            return Entry(kind: kind, messageID: message, at: Date(timeIntervalSince1970: at), points: points, order: a[4].stringValue,
                amount: amount, label: a[6].stringValue, origin: a[7].doubleValue.map { Date(timeIntervalSince1970: $0) })
        }
        self.init(balance: balance, entries: entries)
    }
}
