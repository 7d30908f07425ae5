import BaristaModels

/// Candidates of one request: a score and a reason per item (live item numbers), merged from
/// several sources; the first reason that scored an item highest is kept.
struct CandidatePool: Sendable {
    private(set) var scores: [Int32: Float] = [:]
    private(set) var reasons: [Int32: RecommendationReason] = [:]
    private var best: [Int32: Float] = [:]
    /// Items in the order they first arrived (for stable ties).
    private(set) var order: [Int32] = []

    var isEmpty: Bool { scores.isEmpty }
    var count: Int { scores.count }

    /// Adds `score` to `item`, with `reason` when it is this item's largest contribution so far.
    mutating func add(_ item: Int32, _ score: Float, _ reason: RecommendationReason) {
        guard score.isFinite, score > 0 else { return }
        if let current = scores[item] {
            scores[item] = current + score
            if score > best[item, default: 0] {
                best[item] = score
                reasons[item] = reason
            }
        } else {
            scores[item] = score
            best[item] = score
            reasons[item] = reason
            order.append(item)
        }
    }

    /// Adds a ranked list scaled so its best item gets `weight`.
    mutating func add(_ list: [ScoredItem], weight: Float, _ reason: (ScoredItem) -> RecommendationReason) {
        guard let top = list.first?.score, top > 0 else { return }
        for entry in list { add(entry.item, weight * entry.score / top, reason(entry)) }
    }

    /// Multiplies an item's score (boosts, buries, stated preferences).
    mutating func scale(_ item: Int32, by factor: Float) {
        if let current = scores[item] { scores[item] = current * factor }
    }

    /// Every candidate, best first; ties keep arrival order.
    func ranked() -> [(item: Int32, score: Float, reason: RecommendationReason)] {
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return scores.map { (item: $0.key, score: $0.value, reason: reasons[$0.key] ?? .trending) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : position[$0.item]! < position[$1.item]! }
    }
}
