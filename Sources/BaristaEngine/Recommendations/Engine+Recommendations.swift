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
    /// The items, best first.
    public var items: [RecommendedItem]
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
    public func recommend(_ request: RecommendationRequest, site: SiteID) async throws -> RecommendationResult {
        let runtime = try await runtime(site)
        let snapshot = runtime.model.withLock { $0 }
        let now = now()
        let (person, cached, cacheKey) = runtime.state.withLock { state in
            // A cached answer first (it needs no history); the history only when computing.
            var person = state.person(for: request, now: now, history: false)
            if let profileID = person.profileID, person.personalized, request.strategy == .forYou, let snapshot {
                var anonymous = request
                anonymous.user = nil
                let key = AnswerCache.Key(profile: profileID, request: anonymous)
                if let hit = state.answerCache.answer(
                    for: key, profileVersion: person.version, modelVersion: snapshot.version, generation: state.servingGeneration)
                {
                    return (person, hit as [ChosenItem]?, key as AnswerCache.Key?)
                }
                if let profile = person.profile { person.history = state.history(of: profile) }
                return (person, nil, key)
            }
            if person.personalized, let profile = person.profile { person.history = state.history(of: profile) }
            return (person, nil, nil)
        }

        let chosen: [ChosenItem]
        if let cached {
            chosen = cached
        } else {
            var modelScores: [ScoredItem] = []
            if request.strategy == .forYou, person.personalized, let snapshot, !person.history.isEmpty {
                modelScores = snapshot.candidates(for: person.history, count: max(Self.modelCandidates, request.limit * 10))
            }
            chosen = runtime.state.withLock { state in
                let answer = state.answer(request, person: person, modelScores: modelScores, snapshot: snapshot, now: now)
                // Cache what depends only on the person, the model, the catalog and the settings.
                if let cacheKey, let snapshot, !answer.usedFallbacks,
                    person.history.allSatisfy({ snapshot.modelIndex($0.item) != nil })
                {
                    state.answerCache.store(
                        answer.chosen, for: cacheKey, profileVersion: person.version, modelVersion: snapshot.version,
                        generation: state.servingGeneration)
                }
                return answer.chosen
            }
        }
        let answer = chosen.map { entry in
            RecommendedItem(entry: entry.entry, score: (Double(entry.score) * 1e6).rounded() / 1e6, reason: entry.text)
        }
        let result = RecommendationResult(
            id: RandomID.timeOrdered(prefix: "rec_"), strategy: request.strategy, modelVersion: snapshot?.version ?? "live",
            items: answer)
        recommendationLog.impression(
            RecommendationImpression(
                id: result.id, strategy: request.strategy.rawValue, items: answer.map(\.entry.id), at: now),
            site: site)
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
