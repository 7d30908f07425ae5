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
