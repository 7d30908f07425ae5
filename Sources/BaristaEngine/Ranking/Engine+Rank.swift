import BaristaCore
import BaristaModels
import Foundation

/// One item of a ranking answer.
public struct RankedItem: Sendable, Hashable {
    /// `item_id`, as the caller sent it.
    public var itemID: ItemID
    /// `score`: the blended score the order follows (0 for items Barista does not know).
    public var score: Double
    /// `reason`: why the item stands where it does, in words.
    public var reason: String
}

/// The answer of `POST /v1/rank`.
public struct RankingResult: Sendable {
    /// `ranking_id`: what later events echo in `properties.ranking_id` for attribution.
    public var id: String
    /// The caller's items in the person's order: known items first, unknown ones at the end in
    /// their relative order.
    public var items: [RankedItem]
    /// Whether the person's data was used (false without consent: the caller's order came back).
    public var personalized: Bool

    /// The API form.
    public var json: JSONValue {
        [
            "ranking_id": .string(id),
            "personalized": .bool(personalized),
            "items": .array(items.map { ["item_id": .string($0.itemID.rawValue), "score": .number($0.score), "reason": .string($0.reason)] }),
        ]
    }
}

extension Engine {
    /// Puts the caller's own list (search results, a category page) in the person's order.
    ///
    /// Each known item's score blends four signals, each in 0…1: its place in the caller's list
    /// (weight 0.4, so the caller's relevance still counts), the trained model's score from the
    /// person's history (0.35, normalised by the list's best), their affinities to its attributes
    /// (0.25, normalised likewise), then site boosts multiply it. A stated preference adds 1, so
    /// the customer's own choice outranks everything inferred. Unknown items keep their relative
    /// order at the end. Without `personalization` consent the caller's order comes back unchanged.
    ///
    /// The answer is logged like a recommendation (strategy `rank`), so `properties.ranking_id` on
    /// later clicks and orders shows in the recommendation report.
    public func rank(_ request: RankRequest, site: SiteID) async throws -> RankingResult {
        let runtime = try await runtime(site)
        let snapshot = runtime.model.withLock { $0 }
        let now = now()
        let (person, indices) = runtime.state.withLock { state in
            (state.person(for: request.user), request.items.map { id -> Int32? in
                guard let index = state.live.vocabulary.existingIndex(of: id), state.live.entry(index) != nil else { return nil }
                return index
            })
        }
        var modelScores: [Float] = []
        if person.personalized, let snapshot, !person.history.isEmpty {
            modelScores = snapshot.scores(of: indices.map { $0 ?? -1 }, for: person.history)
        }
        let items = runtime.state.withLock { state in
            state.rank(request.items, indices: indices, person: person, modelScores: modelScores, snapshot: snapshot, now: now)
        }
        let result = RankingResult(id: RandomID.timeOrdered(prefix: "rnk_"), items: items, personalized: person.personalized)
        recommendationLog.impression(
            RecommendationImpression(id: result.id, strategy: "rank", items: items.map(\.itemID), itemsJSON: nil, at: now), site: site)
        return result
    }
}

