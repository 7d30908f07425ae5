import Foundation

/// The answer of `POST /v1/recommendations`.
public struct Recommendations: Sendable, Hashable, Decodable {
    /// `recommendation_id`: echo it in `properties.recommendation_id` of later clicks and orders,
    /// so they are attributed to this answer.
    public var recommendationID: String
    /// `strategy` that answered.
    public var strategy: RecommendationStrategy
    /// `model_version` that scored the items.
    public var modelVersion: String?
    /// `items`, best first.
    public var items: [RecommendedItem]

    private enum CodingKeys: String, CodingKey {
        case recommendationID = "recommendation_id", strategy, modelVersion = "model_version", items
    }
}

/// One recommended item.
public struct RecommendedItem: Sendable, Hashable, Decodable {
    /// `item_id`.
    public var itemID: String
    /// `score`: higher is better; comparable within one answer only.
    public var score: Double
    /// `reason`: why, in words (`Because you viewed Trail Runner 2`).
    public var reason: String?
    /// `item`: the catalog entry.
    public var item: CatalogItem?

    private enum CodingKeys: String, CodingKey { case itemID = "item_id", score, reason, item }
}

/// A catalog item as the API shows it.
public struct CatalogItem: Sendable, Hashable, Decodable {
    /// `item_id`.
    public var itemID: String
    /// `title`.
    public var title: String?
    /// `category`.
    public var category: String?
    /// `brand`.
    public var brand: String?
    /// `color`.
    public var color: String?
    /// `style`.
    public var style: String?
    /// `price`.
    public var price: Double?
    /// `currency` (ISO 4217).
    public var currency: String?
    /// `tags`.
    public var tags: [String]
    /// `in_stock`.
    public var inStock: Bool
    /// `url`.
    public var url: String?
    /// `image_url`.
    public var imageURL: String?
    /// `attributes`: anything else the catalog holds.
    public var attributes: [String: JSONValue]

    private enum CodingKeys: String, CodingKey {
        case itemID = "item_id", title, category, brand, color, style, price, currency, tags, inStock = "in_stock", url
        case imageURL = "image_url", attributes
    }

    /// Decodes an item; missing lists and flags take their API defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        itemID = try c.decode(String.self, forKey: .itemID)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        brand = try c.decodeIfPresent(String.self, forKey: .brand)
        color = try c.decodeIfPresent(String.self, forKey: .color)
        style = try c.decodeIfPresent(String.self, forKey: .style)
        price = try c.decodeIfPresent(Double.self, forKey: .price)
        currency = try c.decodeIfPresent(String.self, forKey: .currency)
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        inStock = try c.decodeIfPresent(Bool.self, forKey: .inStock) ?? true
        url = try c.decodeIfPresent(String.self, forKey: .url)
        imageURL = try c.decodeIfPresent(String.self, forKey: .imageURL)
        attributes = try c.decodeIfPresent([String: JSONValue].self, forKey: .attributes) ?? [:]
    }
}

/// The answer of `POST /v1/rank`: the caller's items in the person's order.
public struct RankedList: Sendable, Hashable, Decodable {
    /// `ranking_id`: echo it in `properties.ranking_id` of later clicks and orders.
    public var rankingID: String
    /// `personalized`: false when the person's data was not used (no consent) and the caller's
    /// order came back.
    public var personalized: Bool?
    /// `items`: known items in the person's order, then unknown ones in their original order.
    public var items: [RankedItem]

    /// The item ids in their new order.
    public var itemIDs: [String] { items.map(\.itemID) }

    private enum CodingKeys: String, CodingKey { case rankingID = "ranking_id", personalized, items }
}

/// One item of a ``RankedList``.
public struct RankedItem: Sendable, Hashable, Decodable {
    /// `item_id`, as sent.
    public var itemID: String
    /// `score`: what the order follows (0 for items Barista does not know).
    public var score: Double
    /// `reason`: why the item stands where it does.
    public var reason: String?

    private enum CodingKeys: String, CodingKey { case itemID = "item_id", score, reason }
}

/// One placement's answer of `POST /v1/decide`.
public struct Decision: Sendable, Hashable, Decodable {
    /// `placement`, as asked.
    public var placement: String
    /// `experience` that decided; nil when nothing eligible runs on the placement.
    public var experience: String?
    /// `variant` to show; nil for control, holdout, or nothing eligible.
    public var variant: String?
    /// `payload` of the variant (your own JSON: a headline, a colour); `.null` otherwise.
    public var payload: JSONValue
    /// `recommendations`: the answer of the variant's recommendation request, when it has one.
    public var recommendations: Recommendations?
    /// `decision_id`: echo it in `properties.decision_id` of later events; nil when nothing decided.
    public var decisionID: String?
    /// `control`: the person is held out and sees your default (their conversions still count).
    public var control: Bool

    private enum CodingKeys: String, CodingKey {
        case placement, experience, variant, payload, recommendations, decisionID = "decision_id", control
    }

    /// Decodes a decision; a missing payload is `.null` and a missing `control` false.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        placement = try c.decode(String.self, forKey: .placement)
        experience = try c.decodeIfPresent(String.self, forKey: .experience)
        variant = try c.decodeIfPresent(String.self, forKey: .variant)
        payload = try c.decodeIfPresent(JSONValue.self, forKey: .payload) ?? .null
        recommendations = try c.decodeIfPresent(Recommendations.self, forKey: .recommendations)
        decisionID = try c.decodeIfPresent(String.self, forKey: .decisionID)
        control = try c.decodeIfPresent(Bool.self, forKey: .control) ?? false
    }
}
