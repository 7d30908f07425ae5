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

    /// The API form as JSON text, written member by member (hundreds of items per answer).
    public var jsonText: [UInt8] {
        var text = JSONTextBuilder(capacity: 64 + items.count * 96)
        text.raw(#"{"ranking_id":"#)
        text.value(.string(id))
        text.raw(personalized ? #","personalized":true,"items":["# : #","personalized":false,"items":["#)
        for (index, item) in items.enumerated() {
            text.raw(index == 0 ? #"{"item_id":"# : #",{"item_id":"#)
            text.value(.string(item.itemID.rawValue))
            text.raw(#","score":"#)
            text.value(.number(item.score))
            text.raw(#","reason":"#)
            text.value(.string(item.reason))
            text.raw("}")
        }
        text.raw("]}")
        return text.bytes
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
        // Under the lock only lookups: the catalog entries, the person, live co-views. The
        // ranking itself runs outside, so concurrent rankings do not queue behind one another.
        let inputs = runtime.state.withLock { state in state.rankInputs(request, snapshot: snapshot) }
        var modelScores: [Float] = []
        if inputs.person.personalized, let snapshot, !inputs.person.history.isEmpty {
            modelScores = snapshot.scores(of: inputs.indices.map { $0 ?? -1 }, for: inputs.person.history)
        }
        let items = Self.rank(request.items, inputs: inputs, modelScores: modelScores, snapshot: snapshot, now: now)
        let result = RankingResult(id: RandomID.timeOrdered(prefix: "rnk_"), items: items, personalized: inputs.person.personalized)
        recommendationLog.impression(
            RecommendationImpression(id: result.id, strategy: "rank", items: items.map(\.itemID), itemsJSON: nil, at: now), site: site)
        return result
    }

    /// The ranking itself, on inputs read under the lock (see ``rank(_:site:)``).
    static func rank(_ ids: [ItemID], inputs: RankInputs, modelScores: [Float], snapshot: ModelSnapshot?, now: Date) -> [RankedItem] {
        let count = ids.count
        let person = inputs.person
        guard person.personalized else {
            return ids.enumerated().map { position, id in
                let known = inputs.entries[position] != nil
                return RankedItem(
                    itemID: id, score: known ? placeScore(position, of: count) : 0,
                    reason: known ? "Your order: not personalized" : "Not in the catalog: kept in place")
            }
        }
        let profile = person.profile
        let shares = profile?.affinities.shares(at: now, halfLife: inputs.settings.halfLifeSeconds) ?? [:]
        let stated = profile.map { SiteState.statedPreferences($0.preferences) } ?? []
        let categoryShares = shares[.category] ?? [:], brandShares = shares[.brand] ?? [:], colorShares = shares[.color] ?? [:]
        let styleShares = shares[.style] ?? [:], tagShares = shares[.tags] ?? [:]

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
            guard let index = inputs.indices[position], let entry = inputs.entries[position] else { continue }
            var s = Signals()
            s.collaborative = (position < modelScores.count ? max(modelScores[position], 0) : 0) + (inputs.liveScores[index]?.score ?? 0)
            var total = 0.0, dimensions = 0
            func taste(_ dimension: AffinityDimension, _ table: [String: Double], _ value: String) -> Double {
                let share = table[value] ?? 0
                if share > (s.strongestTaste?.share ?? 0) { s.strongestTaste = (dimension, value, share) }
                return share
            }
            // Read through the entry (a class): binding `entry.item` to a local would copy every field.
            if !shares.isEmpty {
                if let value = entry.item.category { dimensions += 1; total += taste(.category, categoryShares, value) }
                if let value = entry.item.brand { dimensions += 1; total += taste(.brand, brandShares, value) }
                if let value = entry.item.color { dimensions += 1; total += taste(.color, colorShares, value) }
                if let value = entry.item.style { dimensions += 1; total += taste(.style, styleShares, value) }
                if !entry.item.tags.isEmpty {
                    dimensions += 1
                    var best = 0.0
                    for tag in entry.item.tags { best = max(best, taste(.tags, tagShares, tag)) }
                    total += best
                }
            }
            s.affinity = dimensions > 0 ? total / Double(dimensions) : 0
            if !stated.isEmpty { s.preference = stated.first { entry.item.values(of: $0.attribute).contains($0.value) } }
            for boost in inputs.boosts where entry.item.values(of: boost.attribute).contains(boost.value) { s.boost *= boost.factor }
            bestCollaborative = max(bestCollaborative, s.collaborative)
            bestAffinity = max(bestAffinity, s.affinity)
            signals[position] = s
        }

        var known: [(position: Int, item: RankedItem)] = []
        var unknown: [RankedItem] = []
        for position in 0..<count {
            guard let s = signals[position], let index = inputs.indices[position] else {
                unknown.append(RankedItem(itemID: ids[position], score: 0, reason: "Not in the catalog: kept in place"))
                continue
            }
            let place = placeScore(position, of: count)
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
                if let snapshot, let source = snapshot.strongestSource(of: index, among: person.history), let title = inputs.historyTitles[source] {
                    reason = "Because you liked \(title)"
                } else if let source = inputs.liveScores[index]?.source, let title = inputs.historyTitles[source] {
                    reason = "Because you viewed \(title)"
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
}

/// What a ranking reads under the site lock: references and small values, no copy of the models.
struct RankInputs: Sendable {
    var person: PersonView
    /// Per requested item, its live number and catalog entry (nil when Barista does not know it).
    var indices: [Int32?]
    var entries: [CatalogEntry?]
    /// Live co-view scores from the person's recent items the model does not know yet, with the
    /// history item that gave the most.
    var liveScores: [Int32: (score: Float, source: Int32)]
    /// Titles of the person's history items, for reasons.
    var historyTitles: [Int32: String]
    var settings: SiteSettings
    var boosts: [(attribute: String, value: String, factor: Float)]
}

extension SiteState {
    /// The lookups a ranking needs, under the site lock.
    func rankInputs(_ request: RankRequest, snapshot: ModelSnapshot?) -> RankInputs {
        let person = person(for: request.user)
        var indices: [Int32?] = []
        var entries: [CatalogEntry?] = []
        indices.reserveCapacity(request.items.count)
        entries.reserveCapacity(request.items.count)
        for id in request.items {
            let index = live.vocabulary.existingIndex(of: id)
            let entry = index.flatMap { live.entry($0) }
            indices.append(entry == nil ? nil : index)
            entries.append(entry)
        }
        var liveScores: [Int32: (score: Float, source: Int32)] = [:]
        var titles: [Int32: String] = [:]
        if person.personalized {
            for (rank, entry) in person.history.prefix(5).enumerated() where snapshot?.modelIndex(entry.item) == nil {
                let decay = pow(0.7, Float(rank))
                for similar in live.cooccurrence.similar(to: entry.item, limit: 200, where: { _ in true }) {
                    let added = decay * similar.score
                    let current = liveScores[similar.item]
                    liveScores[similar.item] = (
                        (current?.score ?? 0) + added, current.map { added > $0.score ? entry.item : $0.source } ?? entry.item
                    )
                }
            }
            for entry in person.history.prefix(50) { titles[entry.item] = title(entry.item) }
        }
        return RankInputs(
            person: person, indices: indices, entries: entries, liveScores: liveScores, historyTitles: titles, settings: site.settings,
            boosts: siteBoosts())
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
