import Foundation

/// A person's 360° view (`GET /v1/profiles/{id}`): the fields most apps need, typed, and
/// everything the server sent in ``raw``.
public struct Profile: Sendable, Hashable, Decodable {
    /// `profile_id`.
    public var profileID: String
    /// `user_ids` linked to the profile.
    public var userIDs: [String]
    /// `anonymous_ids` linked to the profile.
    public var anonymousIDs: [String]
    /// `traits`, as set by `identify` (nested objects merged).
    public var traits: [String: JSONValue]
    /// `consent`, with the site's defaults filled in.
    public var consent: Consent
    /// `preferences`: the person's own choices.
    public var preferences: Preferences
    /// `first_seen`.
    public var firstSeen: Date?
    /// `last_seen`.
    public var lastSeen: Date?
    /// `intent`: `browsing`, `shopping` or `buying`.
    public var intent: String?
    /// `orders`: how many orders the person completed.
    public var orders: Int
    /// `revenue`: the sum of their orders.
    public var revenue: Double
    /// `segments` the person belongs to, by key.
    public var segments: [String]
    /// `persona`: the key of their highest-priority persona segment.
    public var persona: String?
    /// `recently_viewed` item ids, newest first.
    public var recentlyViewed: [String]
    /// `cart` item ids.
    public var cart: [String]
    /// `affinities`: per attribute (`category`, `brand`, `color`, `style`, `tags`), shares in 0–1.
    public var affinities: [String: [String: Double]]
    /// The whole document as the server sent it, for the fields not typed here (`predictions`,
    /// `recent_events`, `rewards`…).
    public var raw: JSONValue

    private enum CodingKeys: String, CodingKey {
        case profileID = "profile_id", userIDs = "user_ids", anonymousIDs = "anonymous_ids", traits, consent, preferences
        case firstSeen = "first_seen", lastSeen = "last_seen", intent, orders, revenue, segments, persona
        case recentlyViewed = "recently_viewed", cart, affinities
    }

    private struct ItemLine: Decodable {
        var itemID: String
        private enum CodingKeys: String, CodingKey { case itemID = "item_id" }
    }

    /// Decodes a profile, keeping the whole document in ``raw``.
    public init(from decoder: any Decoder) throws {
        raw = try JSONValue(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        profileID = try c.decode(String.self, forKey: .profileID)
        userIDs = try c.decodeIfPresent([String].self, forKey: .userIDs) ?? []
        anonymousIDs = try c.decodeIfPresent([String].self, forKey: .anonymousIDs) ?? []
        traits = try c.decodeIfPresent([String: JSONValue].self, forKey: .traits) ?? [:]
        consent = try c.decodeIfPresent(Consent.self, forKey: .consent) ?? Consent()
        preferences = try c.decodeIfPresent(Preferences.self, forKey: .preferences) ?? Preferences()
        firstSeen = try c.decodeIfPresent(Date.self, forKey: .firstSeen)
        lastSeen = try c.decodeIfPresent(Date.self, forKey: .lastSeen)
        intent = try c.decodeIfPresent(String.self, forKey: .intent)
        orders = try c.decodeIfPresent(Int.self, forKey: .orders) ?? 0
        revenue = try c.decodeIfPresent(Double.self, forKey: .revenue) ?? 0
        segments = try c.decodeIfPresent([String].self, forKey: .segments) ?? []
        persona = try c.decodeIfPresent(String.self, forKey: .persona)
        recentlyViewed = try c.decodeIfPresent([ItemLine].self, forKey: .recentlyViewed)?.map(\.itemID) ?? []
        cart = try c.decodeIfPresent([ItemLine].self, forKey: .cart)?.map(\.itemID) ?? []
        affinities = try c.decodeIfPresent([String: [String: Double]].self, forKey: .affinities) ?? [:]
    }
}

/// A person's consent per purpose; nil purposes are unset (the site's default applies).
public struct Consent: Sendable, Hashable, Codable {
    /// `personalization`: personalized results and profile-based targeting.
    public var personalization: Bool?
    /// `email`: marketing email.
    public var email: Bool?
    /// `analytics`: measurement.
    public var analytics: Bool?

    /// A consent; purposes left nil are not changed by `setConsent`.
    public init(personalization: Bool? = nil, email: Bool? = nil, analytics: Bool? = nil) {
        self.personalization = personalization
        self.email = email
        self.analytics = analytics
    }
}

/// A person's own preferences, which outrank everything inferred.
public struct Preferences: Sendable, Hashable, Codable {
    /// `brands` they like.
    public var brands: [String]?
    /// `colors` they like.
    public var colors: [String]?
    /// `categories` they like.
    public var categories: [String]?
    /// `styles` they like.
    public var styles: [String]?
    /// `email_frequency_per_week`: the most marketing emails a week they want.
    public var emailFrequencyPerWeek: Double?

    /// Preferences; nil members are not stated.
    public init(
        brands: [String]? = nil, colors: [String]? = nil, categories: [String]? = nil, styles: [String]? = nil,
        emailFrequencyPerWeek: Double? = nil
    ) {
        self.brands = brands
        self.colors = colors
        self.categories = categories
        self.styles = styles
        self.emailFrequencyPerWeek = emailFrequencyPerWeek
    }

    private enum CodingKeys: String, CodingKey {
        case brands, colors, categories, styles, emailFrequencyPerWeek = "email_frequency_per_week"
    }
}

/// Everything stored about a person (`GET /v1/profiles/{id}/export`).
public struct ProfileExport: Sendable, Hashable, Decodable {
    /// `profile`: the 360° view.
    public var profile: Profile
    /// `events`: every stored event as received, each with its `message_id`.
    public var events: [JSONValue]
    /// `decisions`: the decisions logged for the person.
    public var decisions: [JSONValue]
    /// `messages`: the messages sent or queued for the person.
    public var messages: [JSONValue]

    /// The `message_id` of each exported event.
    public var messageIDs: [String] { events.compactMap { $0["message_id"]?.stringValue } }
}

/// Proof of an erasure (`DELETE /v1/profiles/{id}`).
public struct ErasureReceipt: Sendable, Hashable, Decodable {
    /// `profile_id` of the erased profile.
    public var profileID: String
    /// `events_deleted`: how many events were removed.
    public var eventsDeleted: Int
    /// `at`: when the erasure was committed.
    public var at: Date

    private enum CodingKeys: String, CodingKey { case profileID = "profile_id", eventsDeleted = "events_deleted", at }
}