extension SiteState {
    /// The ranking itself, under the site lock (see ``Engine/rank(_:site:)``).
    func rank(
        _ ids: [ItemID], indices: [Int32?], person: PersonView, modelScores: [Float], snapshot: ModelSnapshot?, now: Date
    ) -> [RankedItem] {
        let count = ids.count
        guard person.personalized else {
            return ids.enumerated().map { position, id in
                let known = indices[position] != nil
                return RankedItem(
                    itemID: id, score: known ? Self.placeScore(position, of: count) : 0,
                    reason: known ? "Your order: not personalized without consent" : "Not in the catalog: kept in place")
            }
        }
        let profile = person.profile
        let shares = profile?.affinities.shares(at: now, halfLife: site.settings.halfLifeSeconds) ?? [:]
        let stated = profile.map { Self.statedPreferences($0.preferences) } ?? []
        let boosts = siteBoosts()
        // Live co-occurrence covers what the model does not know yet (a view seconds ago).
        var liveScores: [Int32: Float] = [:]
        for (rank, entry) in person.history.prefix(5).enumerated() where snapshot?.modelIndex(entry.item) == nil {
            let decay = pow(0.7, Float(rank))
            for similar in live.cooccurrence.similar(to: entry.item, limit: 200, where: { _ in true }) {
                liveScores[similar.item, default: 0] += decay * similar.score
            }
        }

        struct Signals {
            var collaborative: Float = 0
            var affinity: Double = 0
            var strongestTaste: (dimension: AffinityDimension, value: String, share: Double)?
            var preference: (attribute: String, value: String)?
            var boost: Float = 1
        }
        var signals: [Signals?] = Array(repeating: nil, count: count)
        var bestCollaborative: Float = 0, bestAffinity = 0.0
        for position in 0..<count {
            guard let index = indices[position], let item = live.entry(index)?.item else { continue }
            var s = Signals()
            s.collaborative = (position < modelScores.count ? max(modelScores[position], 0) : 0) + (liveScores[index] ?? 0)
            var total = 0.0, dimensions = 0
            for dimension in AffinityDimension.allCases {
                let values = item.attributeValues(dimension)
                guard !values.isEmpty else { continue }
                dimensions += 1
                var best = 0.0
                for value in values {
                    let share = shares[dimension]?[value] ?? 0
                    best = max(best, share)
                    if share > (s.strongestTaste?.share ?? 0) { s.strongestTaste = (dimension, value, share) }
                }
                total += best
            }
            s.affinity = dimensions > 0 ? total / Double(dimensions) : 0
            s.preference = stated.first { item.values(of: $0.attribute).contains($0.value) }
            for boost in boosts where item.values(of: boost.attribute).contains(boost.value) { s.boost *= boost.factor }
            bestCollaborative = max(bestCollaborative, s.collaborative)
            bestAffinity = max(bestAffinity, s.affinity)
            signals[position] = s
        }

        var known: [(position: Int, item: RankedItem)] = []
        var unknown: [RankedItem] = []
        for position in 0..<count {
            guard let s = signals[position], let index = indices[position] else {
                unknown.append(RankedItem(itemID: ids[position], score: 0, reason: "Not in the catalog: kept in place"))
                continue
            }
            let place = Self.placeScore(position, of: count)
            let collaborative = bestCollaborative > 0 ? Double(s.collaborative / bestCollaborative) : 0
            let affinity = bestAffinity > 0 ? s.affinity / bestAffinity : 0
            var score = 0.4 * place + 0.35 * collaborative + 0.25 * affinity
            score *= Double(s.boost)
            if s.preference != nil { score += 1 }
            let reason: String
            if let preference = s.preference {
                reason = RecommendationReason.preference(attribute: preference.attribute, value: preference.value).text(title: nil, personalizationOff: false)
            } else if s.boost > 1 {
                reason = "Promoted by the shop"
            } else if collaborative >= 0.5, 0.35 * collaborative >= 0.25 * affinity {
                if let snapshot, let source = snapshot.strongestSource(of: index, among: person.history) {
                    reason = "Because you liked \(title(source))"
                } else if let source = person.history.prefix(5).first(where: { live.cooccurrence.count(from: $0.item, to: index, in: .coView) > 0 }) {
                    reason = "Because you viewed \(title(source.item))"
                } else {
                    reason = "Picked for you from your history"
                }
            } else if affinity >= 0.5, let taste = s.strongestTaste {
                reason = "You often choose \(taste.dimension == .tags ? "tag" : taste.dimension.rawValue) \(taste.value)"
            } else if s.boost < 1 {
                reason = "Lowered by the shop's rules"
            } else {
                reason = "Kept near its place in your list"
            }
            known.append((position, RankedItem(itemID: ids[position], score: (score * 1e6).rounded() / 1e6, reason: reason)))
        }
        known.sort { $0.item.score != $1.item.score ? $0.item.score > $1.item.score : $0.position < $1.position }
        return known.map(\.item) + unknown
    }

    /// 1 for the caller's first item down to just above 0 for its last: the caller's order as a signal.
    static func placeScore(_ position: Int, of count: Int) -> Double {
        1 - Double(position) / Double(max(count, 1))
    }

    /// The site's `boosts` as (attribute, lowercased value, factor).
    func siteBoosts() -> [(attribute: String, value: String, factor: Float)] {
        site.settings.boosts.compactMap { boost in
            guard let attribute = boost["attribute"]?.stringValue, let factor = boost["factor"]?.doubleValue, let value = boost["value"] else { return nil }
            let text = value.stringValue ?? value.doubleValue.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? value.boolValue.map { String($0) }
            return text.map { (attribute, $0.lowercased(), Float(factor)) }
        }
    }
}
