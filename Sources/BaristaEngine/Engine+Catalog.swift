import BaristaCore
import Foundation

extension Engine {
    /// Inserts or replaces items; returns for each whether it was new.
    public func upsertItems(_ items: [Item], site: SiteID) async throws -> [Bool] {
        guard !items.isEmpty else { return [] }
        let runtime = try await runtime(site)
        let created = try await store.upsertItems(items, site: site)
        let drops = runtime.state.withLock { state in
            var drops: [(item: ItemID, old: Double, new: Double)] = []
            for item in items {
                if let old = state.catalog[item.id]?.price, let new = item.price, old > 0, new < old { drops.append((item.id, old, new)) }
                state.catalog[item.id] = item
                state.live.upsert(item)
            }
            state.trendingCache.removeAll()
            state.servingGeneration += 1
            return drops
        }
        try await schedulePriceDrops(drops, runtime: runtime)
        await announce(ClusterChange(site: site, kind: .items, keys: items.count <= 100 ? items.map(\.id.rawValue) : []))
        return created
    }

    /// One item, or nil.
    public func item(_ id: ItemID, site: SiteID) async throws -> Item? {
        try await runtime(site).state.withLock { $0.catalog[id] }
    }

    /// Deletes an item; returns whether it existed. A deleted item is never recommended again.
    public func deleteItem(_ id: ItemID, site: SiteID) async throws -> Bool {
        let runtime = try await runtime(site)
        let existed = try await store.deleteItem(id, site: site)
        runtime.state.withLock { state in
            state.catalog.removeValue(forKey: id)
            state.live.remove(id)
            state.trendingCache.removeAll()
            state.servingGeneration += 1
        }
        await announce(ClusterChange(site: site, kind: .items, keys: [id.rawValue]))
        return existed
    }

    /// Items in id order after `cursor`, filtered by text (`q` in id, title, brand or tags) and category.
    public func items(site: SiteID, query: String?, category: String?, after cursor: String?, limit: Int) async throws -> (items: [Item], next: String?) {
        let runtime = try await runtime(site)
        return runtime.state.withLock { state in
            let needle = query?.lowercased()
            var matching = state.catalog.values.filter { item in
                if let cursor, item.id.rawValue <= cursor { return false }
                if let category, !category.isEmpty, item.category?.lowercased() != category.lowercased() { return false }
                if let needle, !needle.isEmpty {
                    let haystack = [item.id.rawValue, item.title ?? "", item.brand ?? ""] + item.tags
                    return haystack.contains { $0.lowercased().contains(needle) }
                }
                return true
            }
            matching.sort { $0.id < $1.id }
            let page = Array(matching.prefix(limit))
            return (page, matching.count > limit ? page.last?.id.rawValue : nil)
        }
    }

    /// How many items a site's catalog holds.
    public func itemCount(site: SiteID) async throws -> Int {
        try await runtime(site).state.withLock { $0.catalog.count }
    }
}
