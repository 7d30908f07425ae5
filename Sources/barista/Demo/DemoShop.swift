import BaristaCore

/// A generated demo shop: its catalog and its history, as API-shaped JSON.
struct DemoShop: Sendable {
    /// Items shaped like `PUT /v1/items` bodies plus `item_id`.
    var items: [JSONValue]
    /// Events shaped like `POST /v1/events` batch members, sorted by timestamp.
    var events: [JSONValue]
}

/// One generated event and its time, kept apart so events can be sorted without parsing timestamps.
struct DemoEvent: Sendable {
    /// Unix seconds.
    var time: Double
    /// The event, with its `timestamp` already written.
    var value: JSONValue
}

/// A weekly newsletter of the demo shop: sent to every subscribed, identified shopper.
struct DemoNewsletter: Sendable {
    /// `newsletter-07`.
    let id: String
    /// When it goes out (Unix seconds).
    let sentAt: Double
    /// The category it features (index into ``DemoCategory/all``).
    let category: Int
    /// The subject line.
    let subject: String

    /// One newsletter a week over the period, at 09:00 UTC, the first on the fourth day.
    static func schedule(start: Double, now: Double) -> [DemoNewsletter] {
        var letters: [DemoNewsletter] = []
        var time = (start / 86_400).rounded(.up) * 86_400 + 3 * 86_400 + 9 * 3600
        while time < now - 3600 {
            let number = letters.count + 1
            let category = (number * 5) % DemoCategory.all.count
            let name = DemoCategory.all[category].name
            letters.append(
                DemoNewsletter(
                    id: "newsletter-" + String(number).zeroPadded(to: 2), sentAt: time, category: category,
                    subject: "This week: new \(name) we think you'll like"))
            time += 7 * 86_400
        }
        return letters
    }
}
