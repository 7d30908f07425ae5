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
    /// The catalog entry.
    public var item: Item
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
        let person = runtime.state.withLock { $0.person(for: request, now: now) }

        var modelScores: [ScoredItem] = []
        if request.strategy == .forYou, person.personalized, let snapshot, !person.history.isEmpty {
            modelScores = snapshot.candidates(for: person.history, count: Self.modelCandidates)
        }

        let answer = runtime.state.withLock { state in
            state.answer(request, person: person, modelScores: modelScores, snapshot: snapshot, now: now)
        }
        let result = RecommendationResult(
            id: "rec_" + RandomID.string(length: 20), strategy: request.strategy, modelVersion: snapshot?.version ?? "live",
            items: answer)
        recommendationLog.impression(
            RecommendationImpression(
                id: result.id, profileID: person.profileID, strategy: request.strategy.rawValue, items: answer.map(\.item.id), at: now),
            site: site)
        return result
    }

    /// How many of the trained model's best items enter the candidate pool.
    static let modelCandidates = 200
}

/// What the pipeline needs of the person, read under the site lock.
struct PersonView: Sendable {
    var profileID: ProfileID?
    var profile: Profile?
    /// Whether personal data may be used (consent, resolved with the site default).
    var personalized: Bool
    /// The history in live item numbers, newest first, one entry per item.
    var history: [HistoryEntry]
}
