import BaristaCore
import BaristaModels
import Foundation

extension SiteState {
    /// Candidates → scored → filtered → ranked → explained, for one request (under the site lock).
    mutating func answer(
        _ request: RecommendationRequest, person: PersonView, modelScores: [ScoredItem], snapshot: ModelSnapshot?, now: Date
    ) -> [RecommendedItem] {
        let excluded = exclusions(for: request, person: person)
        let live = self.live
        let filters = request.filters
        let include: (Int32) -> Bool = { index in
            guard !excluded.contains(index), let item = live.recommendable(index) else { return false }
            return filters.admits(item)
        }
        var pool = CandidatePool()
        gatherCandidates(request, person: person, modelScores: modelScores, snapshot: snapshot, include: include, into: &pool)
        // Short lists are filled (a carousel stays full); viewed items are not padded with others.
        if request.strategy == .recentlyViewed ? pool.isEmpty : pool.count < request.limit {
            addFallbacks(request, person: person, include: include, into: &pool, now: now)
        }
        applyBoosts(to: &pool, person: person)

        var chosen: [(item: Int32, score: Float, reason: RecommendationReason)] = []
        var perValue: [String: Int] = [:]
        for candidate in pool.ranked() where include(candidate.item) {
            if let diversity = request.diversity, let item = live.recommendable(candidate.item) {
                let values = item.values(of: diversity.attribute)
                if values.contains(where: { perValue[$0, default: 0] >= diversity.value }) { continue }
                for value in values { perValue[value, default: 0] += 1 }
            }
            chosen.append(candidate)
            if chosen.count == request.limit { break }
        }
        let title: (Int32) -> String = { index in
            guard Int(index) < live.items.count, let item = live.items[Int(index)] else { return live.vocabulary.id(index).rawValue }
            return item.title ?? item.id.rawValue
        }
        let notPersonal = !person.personalized && person.profileID != nil
        return chosen.compactMap { candidate in
            guard let item = live.recommendable(candidate.item) else { return nil }
            var reason = candidate.reason
            if case .forYou(nil) = reason, let snapshot, let source = snapshot.strongestSource(of: candidate.item, among: person.history) {
                reason = .forYou(source: source)
            }
            let score = (Double(candidate.score) * 1e6).rounded() / 1e6
            return RecommendedItem(item: item, score: score, reason: reason.text(title: title, personalizationOff: notPersonal && !reason.isPersonal))
        }
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
            pool.add(modelScores.filter { include($0.item) }, weight: 1) { _ in .forYou(source: nil) }
            // The live session: what goes with the newest items, so a view counts on the very next call.
            let sessionWeight: Float = modelScores.isEmpty ? 1 : 0.5
            for (rank, entry) in person.history.prefix(5).enumerated() {
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
