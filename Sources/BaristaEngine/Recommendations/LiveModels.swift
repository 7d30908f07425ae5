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
    /// The catalog by vocabulary number; nil for deleted items and ids only events named.
    var items: [Item?] = []
    var categories = ItemVocabulary()
    var trending: TrendingCounter
    var cooccurrence = CooccurrenceModel()
    var attributes = AttributeIndex()

    /// How many recently viewed items a view is paired with.
    static let coViewWindow = 10
    /// A view more than this long after the previous one does not count as what came "next".
    static let transitionGap: TimeInterval = 24 * 3600

    init(trendingHalfLife: Double = 3 * 86_400) {
        trending = TrendingCounter(halfLife: trendingHalfLife)
    }

    /// The number of `id`, growing the item table with it.
    mutating func index(for id: ItemID) -> Int32 {
        let index = vocabulary.index(for: id)
        if Int(index) >= items.count { items.append(contentsOf: repeatElement(nil, count: Int(index) + 1 - items.count)) }
        return index
    }

    /// Makes room in the item table for every number the vocabulary has given.
    mutating func growItems() {
        if items.count < vocabulary.count { items.append(contentsOf: repeatElement(nil, count: vocabulary.count - items.count)) }
    }

    /// The catalog entry of `index` when it can be recommended: in the catalog and in stock.
    func recommendable(_ index: Int32) -> Item? {
        guard index >= 0, Int(index) < items.count, let item = items[Int(index)], item.inStock else { return nil }
        return item
    }

    /// Adds or replaces a catalog item.
    mutating func upsert(_ item: Item) {
        let index = index(for: item.id)
        items[Int(index)] = item
        attributes.upsert(index, features: AttributeIndex.features(of: item))
        trending.setCategory(of: index, to: item.category.map { categories.index(for: ItemID($0.lowercased())) })
    }

    /// Removes a deleted item from the catalog and the attribute index (its counts stay, unused).
    mutating func remove(_ id: ItemID) {
        guard let index = vocabulary.existingIndex(of: id) else { return }
        items[Int(index)] = nil
        attributes.remove(index)
    }

    /// The category number of an item's category, when it has one.
    func category(of index: Int32) -> Int32? {
        guard Int(index) < items.count, let category = items[Int(index)]?.category else { return nil }
        return categories.existingIndex(of: ItemID(category.lowercased()))
    }
}
