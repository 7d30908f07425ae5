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
