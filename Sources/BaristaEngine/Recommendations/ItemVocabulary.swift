import BaristaCore

/// Dense numbers for a site's item ids, as the models index items: append-only, so a number once
/// given keeps meaning the same item for as long as the site's models live.
///
/// Every id seen in the catalog or in an event gets one, deleted items included (their number is
/// simply never returned: serving checks the catalog).
struct ItemVocabulary: Sendable {
    private(set) var ids: [ItemID] = []
    private var indices: [ItemID: Int32] = [:]

    init() {}

    /// Numbers `ids` in order (for a vocabulary read back from a checkpoint).
    init(ids: [ItemID]) {
        for id in ids { _ = index(for: id) }
    }

    var count: Int { ids.count }

    /// The number of `id`, given now when it has none yet.
    mutating func index(for id: ItemID) -> Int32 {
        if let index = indices[id] { return index }
        let index = Int32(ids.count)
        ids.append(id)
        indices[id] = index
        return index
    }

    /// The number of `id`, or nil when it was never seen.
    func existingIndex(of id: ItemID) -> Int32? { indices[id] }

    /// The id numbered `index`.
    func id(_ index: Int32) -> ItemID { ids[Int(index)] }
}
