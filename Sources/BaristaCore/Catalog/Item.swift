import Foundation

/// A product or piece of content in a site's catalog.
public struct Item: Sendable, Hashable {
    /// `item_id`: the shop's own id of the item, unique within its site.
    public var id: ItemID
    /// `title`, as shown to people; nil when not given.
    public var title: String?
    /// `category`; also an affinity dimension and a recommendation filter. Nil when not given.
    public var category: String?
    /// `brand`; also an affinity dimension. Nil when not given.
    public var brand: String?
    /// `color`; also an affinity dimension. Nil when not given.
    public var color: String?
    /// `style`; also an affinity dimension. Nil when not given.
    public var style: String?
    /// `price` in the item's ``currency``, never negative; nil when unknown.
    public var price: Double?
    /// `currency` of ``price``, as the shop writes it (e.g. `EUR`); nil when unknown.
    public var currency: String?
    /// `tags`: free-form labels (at most 100), each one an affinity value; empty when none.
    public var tags: [String]
    /// Out-of-stock items are never recommended.
    public var inStock: Bool
    /// `url` of the item's page in the shop; nil when not given.
    public var url: String?
    /// `image_url` of the item's picture; nil when not given.
    public var imageURL: String?
    /// Any further attributes, as the shop sends them.
    public var attributes: [String: JSONValue]
    /// `published_at`: when the item was released; nil when not given.
    public var publishedAt: Date?
    /// `updated_at`: when this version of the item was received.
    public var updatedAt: Date

    /// An item with the given catalog fields; only `id` and `updatedAt` are required.
    public init(
        id: ItemID, title: String? = nil, category: String? = nil, brand: String? = nil, color: String? = nil,
        style: String? = nil, price: Double? = nil, currency: String? = nil, tags: [String] = [], inStock: Bool = true,
        url: String? = nil, imageURL: String? = nil, attributes: [String: JSONValue] = [:], publishedAt: Date? = nil,
        updatedAt: Date
    ) {
        self.id = id
        self.title = title
        self.category = category
        self.brand = brand
        self.color = color
        self.style = style
        self.price = price
        self.currency = currency
        self.tags = tags
        self.inStock = inStock
        self.url = url
        self.imageURL = imageURL
        self.attributes = attributes
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
    }

    /// The values an affinity is kept for, per attribute dimension.
    public func attributeValues(_ dimension: AffinityDimension) -> [String] {
        switch dimension {
        case .category: category.map { [$0] } ?? []
        case .brand: brand.map { [$0] } ?? []
        case .color: color.map { [$0] } ?? []
        case .style: style.map { [$0] } ?? []
        case .tags: tags
        }
    }

    /// The item as the API shows it.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["item_id": .string(id.rawValue), "in_stock": .bool(inStock),
            "tags": .array(tags.map(JSONValue.string)), "attributes": .object(attributes),
            "updated_at": .string(Timestamp.format(updatedAt))]
        object["title"] = title.map(JSONValue.string) ?? .null
        object["category"] = category.map(JSONValue.string) ?? .null
        object["brand"] = brand.map(JSONValue.string) ?? .null
        object["color"] = color.map(JSONValue.string) ?? .null
        object["style"] = style.map(JSONValue.string) ?? .null
        object["price"] = price.map(JSONValue.number) ?? .null
        object["currency"] = currency.map(JSONValue.string) ?? .null
        object["url"] = url.map(JSONValue.string) ?? .null
        object["image_url"] = imageURL.map(JSONValue.string) ?? .null
        object["published_at"] = publishedAt.map { .string(Timestamp.format($0)) } ?? .null
        return .object(object)
    }
}

/// Validates item bodies (`PUT /v1/items/{id}`, `POST /v1/items:batch`, imports).
public struct ItemValidator: Sendable {
    /// The limits enforced: the longest `item_id` and the most `attributes` members.
    public var limits: Limits
    /// A validator enforcing `limits` (API.md's defaults unless given).
    public init(limits: Limits = Limits()) { self.limits = limits }

