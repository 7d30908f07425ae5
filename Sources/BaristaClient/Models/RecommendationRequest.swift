/// How recommendations are chosen (`strategy` of `POST /v1/recommendations`).
public enum RecommendationStrategy: String, Sendable, Hashable, Codable, CaseIterable {
    /// `for_you`: from the person's history, affinities and preferences.
    case forYou = "for_you"
    /// `similar`: items like ``RecommendationRequest/contextItem`` (required).
    case similar
    /// `bought_together`: items bought with the context item or the context cart.
    case boughtTogether = "bought_together"
    /// `trending`: what is popular right now.
    case trending
    /// `recently_viewed`: the person's viewed items, newest first.
    case recentlyViewed = "recently_viewed"
    /// `because_you_viewed`: items like those the person viewed recently.
    case becauseYouViewed = "because_you_viewed"
    /// `next`: what usually follows the context item (the next episode, a refill).
    case next
}

/// A `POST /v1/recommendations` request.
///
/// ```swift
/// var request = RecommendationRequest(strategy: .similar, user: .user("u42"), limit: 4)
/// request.contextItem = "sku-1"
/// request.filters.categories = ["shoes"]
/// ```
public struct RecommendationRequest: Sendable, Hashable, Encodable {
    /// The strategy.
    public var strategy: RecommendationStrategy
    /// Whom the recommendations are for; nil for a page without a person (trending, similar).
    public var user: UserReference?
    /// How many items (1–100; the server's default is 10).
    public var limit: Int?
    /// `context.item_id`: the item on screen (`similar`, `bought_together`, `next`).
    public var contextItem: String?
    /// `context.cart`: the items in the cart (`bought_together`).
    public var contextCart: [String]?
    /// `context.channel`: where the recommendations are shown (`app`, `email`, `web`).
    public var channel: String?
    /// Which items may be recommended.
    public var filters: RecommendationFilters
    /// `exclude`: what to leave out; nil members keep the strategy's defaults.
    public var exclude: RecommendationExclusions
    /// `diversity`: at most ``Diversity/value`` items per value of an attribute.
    public var diversity: Diversity?

    /// A request; everything but the strategy is optional.
    public init(
        strategy: RecommendationStrategy, user: UserReference? = nil, limit: Int? = nil, contextItem: String? = nil,
        contextCart: [String]? = nil, channel: String? = nil, filters: RecommendationFilters = RecommendationFilters(),
        exclude: RecommendationExclusions = RecommendationExclusions(), diversity: Diversity? = nil
    ) {
        self.strategy = strategy
        self.user = user
        self.limit = limit
        self.contextItem = contextItem
        self.contextCart = contextCart
        self.channel = channel
        self.filters = filters
        self.exclude = exclude
        self.diversity = diversity
    }

    private enum CodingKeys: String, CodingKey {
        case strategy, user, limit, context, filters, exclude, diversity
    }

    private enum ContextKeys: String, CodingKey {
        case itemID = "item_id", cart, channel
    }

    /// Encodes the API body, leaving out what is not set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(strategy, forKey: .strategy)
        try container.encodeIfPresent(user, forKey: .user)
        try container.encodeIfPresent(limit, forKey: .limit)
        if contextItem != nil || contextCart != nil || channel != nil {
            var context = container.nestedContainer(keyedBy: ContextKeys.self, forKey: .context)
            try context.encodeIfPresent(contextItem, forKey: .itemID)
            try context.encodeIfPresent(contextCart, forKey: .cart)
            try context.encodeIfPresent(channel, forKey: .channel)
        }
        if filters != RecommendationFilters() { try container.encode(filters, forKey: .filters) }
        if exclude != RecommendationExclusions() { try container.encode(exclude, forKey: .exclude) }
        try container.encodeIfPresent(diversity, forKey: .diversity)
    }
}

/// `filters` of a recommendation request: only items that pass every filter set are recommended.
public struct RecommendationFilters: Sendable, Hashable, Encodable {
    /// `category`: any of these categories.
    public var categories: [String]?
    /// `price.min`.
    public var minimumPrice: Double?
    /// `price.max`.
    public var maximumPrice: Double?
    /// `in_stock`.
    public var inStock: Bool?
    /// `attributes`: per attribute name, the values allowed (`["color": ["black"]]`).
    public var attributes: [String: [String]]?

    /// Filters; none set by default.
    public init(
        categories: [String]? = nil, minimumPrice: Double? = nil, maximumPrice: Double? = nil, inStock: Bool? = nil,
        attributes: [String: [String]]? = nil
    ) {
        self.categories = categories
        self.minimumPrice = minimumPrice
        self.maximumPrice = maximumPrice
        self.inStock = inStock
        self.attributes = attributes
    }

    private enum CodingKeys: String, CodingKey { case category, price, inStock = "in_stock", attributes }
    private enum PriceKeys: String, CodingKey { case min, max }

    /// Encodes the set filters.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(categories, forKey: .category)
        if minimumPrice != nil || maximumPrice != nil {
            var price = container.nestedContainer(keyedBy: PriceKeys.self, forKey: .price)
            try price.encodeIfPresent(minimumPrice, forKey: .min)
            try price.encodeIfPresent(maximumPrice, forKey: .max)
        }
        try container.encodeIfPresent(inStock, forKey: .inStock)
        try container.encodeIfPresent(attributes, forKey: .attributes)
    }
}

/// `exclude` of a recommendation request; a nil member keeps the strategy's default.
public struct RecommendationExclusions: Sendable, Hashable, Encodable {
    /// `purchased`: leave out what the person bought.
    public var purchased: Bool?
    /// `viewed`: leave out what the person viewed.
    public var viewed: Bool?
    /// `cart`: leave out what is in the person's cart.
    public var cart: Bool?
    /// `items`: leave out these items.
    public var items: [String]?

    /// Exclusions; the strategy's defaults unless set.
    public init(purchased: Bool? = nil, viewed: Bool? = nil, cart: Bool? = nil, items: [String]? = nil) {
        self.purchased = purchased
        self.viewed = viewed
        self.cart = cart
        self.items = items
    }
}

/// `diversity`: at most `value` items share one value of the attribute `maxPer` (`brand`, `category`…).
public struct Diversity: Sendable, Hashable, Codable {
    /// `max_per`: the attribute.
    public var maxPer: String
    /// `value`: the most items per value of the attribute.
    public var value: Int

    /// A diversity rule.
    public init(maxPer: String, value: Int) {
        self.maxPer = maxPer
        self.value = value
    }

    private enum CodingKeys: String, CodingKey { case maxPer = "max_per", value }
}
