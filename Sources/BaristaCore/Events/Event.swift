import Foundation

/// One accepted event: a Segment-spec call (`track`, `identify`, `alias`, `page`, `screen`), or one of
/// Barista's own profile changes (`consent`, `preferences`) that go through the same log.
///
/// Events are validated from JSON by ``EventValidator``; every field is already normalised here
/// (snake_case names, a `message_id` always present, a timestamp always set).
public struct Event: Sendable, Hashable {
    /// The Segment call type, plus Barista's internal profile changes.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The Segment spec's calls, as sent in `type`.
        case track, identify, alias, page, screen
        /// A consent change recorded by `PUT /v1/profiles/{id}/consent`.
        case consent
        /// A preferences change recorded by `PUT /v1/profiles/{id}/preferences`.
        case preferences
    }

    /// The call type (`type` in JSON); a body without `type` but with an `event` is a `track`.
    public var kind: Kind
    /// The event name of a `track` (`Product Viewed`), or the page/screen name.
    public var name: String?
    /// `user_id`: the shop's own id of the person; nil for an anonymous visitor.
    public var userID: String?
    /// `anonymous_id`: the browser or device id of a visitor, known or not; nil when not sent.
    public var anonymousID: String?
    /// `alias` only: the id being merged into `userID`.
    public var previousID: String?
    /// Idempotency key: a repeated `message_id` is stored once.
    public var messageID: String
    /// When it happened (defaults to the time of receipt).
    public var timestamp: Date
    /// When Barista received it.
    public var receivedAt: Date
    /// `properties`: the event's data (`product_id`, `price`, `products`, …); empty when none was sent.
    public var properties: [String: JSONValue]
    /// `traits` to merge into the profile (from `identify`, or a `track` that carries some); empty when none.
    public var traits: [String: JSONValue]
    /// `context`: where the event came from (`channel`, `ip`, `locale`, `timezone`, …); empty when none.
    public var context: [String: JSONValue]

    /// An event whose fields are already normalised; ``EventValidator`` builds these from JSON.
    public init(
        kind: Kind, name: String? = nil, userID: String? = nil, anonymousID: String? = nil, previousID: String? = nil,
        messageID: String, timestamp: Date, receivedAt: Date, properties: [String: JSONValue] = [:],
        traits: [String: JSONValue] = [:], context: [String: JSONValue] = [:]
    ) {
        self.kind = kind
        self.name = name
        self.userID = userID
        self.anonymousID = anonymousID
        self.previousID = previousID
        self.messageID = messageID
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.properties = properties
        self.traits = traits
        self.context = context
    }

    /// The channel it came from: `context.channel` when given, else `email` for email events,
    /// `app` when the context names an app or a device, `web` otherwise.
    public var channel: String {
        if let channel = context["channel"]?.stringValue { return channel }
        if let name, EventName.emailEvents.contains(name) { return "email" }
        if context["app"] != nil || context["device"] != nil || kind == .screen { return "app" }
        return "web"
    }

    /// The single item a one-item event names (`properties.product_id`).
    public var productID: ItemID? {
        properties["product_id"]?.idString.map { ItemID($0) }
    }

    /// The text of ``json``, written member by member (the ingestion path stores one per event).
    public var storedText: String {
        var object = JSONObjectWriter()
        object.member("type", string: kind.rawValue)
        object.member("message_id", string: messageID)
        object.member("timestamp", string: Timestamp.format(timestamp))
        object.member("received_at", string: Timestamp.format(receivedAt))
        if let name { object.member(kind == .track ? "event" : "name", string: name) }
        if let userID { object.member("user_id", string: userID) }
        if let anonymousID { object.member("anonymous_id", string: anonymousID) }
        if let previousID { object.member("previous_id", string: previousID) }
        if !properties.isEmpty { object.member("properties", .object(properties)) }
        if !traits.isEmpty { object.member("traits", .object(traits)) }
        if !context.isEmpty { object.member("context", .object(context)) }
        return object.finish()
    }

    /// The event as stored and exported: the normalised snake_case form of what was received.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(kind.rawValue),
            "message_id": .string(messageID),
            "timestamp": .string(Timestamp.format(timestamp)),
            "received_at": .string(Timestamp.format(receivedAt)),
        ]
        if let name { object[kind == .track ? "event" : "name"] = .string(name) }
        if let userID { object["user_id"] = .string(userID) }
        if let anonymousID { object["anonymous_id"] = .string(anonymousID) }
        if let previousID { object["previous_id"] = .string(previousID) }
        if !properties.isEmpty { object["properties"] = .object(properties) }
        if !traits.isEmpty { object["traits"] = .object(traits) }
        if !context.isEmpty { object["context"] = .object(context) }
        return .object(object)
    }
}

