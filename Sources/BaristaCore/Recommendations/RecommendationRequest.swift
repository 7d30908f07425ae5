/// The strategies of `POST /v1/recommendations`.
public enum RecommendationStrategy: String, Sendable, Hashable, CaseIterable {
    /// Personal picks from the person's whole history and live session.
    case forYou = "for_you"
    /// Items like the context item (co-viewed and co-bought; attributes for a new item).
    case similar
    /// Complements of the context item or the cart: what people put in the same order.
    case boughtTogether = "bought_together"
    /// What is popular now (time-decayed), in the person's category when one is asked for.
    case trending
    /// The person's viewed items, newest first.
    case recentlyViewed = "recently_viewed"
    /// Items like the ones the person viewed recently, each explained by the item it came from.
    case becauseYouViewed = "because_you_viewed"
    /// What usually follows the context item in people's ordered histories.
    case next

    /// Whether the strategy reads the person's history (and so needs `personalization` consent).
    public var isPersonalized: Bool {
        switch self {
        case .forYou, .recentlyViewed, .becauseYouViewed: true
        case .similar, .boughtTogether, .trending, .next: false
        }
    }
}

/// A `POST /v1/recommendations` body, validated.
public struct RecommendationRequest: Sendable, Hashable {
    /// Whom the list is for; nil for an anonymous page view with no id (a product page).
    public var user: UserReference?
    /// Which strategy answers.
    public var strategy: RecommendationStrategy
    /// How many items at most (1–100, default 10).
    public var limit: Int = 10
    /// `context.item_id`: the item on screen.
    public var contextItem: ItemID?
    /// `context.cart`: items in the cart as the caller sees it (added to the profile's cart).
    public var contextCart: [ItemID] = []
    /// `context.channel`: where the list will be shown (`web`, `app`, `email`).
    public var channel: String?
    /// `filters`: what a returned item must match.
    public var filters = RecommendationFilters()
    /// `exclude`: what must not be returned.
    public var exclude: RecommendationExclusions
    /// `diversity`: at most `value` items sharing one `max_per` attribute; nil for none.
    public var diversity: Diversity?

    /// At most `value` items per value of `attribute` (`brand`, `category`, `color`, `style`).
    public struct Diversity: Sendable, Hashable {
        /// The attribute compared.
        public var attribute: String
        /// How many items may share one value of it (≥ 1).
        public var value: Int
        /// At most `value` items per value of `attribute`.
        public init(attribute: String, value: Int) {
            self.attribute = attribute
            self.value = value
        }
    }

    /// A request for `strategy` with API.md's defaults.
    public init(strategy: RecommendationStrategy, user: UserReference? = nil) {
        self.strategy = strategy
        self.user = user
        self.exclude = RecommendationExclusions.defaults(for: strategy)
    }

    /// The largest `limit`.
    public static let maximumLimit = 100
    /// The attributes `diversity.max_per` accepts.
    public static let diversityAttributes = ["brand", "category", "color", "style"]
}

/// `filters` of a recommendation request: every given condition must hold.
public struct RecommendationFilters: Sendable, Hashable {
    /// `category`: the item's category is one of these (case-insensitive); empty for any.
    public var categories: [String] = []
    /// `price.min`: the lowest price allowed (an item without a price fails a price filter).
    public var minimumPrice: Double?
    /// `price.max`: the highest price allowed.
    public var maximumPrice: Double?
    /// `in_stock`: out-of-stock items are never returned anyway; `false` is accepted and changes nothing.
    public var inStock: Bool?
    /// `attributes`: per name (`color`, `brand`, `style`, a tag list `tags`, or a key of the item's
    /// `attributes`) the values allowed (case-insensitive).
    public var attributes: [String: [String]] = [:]

    /// No filter.
    public init() {}

    /// Whether nothing is filtered.
    public var isEmpty: Bool { categories.isEmpty && minimumPrice == nil && maximumPrice == nil && attributes.isEmpty }

    /// Whether `item` passes every filter.
    public func admits(_ item: Item) -> Bool {
        if !categories.isEmpty {
            guard let category = item.category?.lowercased(), categories.contains(category) else { return false }
        }
        if minimumPrice != nil || maximumPrice != nil {
            guard let price = item.price else { return false }
            if let minimumPrice, price < minimumPrice { return false }
            if let maximumPrice, price > maximumPrice { return false }
        }
        for (name, allowed) in attributes {
            let values = item.values(of: name)
            guard values.contains(where: { allowed.contains($0) }) else { return false }
        }
        return true
    }
}

/// `exclude` of a recommendation request.
public struct RecommendationExclusions: Sendable, Hashable {
    /// Items the person ordered.
    public var purchased: Bool
    /// Items the person viewed.
    public var viewed: Bool
    /// Items in the person's cart.
    public var cart: Bool
    /// Explicit item ids.
    public var items: [ItemID] = []

    /// Explicit exclusions.
    public init(purchased: Bool, viewed: Bool, cart: Bool, items: [ItemID] = []) {
        self.purchased = purchased
        self.viewed = viewed
        self.cart = cart
        self.items = items
    }

    /// API.md's defaults: purchased ✓, cart ✓, viewed ✗ for every strategy but `recently_viewed`,
    /// which returns viewed items and excludes nothing by default.
    public static func defaults(for strategy: RecommendationStrategy) -> RecommendationExclusions {
        strategy == .recentlyViewed
            ? RecommendationExclusions(purchased: false, viewed: false, cart: false)
            : RecommendationExclusions(purchased: true, viewed: false, cart: true)
    }
}

extension Item {
    /// The lowercased values of one attribute: a catalog field (`category`, `brand`, `color`,
    /// `style`), `tags`, or a key of ``attributes`` (a string, number, bool or array of them).
    public func values(of attribute: String) -> [String] {
        switch attribute {
        case "category": return category.map { [$0.lowercased()] } ?? []
        case "brand": return brand.map { [$0.lowercased()] } ?? []
        case "color": return color.map { [$0.lowercased()] } ?? []
        case "style": return style.map { [$0.lowercased()] } ?? []
        case "tags": return tags.map { $0.lowercased() }
        default:
            guard let value = attributes[attribute] else { return [] }
            let scalars = value.arrayValue ?? [value]
            return scalars.compactMap { scalar in
                switch scalar {
                case .string(let text): text.lowercased()
                case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
                case .bool(let flag): String(flag)
                default: nil
                }
            }
        }
    }
}