    static let knownFields: Set<String> = [
        "item_id", "title", "category", "brand", "color", "style", "price", "currency", "tags", "in_stock", "url",
        "image_url", "attributes", "published_at",
    ]

    /// Validates `value` as an item; `id` comes from the path, or else from the body's `item_id`.
    public func validate(_ value: JSONValue, id pathID: String?, at base: JSONPointer, now: Date) -> Result<Item, ValidationErrors> {
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: base.description, message: "an item must be an object, not \(value.typeDescription)")]))
        }
        var errors: [FieldError] = []
        func string(_ key: String, max: Int = 1024) -> String? {
            guard let v = object[key], !v.isNull else { return nil }
            guard let s = v.stringValue, s.utf8.count <= max else {
                errors.append(FieldError(field: base.appending(key).description, message: "must be a string of at most \(max) bytes"))
                return nil
            }
            return s
        }
        var id = pathID
        if let bodyID = object["item_id"], !bodyID.isNull {
            if let s = bodyID.idString, s.count <= limits.maxIDLength {
                if let pathID, pathID != s {
                    errors.append(FieldError(field: base.appending("item_id").description, message: "does not match the id in the path"))
                }
                id = s
            } else {
                errors.append(FieldError(field: base.appending("item_id").description, message: "must be a string of 1 to \(limits.maxIDLength) characters"))
            }
        }
        if id == nil { errors.append(FieldError(field: base.appending("item_id").description, message: "is required")) }
        if let id, id.isEmpty || id.count > limits.maxIDLength {
            errors.append(FieldError(field: base.appending("item_id").description, message: "must be 1 to \(limits.maxIDLength) characters"))
        }
        var price: Double?
        if let v = object["price"], !v.isNull {
            if let n = v.doubleValue, n.isFinite, n >= 0 { price = n } else {
                errors.append(FieldError(field: base.appending("price").description, message: "must be a number ≥ 0"))
            }
        }
        var tags: [String] = []
        if let v = object["tags"], !v.isNull {
            if let array = v.arrayValue, array.count <= 100, array.allSatisfy({ $0.stringValue != nil }) {
                tags = array.compactMap(\.stringValue)
            } else {
                errors.append(FieldError(field: base.appending("tags").description, message: "must be an array of at most 100 strings"))
            }
        }
        var inStock = true
        if let v = object["in_stock"], !v.isNull {
            if let b = v.boolValue { inStock = b } else {
                errors.append(FieldError(field: base.appending("in_stock").description, message: "must be true or false"))
            }
        }
        var attributes: [String: JSONValue] = [:]
        if let v = object["attributes"], !v.isNull {
            if let o = v.objectValue, o.count <= limits.maxProperties { attributes = o } else {
                errors.append(FieldError(field: base.appending("attributes").description, message: "must be an object of at most \(limits.maxProperties) members"))
            }
        }
        var publishedAt: Date?
        if let v = object["published_at"], !v.isNull {
            if let s = v.stringValue, let d = Timestamp.parse(s) { publishedAt = d } else if let n = v.doubleValue {
                publishedAt = Date(timeIntervalSince1970: n)
            } else {
                errors.append(FieldError(field: base.appending("published_at").description, message: "must be an RFC 3339 timestamp"))
            }
        }
        for key in object.keys where !Self.knownFields.contains(key) {
            errors.append(FieldError(field: base.appending(key).description, message: "is not an item field; put custom fields in attributes"))
        }
        let item = Item(
            id: ItemID(id ?? ""), title: string("title"), category: string("category", max: 256), brand: string("brand", max: 256),
            color: string("color", max: 256), style: string("style", max: 256), price: price,
            currency: string("currency", max: 8), tags: tags, inStock: inStock, url: string("url", max: 2048),
            imageURL: string("image_url", max: 2048), attributes: attributes, publishedAt: publishedAt, updatedAt: now)
        return errors.isEmpty ? .success(item) : .failure(ValidationErrors(errors))
    }
}