/// The event names of the Segment e-commerce and email specs that Barista understands.
public enum EventName {
    /// `Product Viewed`: one item was seen; feeds recently viewed, the visit and affinities (default weight 1).
    public static let productViewed = "Product Viewed"
    /// `Product Clicked`: the person clicked one item; feeds affinities (default weight 1.5).
    public static let productClicked = "Product Clicked"
    /// `Product Added`: one item (`quantity`, `price`) went into the cart; feeds affinities (default weight 3).
    public static let productAdded = "Product Added"
    /// `Product Removed`: `quantity` of one item (all of it when absent) left the cart.
    public static let productRemoved = "Product Removed"
    /// `Cart Viewed`: the person looked at their cart.
    public static let cartViewed = "Cart Viewed"
    /// `Checkout Started`: the person began to check out; the visit's intent is `buying` until an order.
    public static let checkoutStarted = "Checkout Started"
    /// `Order Completed`: an order of `products[]` with `revenue` or `total`; empties the cart (default affinity weight 5).
    public static let orderCompleted = "Order Completed"
    /// `Products Searched`: a search for `properties.query`.
    public static let productsSearched = "Products Searched"
    /// `Product List Viewed`: a category or list page was seen.
    public static let productListViewed = "Product List Viewed"
    /// `Promotion Clicked`: the person clicked an internal promotion (a banner, an offer).
    public static let promotionClicked = "Promotion Clicked"
    /// `Product Rated`: the person rated one item.
    public static let productRated = "Product Rated"
    /// `Email Delivered`: an email reached the person's inbox.
    public static let emailDelivered = "Email Delivered"
    /// `Email Opened`: the person opened an email.
    public static let emailOpened = "Email Opened"
    /// `Email Link Clicked`: the person clicked a link in an email.
    public static let emailLinkClicked = "Email Link Clicked"
    /// `Unsubscribed`: the person unsubscribed from email.
    public static let unsubscribed = "Unsubscribed"
    /// `Quiz Answered`: recorded by Barista for `POST /v1/quizzes/{key}/responses` (`quiz`, `answers`).
    public static let quizAnswered = "Quiz Answered"

    /// Events that name one item in `properties.product_id`, which must then be present.
    public static let singleItemEvents: Set<String> = [
        productViewed, productClicked, productAdded, productRemoved, productRated,
    ]
    /// The email spec's events.
    public static let emailEvents: Set<String> = [emailDelivered, emailOpened, emailLinkClicked, unsubscribed]
    /// Every event name with a meaning to Barista; any other name is a custom event.
    public static let known: Set<String> = singleItemEvents.union(emailEvents).union([
        cartViewed, checkoutStarted, orderCompleted, productsSearched, productListViewed, promotionClicked,
    ])
}

extension Event {
    /// The number a segment sums for `property`: the property when it is a number (or a numeric
    /// string); for an order's `revenue`, its `total` or the sum of its lines when `revenue` is absent.
    public func numericValue(of property: String) -> Double? {
        if let value = properties[property] {
            if let number = value.doubleValue { return number }
            if let text = value.stringValue, let number = Double(text) { return number }
        }
        guard property == "revenue", name == EventName.orderCompleted else { return nil }
        if let total = properties["total"]?.doubleValue { return total }
        let lines = properties["products"]?.arrayValue ?? []
        return lines.reduce(0.0) { $0 + ($1["quantity"]?.doubleValue ?? 1) * ($1["price"]?.doubleValue ?? 0) }
    }
}
