import Foundation

/// The profile's stored form: compact JSON through Barista's own codec (checkpoints write many
/// profiles at once, and `JSONEncoder` was the largest cost of a checkpoint).
extension Profile {
    /// The profile as the store keeps it.
    public var storageJSON: JSONValue {
        var affinityObject: [String: JSONValue] = [:]
        for (dimension, values) in affinities.weights {
            affinityObject[dimension.rawValue] = .object(values.mapValues { .array([.number($0.weight), .number($0.at.timeIntervalSince1970)]) })
        }
        var object: [String: JSONValue] = [
            "id": .string(id.rawValue),
            "traits": .object(traits),
            "consent": consent.json,
            "preferences": preferences.json,
            "channels": .array(channels.map(JSONValue.string)),
            "viewed": .array(recentlyViewed.map { .array([.string($0.itemID.rawValue), .number($0.at.timeIntervalSince1970)]) }),
            "cart": .array(cart.map { line in
                .array([.string(line.itemID.rawValue), .number(line.quantity), line.price.map(JSONValue.number) ?? .null,
                    .number(line.addedAt.timeIntervalSince1970)])
            }),
            "orders": .number(Double(orders)),
            "revenue": .number(revenue),
            "affinities": .object(affinityObject),
            "recent": .array(recentEvents.map { e in
                .array([.string(e.type), e.event.map(JSONValue.string) ?? .null, .string(e.messageID), .number(e.at.timeIntervalSince1970),
                    .string(e.channel), .object(e.properties)])
            }),
            "counts": .object(eventCounts.mapValues { .number(Double($0)) }),
            "purchased": .array(purchased.map { .string($0.rawValue) }),
            "bought": .array(recentPurchases.map { .array([.string($0.itemID.rawValue), .number($0.at.timeIntervalSince1970)]) }),
            "order_days": .array(orderDays.map { .number(Double($0)) }),
            "email_weeks": .array(emailWeeks.map { .array([.number(Double($0.week)), .number(Double($0.sends)), .number(Double($0.opens)), .number(Double($0.clicks))]) }),
        ]
        if let unsubscribedAt { object["unsubscribed_at"] = .number(unsubscribedAt.timeIntervalSince1970) }
        if !rewards.isEmpty { object["rewards"] = rewards.storageJSON }
        if !emailOpenHours.isEmpty { object["open_hours"] = .array(emailOpenHours.map { .number(Double($0)) }) }
        if let firstSeen { object["first_seen"] = .number(firstSeen.timeIntervalSince1970) }
        if let lastSeen { object["last_seen"] = .number(lastSeen.timeIntervalSince1970) }
        if let session {
            object["session"] = .array([.number(session.startedAt.timeIntervalSince1970), .number(session.lastActivityAt.timeIntervalSince1970),
                .number(Double(session.views)), .number(Double(session.adds)), .bool(session.checkoutStarted), .bool(session.ordered)])
        }
        return .object(object)
    }

