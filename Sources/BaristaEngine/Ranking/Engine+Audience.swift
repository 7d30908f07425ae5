import BaristaCore
import BaristaModels
import Foundation

/// The answer of `GET /v1/items/{item_id}/audience`.
public struct ItemAudience: Sendable {
    /// `item_id` of the item.
    public var itemID: ItemID
    /// `estimated_size`: how many people score at or above ``threshold``.
    public var estimatedSize: Int
    /// `threshold`: the score (0…1) a person needs to count as audience.
    public var threshold: Double
    /// How the item's neighbourhood was found: `interactions` (people already engage with it and
    /// its neighbours) or `attributes` (a new item: the items sharing its attributes, and theirs).
    public var basis: String
    /// `profiles`: the best-scoring people, best first.
    public var profiles: [Member]

    /// One person of the audience.
    public struct Member: Sendable {
        /// `profile_id`.
        public var profileID: ProfileID
        /// `user_id`: the person's first user id, when identified.
        public var userID: String?
        /// `score` in 0…1.
        public var score: Double
        /// `reason` in words.
        public var reason: String
    }

    /// The API form.
    public var json: JSONValue {
        [
            "item_id": .string(itemID.rawValue), "estimated_size": .number(Double(estimatedSize)), "threshold": .number(threshold),
            "basis": .string(basis),
            "profiles": .array(profiles.map { member in
                ["profile_id": .string(member.profileID.rawValue), "user_id": member.userID.map(JSONValue.string) ?? .null,
                    "score": .number(member.score), "reason": .string(member.reason)]
            }),
        ]
    }
}

extension Engine {
    /// The people most likely to engage with an item, also a brand-new one.
    ///
    /// The item's neighbourhood is weighed first: the item itself, its trained-model neighbours and
    /// its live co-views and co-purchases. An item with too little history of its own (a new
    /// series) borrows one from its catalog attributes: the items sharing them (IDF-weighted, so
    /// a shared actor counts far more than a shared genre) and those items' own neighbours.
    /// Each person then scores 0.7 × their history's weight in that neighbourhood (purchases,
    /// cart and views weighed by the site's feedback weights, normalised by the best person) plus
    /// 0.3 × their affinity to the item's attributes. People without `personalization` consent
    /// and people who already bought the item are left out.
    ///
    /// - Parameters:
    ///   - threshold: the score (0…1) a person needs to count in `estimated_size`; default 0.1.
    /// - Returns: nil when the item is not in the catalog.
    public func audience(of itemID: ItemID, limit: Int, threshold: Double = 0.1, site: SiteID) async throws -> ItemAudience? {
        let runtime = try await runtime(site)
        let snapshot = runtime.model.withLock { $0 }
        let now = now()
        // The profiles are copied by reference (copy-on-write): scoring runs outside the lock.
        typealias Inputs = (profiles: [ProfileID: Profile], settings: SiteSettings, item: Item, seeds: [ItemID: Float], basis: String)
        guard let inputs = runtime.state.withLock({ state -> Inputs? in
            guard let index = state.live.vocabulary.existingIndex(of: itemID), let item = state.catalog[itemID] else { return nil }
            let (seeds, basis) = state.audienceSeeds(of: index, snapshot: snapshot)
            return (state.profiles, state.site.settings, item, seeds, basis)
        }) else { return nil }
        let (item, seeds, settings) = (inputs.item, inputs.seeds, inputs.settings)

        let weights = settings.feedbackWeights
        let purchase = Float(weights[EventName.orderCompleted] ?? 5), add = Float(weights[EventName.productAdded] ?? 3)
        let view = Float(weights[EventName.productViewed] ?? 1)
        let strongest = max(purchase, add, view, 1)
        let halfLife = settings.halfLifeSeconds
        let defaultConsent = settings.defaultConsent
        struct Candidate {
            var id: ProfileID
            var collaborative: Float
            var affinity: Double
            var source: ItemID?
            var taste: (dimension: AffinityDimension, value: String)?
        }
        var candidates: [Candidate] = []
        var bestCollaborative: Float = 0
        for (id, profile) in inputs.profiles {
            guard profile.consent.resolved(with: defaultConsent).personalization ?? true, !profile.purchased.contains(itemID) else { continue }
            var collaborative: Float = 0
            var source: (item: ItemID, weight: Float)?
            func note(_ seen: ItemID, _ weight: Float) {
                guard let seed = seeds[seen] else { return }
                let contribution = seed * weight / strongest
                collaborative += contribution
                if contribution > (source?.weight ?? 0) { source = (seen, contribution) }
            }
            for bought in profile.recentPurchases { note(bought.itemID, purchase) }
            for line in profile.cart { note(line.itemID, add) }
            for viewed in profile.recentlyViewed { note(viewed.itemID, view) }
            var affinity = 0.0, dimensions = 0
            var taste: (dimension: AffinityDimension, value: String, share: Double)?
            if !profile.affinities.weights.isEmpty {
                let shares = profile.affinities.shares(at: now, halfLife: halfLife)
                for dimension in AffinityDimension.allCases {
                    let values = item.attributeValues(dimension)
                    guard !values.isEmpty else { continue }
                    dimensions += 1
                    let best = values.map { shares[dimension]?[$0] ?? 0 }.max() ?? 0
                    affinity += best
                    if best > (taste?.share ?? 0), let value = values.max(by: { (shares[dimension]?[$0] ?? 0) < (shares[dimension]?[$1] ?? 0) }) {
                        taste = (dimension, value, best)
                    }
                }
            }
            if dimensions > 0 { affinity /= Double(dimensions) }
            guard collaborative > 0 || affinity > 0 else { continue }
            bestCollaborative = max(bestCollaborative, collaborative)
            candidates.append(Candidate(id: id, collaborative: collaborative, affinity: affinity, source: source?.item,
                taste: taste.map { ($0.dimension, $0.value) }))
        }

        var scored = candidates.map { candidate -> (Candidate, Double) in
            let collaborative = bestCollaborative > 0 ? Double(candidate.collaborative / bestCollaborative) : 0
            return (candidate, ((0.7 * collaborative + 0.3 * candidate.affinity) * 1e6).rounded() / 1e6)
        }
        let size = scored.reduce(0) { $0 + ($1.1 >= threshold ? 1 : 0) }
        scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }
        let top = Array(scored.prefix(limit))
        let (userIDs, titles) = runtime.state.withLock { state in
            (top.map { state.identities.ids(of: $0.0.id, kind: .user).first },
                Dictionary(top.compactMap(\.0.source).map { ($0, state.catalog[$0]?.title ?? $0.rawValue) }, uniquingKeysWith: { a, _ in a }))
        }
        let members = top.enumerated().map { position, entry -> ItemAudience.Member in
            let (candidate, score) = entry
            let reason: String
            if let source = candidate.source, Double(candidate.collaborative / max(bestCollaborative, .leastNonzeroMagnitude)) * 0.7 >= candidate.affinity * 0.3 {
                let title = titles[source] ?? source.rawValue
                reason = source == itemID ? "Viewed \(title) already" : "Engaged with \(title), which goes with it"
            } else if let taste = candidate.taste {
                reason = "Likes \(taste.dimension == .tags ? "tag" : taste.dimension.rawValue) \(taste.value)"
            } else {
                reason = "Engaged with items like it"
            }
            return ItemAudience.Member(
                profileID: candidate.id, userID: userIDs[position], score: score, reason: reason)
        }
        return ItemAudience(itemID: itemID, estimatedSize: size, threshold: threshold, basis: inputs.basis, profiles: members)
    }
}

