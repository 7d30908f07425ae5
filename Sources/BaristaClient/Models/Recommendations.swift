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