    /// Reads back ``storageJSON``; nil when it is not a stored profile.
    public init?(storage value: JSONValue) {
        guard let id = value["id"]?.stringValue else { return nil }
        self.init(id: ProfileID(id))
        func date(_ v: JSONValue?) -> Date? { v?.doubleValue.map { Date(timeIntervalSince1970: $0) } }
        traits = value["traits"]?.objectValue ?? [:]
        if let c = value["consent"], case .success(let parsed) = Consent.parse(c, at: JSONPointer()) { consent = parsed }
        if let p = value["preferences"], case .success(let parsed) = Preferences.parse(p, at: JSONPointer()) { preferences = parsed }
        firstSeen = date(value["first_seen"])
        lastSeen = date(value["last_seen"])
        channels = value["channels"]?.arrayValue?.compactMap(\.stringValue) ?? []
        func history(_ v: JSONValue?) -> [ViewedItem] {
            v?.arrayValue?.compactMap { v in
                guard let a = v.arrayValue, a.count == 2, let item = a[0].stringValue, let at = date(a[1]) else { return nil }
                return ViewedItem(itemID: ItemID(item), at: at)
            } ?? []
        }
        recentlyViewed = history(value["viewed"])
        recentPurchases = history(value["bought"])
        cart = value["cart"]?.arrayValue?.compactMap { v in
            guard let a = v.arrayValue, a.count == 4, let item = a[0].stringValue, let quantity = a[1].doubleValue, let at = date(a[3]) else { return nil }
            return CartLine(itemID: ItemID(item), quantity: quantity, price: a[2].doubleValue, addedAt: at)
        } ?? []
        if let s = value["session"]?.arrayValue, s.count == 6, let start = date(s[0]), let last = date(s[1]) {
            session = Session(startedAt: start, lastActivityAt: last, views: Int(s[2].doubleValue ?? 0), adds: Int(s[3].doubleValue ?? 0),
                checkoutStarted: s[4].boolValue ?? false, ordered: s[5].boolValue ?? false)
        }
        orders = Int(value["orders"]?.doubleValue ?? 0)
        revenue = value["revenue"]?.doubleValue ?? 0
        for (dimensionName, values) in value["affinities"]?.objectValue ?? [:] {
            guard let dimension = AffinityDimension(rawValue: dimensionName), let values = values.objectValue else { continue }
            affinities.weights[dimension] = values.compactMapValues { v in
                guard let a = v.arrayValue, a.count == 2, let weight = a[0].doubleValue, let at = date(a[1]) else { return nil }
                return Affinities.Weight(weight: weight, at: at)
            }
        }
        recentEvents = value["recent"]?.arrayValue?.compactMap { v in
            guard let a = v.arrayValue, a.count == 6, let type = a[0].stringValue, let message = a[2].stringValue, let at = date(a[3]),
                let channel = a[4].stringValue
            else { return nil }
            return EventSummary(type: type, event: a[1].stringValue, messageID: message, at: at, channel: channel, properties: a[5].objectValue ?? [:])
        } ?? []
        eventCounts = (value["counts"]?.objectValue ?? [:]).compactMapValues { $0.doubleValue.map { Int($0) } }
        emailWeeks = value["email_weeks"]?.arrayValue?.compactMap { v in
            guard let a = v.arrayValue, a.count == 4, let w = a[0].doubleValue, let s = a[1].doubleValue, let o = a[2].doubleValue, let c = a[3].doubleValue
            else { return nil }
            return EmailWeek(week: Int32(w), sends: Int32(s), opens: Int32(o), clicks: Int32(c))
        } ?? []
        unsubscribedAt = date(value["unsubscribed_at"])
        emailOpenHours = value["open_hours"]?.arrayValue?.compactMap { $0.doubleValue.map { Int32($0) } } ?? []
        if emailOpenHours.count != 24 { emailOpenHours = [] }
        orderDays = value["order_days"]?.arrayValue?.compactMap { $0.doubleValue.map { Int32($0) } } ?? []
        if let stored = value["rewards"], let ledger = RewardsLedger(storage: stored) { rewards = ledger }
        purchased = Set(value["purchased"]?.arrayValue?.compactMap { $0.stringValue.map { ItemID($0) } } ?? [])
    }
}

extension Item {
    /// Reads back ``json`` as the store keeps it (no validation: it was validated when written).
    public init?(stored value: JSONValue) {
        guard let id = value["item_id"]?.stringValue else { return nil }
        self.init(
            id: ItemID(id), title: value["title"]?.stringValue, category: value["category"]?.stringValue, brand: value["brand"]?.stringValue,
            color: value["color"]?.stringValue, style: value["style"]?.stringValue, price: value["price"]?.doubleValue,
            currency: value["currency"]?.stringValue, tags: value["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            inStock: value["in_stock"]?.boolValue ?? true, url: value["url"]?.stringValue, imageURL: value["image_url"]?.stringValue,
            attributes: value["attributes"]?.objectValue ?? [:],
            publishedAt: value["published_at"]?.stringValue.flatMap(Timestamp.parse),
            updatedAt: value["updated_at"]?.stringValue.flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0))
    }
}
