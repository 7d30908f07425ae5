import BaristaCore
import Foundation

/// Plays one shopper's months at the shop, in time order: visits on the web and in the app,
/// searches, views, carts, orders and abandoned carts, sign-up, newsletters and the visits their
/// links bring, and the occasional rating. Produces API-shaped events with unique message ids.
struct DemoShopperSimulation {
    /// Where a visit comes from.
    enum Entry {
        /// The shopper came on their own.
        case organic
        /// A link in an email, to a product.
        case email(campaign: String, product: DemoProduct?)
        /// The "your basket is waiting" email.
        case cartReminder(campaign: String)
    }

    /// Who is shopping.
    let shopper: DemoShopper
    /// What there is to buy.
    let catalog: DemoCatalog
    /// `demo-<seed>-<shopper>-`: the start of every message id.
    let messagePrefix: String
    /// The end of the period (Unix seconds).
    let now: Double
    /// The shopper's random stream.
    var rng: SplitMix64
    /// The events so far (not sorted across visits).
    var events: [DemoEvent] = []
    /// Whether the shop knows the shopper's user id yet.
    var identified = false
    /// Whether newsletters still go out (an unsubscribe stops them).
    var subscribed: Bool
    /// What is in the cart now.
    var cart: [(product: DemoProduct, quantity: Int)] = []
    /// Numbers carts (`cart-<shopper>-<n>`); a new one after each order or expiry.
    var cartNumber = 1
    /// Orders placed so far.
    var orderCount = 0
    /// Emails sent so far (for email ids).
    var emailCount = 0
    /// The cart a reminder email was last sent for (one reminder per cart).
    var remindedCart = 0
    /// Visits so far.
    var visitCount = 0
    private var messageCount = 0
    private let webContext: JSONValue
    private let appContext: JSONValue
    private let emailContext: JSONValue

    /// Prepares the simulation of `shopper`.
    ///
    /// - Parameters:
    ///   - shopper: Who.
    ///   - catalog: What there is to buy.
    ///   - seed: The demo's seed, part of every message id (so two demo shops never share one).
    ///   - rng: The shopper's random stream.
    ///   - now: The end of the period (Unix seconds).
    init(shopper: DemoShopper, catalog: DemoCatalog, seed: UInt64, rng: SplitMix64, now: Double) {
        self.shopper = shopper
        self.catalog = catalog
        self.messagePrefix = "demo-" + String(seed, radix: 36) + "-" + String(shopper.index + 1) + "-"
        self.now = now
        self.rng = rng
        self.subscribed = shopper.subscribed
        webContext = ["channel": "web", "locale": .string(shopper.locale)]
        appContext = ["channel": "app", "locale": .string(shopper.locale)]
        emailContext = ["channel": "email", "locale": .string(shopper.locale)]
    }

    /// Runs the whole period and returns the shopper's events.
    mutating func run(newsletters: [DemoNewsletter]) -> [DemoEvent] {
        var visits = [shopper.firstVisit]
        for _ in 1..<shopper.sessions {
            visits.append(daytime(shopper.firstVisit + rng.unit() * (now - 3_600 - shopper.firstVisit)))
        }
        visits.sort()
        var letters = newsletters.filter { $0.sentAt > shopper.firstVisit }[...]
        for visit in visits {
            while let letter = letters.first, letter.sentAt < visit {
                letters.removeFirst()
                receive(letter)
            }
            self.visit(at: visit, entry: .organic)
        }
        for letter in letters { receive(letter) }
        return events
    }

    /// `time` moved to a plausible hour of the same day (evenings and lunchtime are busiest).
    private mutating func daytime(_ time: Double) -> Double {
        let hourWeights: [Double] = [
            1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 4, 4.5, 5.5, 5, 4.5, 4.5, 5, 5.5, 6.5, 8, 9, 8, 5, 2.5,
        ]
        let day = (time / 86_400).rounded(.down) * 86_400
        let moved = day + Double(rng.weightedIndex(hourWeights) * 3600 + rng.int(0...3599))
        return moved < now - 3_600 && moved > shopper.firstVisit ? moved : time
    }

    /// Appends an event. Identity fields follow what the shop knows at that moment: the browser's
    /// (or app's) anonymous id, plus the user id once identified; emails go to the user id only.
    mutating func emit(
        _ type: String, _ name: String? = nil, at time: Double, channel: String,
        properties: [String: JSONValue]? = nil, traits: JSONValue? = nil, campaign: String? = nil
    ) {
        messageCount += 1
        var event = [String: JSONValue](minimumCapacity: 9)
        event["type"] = .string(type)
        event["message_id"] = .string(messagePrefix + String(messageCount))
        event["timestamp"] = .string(Timestamp.format(Date(timeIntervalSince1970: time.rounded(.down))))
        if let name { event[type == "track" ? "event" : "name"] = .string(name) }
        switch channel {
        case "email":
            event["user_id"] = .string(shopper.userID)
        case "app":
            event["user_id"] = .string(shopper.userID)
            event["anonymous_id"] = .string(shopper.deviceID ?? shopper.anonymousID)
        default:
            event["anonymous_id"] = .string(shopper.anonymousID)
            if identified { event["user_id"] = .string(shopper.userID) }
        }
        if let properties { event["properties"] = .object(properties) }
        if let traits { event["traits"] = traits }
        if let campaign {
            event["context"] = [
                "channel": .string(channel), "locale": .string(shopper.locale),
                "campaign": ["name": .string(campaign), "source": "newsletter", "medium": "email"],
            ]
        } else {
            event["context"] = channel == "app" ? appContext : channel == "email" ? emailContext : webContext
        }
        events.append(DemoEvent(time: time.rounded(.down), value: .object(event)))
    }

    /// The shopper says who they are (login, sign-up or checkout): an `identify` with traits that
    /// links the anonymous id to the user id.
    mutating func identify(at time: Double, channel: String) {
        identified = true
        emit("identify", at: time, channel: channel, traits: shopper.traits)
    }

    /// A few seconds to a couple of minutes later.
    mutating func later(_ time: Double) -> Double {
        time + 4 + rng.double(0...1) * rng.double(5...110)
    }
}
