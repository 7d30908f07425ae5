import BaristaCore
import BaristaModels
import Foundation

extension SiteState {
    /// Fills a short list so that it is never empty while an item passes the filters, each source
    /// scoring below the one before: items like the context item, the person's stated preferences,
    /// popularity in their favourite category, trending, then the newest catalog items.
    mutating func addFallbacks(
        _ request: RecommendationRequest, person: PersonView, include: (Int32) -> Bool, into pool: inout CandidatePool, now: Date
    ) {
        let depth = max(50, request.limit * 5)
        var tier: Float = 0.01
        func enough() -> Bool { pool.count >= depth }
        if let context = request.contextItem.flatMap({ live.vocabulary.existingIndex(of: $0) }), request.strategy != .trending {
            pool.add(live.attributes.similar(to: context, limit: depth, where: include), weight: tier) { _ in .sharesAttributes(source: context) }
            tier /= 10
        }
        if person.personalized, !enough() {
            addPreferences(person, include: include, weight: tier, into: &pool)
            tier /= 10
        }
        var categories: [String] = request.filters.categories
        if categories.isEmpty, person.personalized, let profile = person.profile,
            let favourite = profile.affinities.shares(at: now, halfLife: site.settings.halfLifeSeconds)[.category]?.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })
        {
            categories = [favourite.key]
        }
        for category in categories where !enough() {
            guard let number = live.categories.existingIndex(of: ItemID(category.lowercased())) else { continue }
            let label = category
            pool.add(trendingTop(category: number).first(depth, where: include), weight: tier) { _ in .popularIn(category: label) }
            tier /= 10
        }
        if !enough() {
            pool.add(trendingTop(category: nil).first(depth, where: include), weight: tier) { _ in .trending }
            tier /= 10
        }
        if pool.count < request.limit {
            // A site without events yet: its newest items.
            var newest: [(index: Int32, at: Date)] = []
            for (index, entry) in live.items.enumerated() {
                guard let item = entry?.item, include(Int32(index)) else { continue }
                newest.append((Int32(index), item.publishedAt ?? item.updatedAt))
            }
            newest.sort { $0.at != $1.at ? $0.at > $1.at : $0.index < $1.index }
            for (rank, entry) in newest.prefix(depth).enumerated() { pool.add(entry.index, tier / Float(rank + 2), .trending) }
        }
    }

    /// Items matching the person's stated preferences (brands, colours, categories, styles).
    func addPreferences(_ person: PersonView, include: (Int32) -> Bool, weight: Float, into pool: inout CandidatePool) {
        guard let preferences = person.profile?.preferences else { return }
        let stated = Self.statedPreferences(preferences)
        guard !stated.isEmpty else { return }
        var taste: [String: Float] = [:]
        for (attribute, value) in stated {
            if let dimension = AffinityDimension(rawValue: attribute), let token = AttributeIndex.feature(dimension, value: value) { taste[token] = 1 }
        }
        let matches = live.attributes.matching(taste, limit: 100, where: include)
        pool.add(matches, weight: weight) { entry in
            let item = live.entry(entry.item)?.item
            let match = stated.first { item?.values(of: $0.attribute).contains($0.value) == true } ?? stated[0]
            return .preference(attribute: match.attribute, value: match.value)
        }
    }

    /// Stated preferences as (attribute, lowercased value) pairs.
    static func statedPreferences(_ preferences: Preferences) -> [(attribute: String, value: String)] {
        var pairs: [(attribute: String, value: String)] = []
        for brand in preferences.brands ?? [] { pairs.append(("brand", brand.lowercased())) }
        for category in preferences.categories ?? [] { pairs.append(("category", category.lowercased())) }
        for color in preferences.colors ?? [] { pairs.append(("color", color.lowercased())) }
        for style in preferences.styles ?? [] { pairs.append(("style", style.lowercased())) }
        return pairs
    }

    /// Site boosts and buries (`boosts` setting), then the person's stated preferences, which outrank
    /// everything inferred (a matching item's score doubles).
    func applyBoosts(to pool: inout CandidatePool, person: PersonView) {
        let boosts = siteBoosts()
        let stated = person.personalized ? person.profile.map { Self.statedPreferences($0.preferences) } ?? [] : []
        guard !boosts.isEmpty || !stated.isEmpty else { return }
        let live = self.live
        pool.scale { index in
            guard let item = live.entry(index)?.item else { return 1 }
            var factor: Float = 1
            for boost in boosts where item.values(of: boost.attribute).contains(boost.value) { factor *= boost.factor }
            if stated.contains(where: { item.values(of: $0.attribute).contains($0.value) }) { factor *= 2 }
            return factor
        }
    }

    /// The most popular items now (overall or in one category), cached until the next event or
    /// catalog change: forward decay shrinks every score by the same factor as time passes, so
    /// the order only changes when something new is counted.
    mutating func trendingTop(category: Int32?) -> [ScoredItem] {
        let key = category ?? -1
        if let cached = trendingCache[key], cached.seq == liveSeq { return cached.items }
        let live = self.live
        let items = live.trending.top(Self.trendingDepth, category: category) { live.isRecommendable($0) }
        trendingCache[key] = (liveSeq, items)
        return items
    }

    /// How many trending items are cached per category.
    static let trendingDepth = 500
}
