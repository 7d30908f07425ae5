import BaristaCore
import Foundation

/// One product of the demo shop, with what the simulation needs to know about it.
struct DemoProduct: Sendable {
    /// `sku-00042`.
    let id: String
    /// `Nimbus Trail Runner 2 (Black)`.
    let title: String
    /// Index into ``DemoCategory/all``.
    let category: Int
    /// Index into ``DemoVocabulary/brands``.
    let brand: Int
    /// Index into ``DemoVocabulary/colours``.
    let colour: Int
    /// The style within the category (`running`).
    let style: String
    /// Price in EUR.
    let price: Double
    /// Tags: the style, features, and `new` for recent arrivals.
    let tags: [String]
    /// Whether it can be bought (a few are sold out).
    let inStock: Bool
    /// `women`, `men` or `unisex`.
    let gender: String
    /// Main material.
    let material: String
    /// When it went on sale (Unix seconds); it cannot be seen before.
    let publishedAt: Double
    /// How much demand it draws relative to others (a long tail).
    var popularity: Double

    /// The product as an item of `PUT /v1/items` plus `item_id`. Links are relative paths.
    var json: JSONValue {
        .object([
            "item_id": .string(id), "title": .string(title), "category": .string(DemoCategory.all[category].name),
            "brand": .string(DemoVocabulary.brands[brand]),
            "color": .string(DemoVocabulary.colours[colour].name.lowercased()), "style": .string(style),
            "price": .number(price), "currency": "EUR", "tags": .array(tags.map(JSONValue.string)),
            "in_stock": .bool(inStock), "url": .string("/products/" + id),
            "image_url": .string("/images/products/" + id + ".jpg"),
            "attributes": ["material": .string(material), "gender": .string(gender)],
            "published_at": .string(Timestamp.format(Date(timeIntervalSince1970: publishedAt))),
        ])
    }

    /// The short form events carry in `properties` (as the Segment e-commerce spec does); built
    /// once, since every view, add and removal copies it.
    private(set) var eventProperties: [String: JSONValue] = [:]

    /// Fills ``eventProperties`` from the other fields.
    mutating func prepareEventProperties() {
        eventProperties = [
            "product_id": .string(id), "name": .string(title), "category": .string(DemoCategory.all[category].name),
            "brand": .string(DemoVocabulary.brands[brand]), "price": .number(price), "currency": "EUR",
        ]
    }
}