extension SiteState {
    /// The item's neighbourhood as catalog ids with weights in 0…1 (the item itself 1), and its basis.
    func audienceSeeds(of index: Int32, snapshot: ModelSnapshot?) -> (seeds: [ItemID: Float], basis: String) {
        var seeds: [Int32: Float] = [index: 1]
        func add(_ list: [ScoredItem], scale: Float) {
            guard let best = list.map(\.score).max(), best > 0 else { return }
            for entry in list where entry.item != index {
                seeds[entry.item] = max(seeds[entry.item] ?? 0, scale * entry.score / best)
            }
        }
        let all: (Int32) -> Bool = { _ in true }
        add(live.cooccurrence.similar(to: index, limit: 100, where: all), scale: 0.8)
        add(live.cooccurrence.boughtTogether(with: [index], limit: 100, where: all), scale: 0.8)
        if let snapshot { add(Array(snapshot.neighbours(of: index, where: all).prefix(100)), scale: 0.8) }
        var basis = "interactions"
        if seeds.count < 5 {
            // A new item: what shares its attributes stands in for it, and so do those items' neighbours.
            basis = "attributes"
            let alike = live.attributes.similar(to: index, limit: 50, where: all)
            add(alike, scale: 0.6)
            for entry in alike.prefix(20) {
                let scale = 0.3 * entry.score / max(alike[0].score, .leastNonzeroMagnitude)
                add(live.cooccurrence.similar(to: entry.item, limit: 20, where: all), scale: scale)
            }
        }
        var byID: [ItemID: Float] = [:]
        for (item, weight) in seeds { byID[live.vocabulary.id(item)] = weight }
        return (byID, basis)
    }
}
