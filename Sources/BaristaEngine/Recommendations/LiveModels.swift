import BaristaCore
import BaristaModels
import Foundation

/// The models that learn from every accepted event at once, so a new site recommends seconds
/// after its first events: time-decayed popularity, item-to-item co-occurrence (co-viewed,
/// bought together, what comes next) and catalog-attribute similarity.
///
/// Lives inside ``SiteState``, under its lock, and is updated in the same step that folds an
/// event into its profile. Trending and co-occurrence are checkpointed with the profiles (the same
/// log position), so a restart replays only the log after the checkpoint; the attribute index and
/// the item table are rebuilt from the catalog.
struct LiveModels: Sendable {
    var vocabulary = ItemVocabulary()
    /// The catalog by vocabulary number, each item with its API JSON text (encoded once, embedded
    /// in answers as is); nil for deleted items and ids only events named. A class per entry, so a
    /// chosen item is one reference, not a copy of every field.
    private(set) var items: [CatalogEntry?] = []
    /// Per vocabulary number, whether the item may be recommended (in the catalog, in stock): the
    /// hot check of every candidate, kept apart from the items so it copies nothing.
    private(set) var recommendableFlags: [Bool] = []
    var categories = ItemVocabulary()
    var trending: TrendingCounter
    var cooccurrence = CooccurrenceModel(viewWindow: LiveModels.coViewWindow)
    var attributes = AttributeIndex()

    /// How many recently viewed items a view is paired with (5: the co-view signal is in the last
    /// few views, and every pair costs two row updates on the ingestion path).
    static let coViewWindow = 5
    /// A view more than this long after the previous one does not count as what came "next".
    static let transitionGap: TimeInterval = 24 * 3600

    init(trendingHalfLife: Double = 3 * 86_400) {
        trending = TrendingCounter(halfLife: trendingHalfLife)
    }

    /// The number of `id`, growing the item table with it.
    mutating func index(for id: ItemID) -> Int32 {
        let index = vocabulary.index(for: id)
        growItems()
        return index
    }

    /// Makes room in the item table for every number the vocabulary has given.
    mutating func growItems() {
        if items.count < vocabulary.count { items.append(contentsOf: repeatElement(nil, count: vocabulary.count - items.count)) }
        if recommendableFlags.count < vocabulary.count {
            recommendableFlags.append(contentsOf: repeatElement(false, count: vocabulary.count - recommendableFlags.count))
        }
    }

    /// Whether the item numbered `index` may be recommended (in the catalog and in stock).
    func isRecommendable(_ index: Int32) -> Bool {
        index >= 0 && Int(index) < recommendableFlags.count && recommendableFlags[Int(index)]
    }

    /// Adds or replaces a catalog item.
    mutating func upsert(_ item: Item) {
        let index = index(for: item.id)
        items[Int(index)] = CatalogEntry(item: item, json: JSON.string(Self.answerJSON(item)))
        recommendableFlags[Int(index)] = item.inStock
        attributes.upsert(index, features: AttributeIndex.features(of: item))
        trending.setCategory(of: index, to: item.category.map { categories.index(for: ItemID($0.lowercased())) })
    }

    /// An item as answers show it: its catalog fields, without the unset ones (nulls, no tags, no
    /// attributes) and without `updated_at`, so a list of ten stays small on the wire.
    static func answerJSON(_ item: Item) -> JSONValue {
        guard case .object(var fields) = item.json else { return item.json }
        fields["updated_at"] = nil
        fields = fields.filter { _, value in
            switch value {
            case .null: false
            case .array(let elements): !elements.isEmpty
            case .object(let members): !members.isEmpty
            default: true
            }
        }
        return .object(fields)
    }

    /// Removes a deleted item from the catalog and the attribute index (its counts stay, unused).
    mutating func remove(_ id: ItemID) {
        guard let index = vocabulary.existingIndex(of: id) else { return }
        items[Int(index)] = nil
        recommendableFlags[Int(index)] = false
        attributes.remove(index)
    }

    /// The catalog entry numbered `index`, when the item is in the catalog.
    func entry(_ index: Int32) -> CatalogEntry? {
        index >= 0 && Int(index) < items.count ? items[Int(index)] : nil
    }

    /// The category number of an item's category, when it has one.
    func category(of index: Int32) -> Int32? {
        guard let category = entry(index)?.item.category else { return nil }
        return categories.existingIndex(of: ItemID(category.lowercased()))
    }
}

/// A catalog item and its API JSON text, shared by every answer that returns it.
final class CatalogEntry: Sendable {
    let item: Item
    /// The item's id, apart from ``item`` so reading it copies nothing else.
    let id: ItemID
    /// The item as answers show it (``LiveModels/answerJSON(_:)``).
    let json: String
    /// `{"item_id":…,"item":{…},"score":` — the start of the item's entry in an answer, written once.
    let answerPrefix: String

    init(item: Item, json: String) {
        self.item = item
        self.id = item.id
        self.json = json
        answerPrefix = #"{"item_id":"# + JSON.string(.string(item.id.rawValue)) + #","item":"# + json + #","score":"#
    }
}
