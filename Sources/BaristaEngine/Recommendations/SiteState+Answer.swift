import BaristaCore
import BaristaModels
import Foundation

/// One chosen item, with its reason in words.
struct ChosenItem: Sendable {
    var entry: CatalogEntry
    var index: Int32
    var score: Float
    var reason: RecommendationReason
    /// The reason in words.
    var text: String

    /// The score as answers show it: six decimals.
    var roundedScore: Double { (Double(score) * 1e6).rounded() / 1e6 }
}

extension SiteState {
    /// Candidates → scored → filtered → ranked → explained, for one request (under the site lock).
    mutating func answer(
        _ request: RecommendationRequest, person: PersonView, modelScores: [ScoredItem], snapshot: ModelSnapshot?, now: Date
    ) -> (chosen: [ChosenItem], usedFallbacks: Bool, generation: Int) {
        let excluded = exclusions(for: request, person: person)
        let live = self.live
        let filters = request.filters
        let unfiltered = filters.isEmpty
        let include: (Int32) -> Bool = { index in
            guard live.isRecommendable(index), !excluded.contains(index) else { return false }
            return unfiltered || live.entry(index).map { filters.admits($0.item) } == true
        }
        var pool = CandidatePool()
        gatherCandidates(request, person: person, modelScores: modelScores, snapshot: snapshot, include: include, into: &pool)
        // Short lists are filled (a carousel stays full); viewed items are not padded with others.
        let usedFallbacks = request.strategy == .recentlyViewed ? pool.isEmpty : pool.count < request.limit
        if usedFallbacks { addFallbacks(request, person: person, include: include, into: &pool, now: now) }
        applyBoosts(to: &pool, person: person)

        let notPersonal = !person.personalized && person.profileID != nil
        var chosen: [ChosenItem] = []
        var perValue: [String: Int] = [:]
        for candidate in pool.ranked() where include(candidate.item) {
            guard let entry = live.entry(candidate.item) else { continue }
            if let diversity = request.diversity {
                let values = entry.item.values(of: diversity.attribute)
                if values.contains(where: { perValue[$0, default: 0] >= diversity.value }) { continue }
                for value in values { perValue[value, default: 0] += 1 }
            }
            var reason = candidate.reason
            if case .forYou(nil) = reason, let snapshot, let source = snapshot.strongestSource(of: candidate.item, among: person.history) {
                reason = .forYou(source: source)
            }
            let text = reason.text(title: reason.source.map(title), personalizationOff: notPersonal && !reason.isPersonal)
            chosen.append(ChosenItem(entry: entry, index: candidate.item, score: candidate.score, reason: reason, text: text))
            if chosen.count == request.limit { break }
        }
        return (chosen, usedFallbacks, servingGeneration)
    }

    /// An item's title (its id when it has none, or is no longer in the catalog).
    func title(_ index: Int32) -> String {
        guard let entry = live.entry(index) else { return live.vocabulary.id(index).rawValue }
        return entry.item.title ?? entry.item.id.rawValue
    }

    /// The strategy's own candidates.
    private func gatherCandidates(
        _ request: RecommendationRequest, person: PersonView, modelScores: [ScoredItem], snapshot: ModelSnapshot?,
        include: (Int32) -> Bool, into pool: inout CandidatePool
    ) {
        let context = request.contextItem.flatMap { live.vocabulary.existingIndex(of: $0) }
        let depth = max(50, request.limit * 5)
        switch request.strategy {
        case .forYou:
            guard person.personalized else { return }
            pool.add(modelScores.first(depth, where: include), weight: 1) { _ in .forYou(source: nil) }
            // The live session: the model already scores every history item it knows, newest first;
            // items newer than the model (or every item, before the first training) are covered by
            // live co-occurrence, so a view counts on the very next call.
            let sessionWeight: Float = modelScores.isEmpty ? 1 : 0.5
            for (rank, entry) in person.history.prefix(5).enumerated() where snapshot?.modelIndex(entry.item) == nil {
                let decay = sessionWeight * pow(0.7, Float(rank))
                let similar = live.cooccurrence.similar(to: entry.item, limit: depth, where: include)
                let viewed = person.profile?.purchased.contains(live.vocabulary.id(entry.item)) == false
                pool.add(similar, weight: decay) { _ in viewed ? .becauseYouViewed(source: entry.item) : .forYou(source: entry.item) }
            }
            addPreferences(person, include: include, weight: 0.3, into: &pool)
        case .similar:
            guard let context else { return }
            pool.add(live.cooccurrence.similar(to: context, limit: depth, where: include), weight: 1) { _ in .similarTo(source: context) }
            if let snapshot { pool.add(snapshot.neighbours(of: context, where: include), weight: 0.6) { _ in .similarTo(source: context) } }
            // Attributes (the fallbacks start with them) fill in for items with little or no history.
        case .boughtTogether:
            var sources = context.map { [$0] } ?? []
            sources += request.contextCart.compactMap { live.vocabulary.existingIndex(of: $0) }
            if person.personalized, let cart = person.profile?.cart { sources += cart.compactMap { live.vocabulary.existingIndex(of: $0.itemID) } }
            for source in Set(sources).sorted() {
                pool.add(live.cooccurrence.boughtTogether(with: [source], limit: depth, where: include), weight: 1) { _ in .boughtWith(source: source) }
            }
        case .trending:
            break  // the fallbacks are the strategy: trending, in the asked-for category when there is one
        case .recentlyViewed:
            guard person.personalized, let viewed = person.profile?.recentlyViewed else { return }
            for (rank, view) in viewed.enumerated() {
                guard let index = live.vocabulary.existingIndex(of: view.itemID), include(index) else { continue }
                pool.add(index, 1 / Float(rank + 1), .recentlyViewed)
            }
        case .becauseYouViewed:
            guard person.personalized, let viewed = person.profile?.recentlyViewed else { return }
            for (rank, view) in viewed.prefix(5).enumerated() {
                guard let source = live.vocabulary.existingIndex(of: view.itemID) else { continue }
                let weight = pow(0.8, Float(rank))
                pool.add(live.cooccurrence.similar(to: source, limit: depth, where: include), weight: weight) { _ in .becauseYouViewed(source: source) }
                if let snapshot {
                    pool.add(snapshot.neighbours(of: source, where: include), weight: 0.6 * weight) { _ in .becauseYouViewed(source: source) }
                }
            }
            // Views of items with little history: items sharing their attributes (the costlier query, so only when short).
            for (rank, view) in viewed.prefix(2).enumerated() where pool.count < request.limit {
                guard let source = live.vocabulary.existingIndex(of: view.itemID) else { continue }
                pool.add(live.attributes.similar(to: source, limit: depth, where: include), weight: 0.1 * pow(0.8, Float(rank))) { _ in
                    .becauseYouViewed(source: source)
                }
            }
        case .next:
            guard let context else { return }
            pool.add(live.cooccurrence.next(after: context, limit: depth, where: include), weight: 1) { _ in .next(after: context) }
        }
    }
}
