import BaristaCore
import BaristaModels
import Foundation

/// One answer of `POST /v1/recommendations`.
public struct RecommendationResult: Sendable {
    /// `recommendation_id`, which later events echo in `properties` for attribution.
    public var id: String
    /// The strategy that answered.
    public var strategy: RecommendationStrategy
    /// `model_version`: the trained model's version, or `live` before the first training.
    public var modelVersion: String
    let chosen: [ChosenItem]
    /// `items` as API JSON text (`[{"item_id","item","score","reason"},…]`), written once per
    /// answer and kept with a cached answer, so a repeated question is not re-encoded.
    public let itemsJSON: [UInt8]

    /// The items, best first.
    public var items: [RecommendedItem] {
        chosen.map { RecommendedItem(entry: $0.entry, score: $0.roundedScore, reason: $0.text) }
    }

    /// The items as API JSON text.
    static func render(_ chosen: [ChosenItem]) -> [UInt8] {
        var text = JSONTextBuilder(capacity: 16 + chosen.reduce(0) { $0 + $1.entry.answerPrefix.utf8.count + $1.text.utf8.count + 48 })
        text.raw("[")
        for (index, entry) in chosen.enumerated() {
            if index > 0 { text.raw(",") }
            text.raw(entry.entry.answerPrefix)
            text.value(.number(entry.roundedScore))
            text.raw(#","reason":"#)
            text.value(.string(entry.text))
            text.raw("}")
        }
        text.raw("]")
        return text.bytes
    }
}

/// One recommended item with its score and the reason in words.
public struct RecommendedItem: Sendable {
    let entry: CatalogEntry
    /// The catalog entry.
    public var item: Item { entry.item }
    /// The catalog entry as API JSON text (`item` in the response), encoded once when the item was stored.
    public var itemJSON: String { entry.json }
    /// `{"item_id":…,"item":{…},"score":` as JSON text, for writing answers fast.
    public var answerPrefix: String { entry.answerPrefix }
    /// The item's score (higher is better; comparable within one answer only).
    public var score: Double
    /// Why it was recommended, in words a shopper can read.
    public var reason: String
}

extension Engine {
    /// Answers a recommendation request in four stages: the person (under the site lock), the
    /// trained model's scores (outside it, on the immutable snapshot), the live candidates merged,
    /// filtered, boosted and diversified (under the lock), then the impression is logged.
    ///
    /// Never empty while the catalog has an item that passes the filters: each strategy falls back
    /// to stated preferences, then popularity in the person's favourite category, then trending.
    ///
    /// - Parameter logged: whether the answer counts as shown (`false` for the dashboard's preview,
    ///   which nobody sees but the marketer, so per-strategy performance stays true).
    public func recommend(_ request: RecommendationRequest, site: SiteID, logged: Bool = true) async throws -> RecommendationResult {
        let runtime = try await runtime(site)
        let snapshot = runtime.model.withLock { $0 }
        let now = now()
        enum Start { case cached(AnswerCache.Entry), compute(PersonView, AnswerCache.Key?) }
        let start = runtime.state.withLock { state -> Start in
            // A cached answer first: it needs neither the profile nor its history.
            if request.strategy == .forYou, let snapshot, let known = state.personalizedProfile(for: request) {
                var anonymous = request
                anonymous.user = nil
                let key = AnswerCache.Key(profile: known.id, request: anonymous)
                if let hit = state.answerCache.entry(
                    for: key, profileVersion: known.version, modelVersion: snapshot.version, generation: state.servingGeneration)
                {
                    return .cached(hit)
                }
                return .compute(state.person(for: request), key)
            }
            return .compute(state.person(for: request), nil)
        }

        let chosen: [ChosenItem], itemsJSON: [UInt8]
        var shown: (ids: [ItemID], json: String?)
        switch start {
        case .cached(let entry):
            (chosen, itemsJSON) = (entry.chosen, entry.itemsJSON)
            shown = (entry.itemIDs, entry.itemIDsJSON)
        case .compute(let person, let cacheKey):
            var modelScores: [ScoredItem] = []
            if request.strategy == .forYou, person.personalized, let snapshot, !person.history.isEmpty {
                modelScores = snapshot.candidates(for: person.history, count: max(Self.modelCandidates, request.limit * 10))
            }
            let answer = runtime.state.withLock { state in
                state.answer(request, person: person, modelScores: modelScores, snapshot: snapshot, now: now)
            }
            (chosen, itemsJSON) = (answer.chosen, RecommendationResult.render(answer.chosen))
            shown = (chosen.map(\.entry.id), nil)
            // Cache what depends only on the person, the model, the catalog and the settings.
            if let cacheKey, let snapshot, !answer.usedFallbacks, person.history.allSatisfy({ snapshot.modelIndex($0.item) != nil }) {
                let ids = JSON.string(.array(shown.ids.map { .string($0.rawValue) }))
                shown.json = ids
                let entry = AnswerCache.Entry(
                    profileVersion: person.version, modelVersion: snapshot.version, generation: answer.generation, chosen: chosen,
                    itemsJSON: itemsJSON, itemIDs: shown.ids, itemIDsJSON: ids)
                runtime.state.withLock { $0.answerCache.store(entry, for: cacheKey) }
            }
        }
        let result = RecommendationResult(
            id: RandomID.timeOrdered(prefix: "rec_"), strategy: request.strategy, modelVersion: snapshot?.version ?? "live", chosen: chosen,
            itemsJSON: itemsJSON)
        if logged {
            recommendationLog.impression(
                RecommendationImpression(id: result.id, strategy: request.strategy.rawValue, items: shown.ids, itemsJSON: shown.json, at: now),
                site: site)
        }
        return result
    }

    /// How many of the trained model's best items are taken (before filters) at least.
    static let modelCandidates = 100
}

/// What the pipeline needs of the person, read under the site lock.
struct PersonView: Sendable {
    var profileID: ProfileID?
    var profile: Profile?
    /// The log position of the person's latest event when this view was read.
    var version: Int64 = 0
    /// Whether personal data may be used (consent, resolved with the site default).
    var personalized: Bool
    /// The history in live item numbers, newest first, one entry per item.
    var history: [HistoryEntry]
}
