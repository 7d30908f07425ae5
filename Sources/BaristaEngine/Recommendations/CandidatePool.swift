import BaristaModels

/// Candidates of one request: a score and a reason per item (live item numbers), merged from
/// several sources; an item's reason is that of its largest single contribution.
struct CandidatePool: Sendable {
    struct Entry: Sendable {
        var item: Int32
        var score: Float
        var best: Float
        var reason: RecommendationReason
    }

    /// In arrival order, which breaks ties.
    private(set) var entries: [Entry] = []
    private var position: [Int32: Int] = [:]

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// Adds `score` to `item`, with `reason` when it is this item's largest contribution so far.
    mutating func add(_ item: Int32, _ score: Float, _ reason: RecommendationReason) {
        guard score.isFinite, score > 0 else { return }
        if let index = position[item] {
            entries[index].score += score
            if score > entries[index].best {
                entries[index].best = score
                entries[index].reason = reason
            }
        } else {
            position[item] = entries.count
            entries.append(Entry(item: item, score: score, best: score, reason: reason))
        }
    }

    /// Adds a ranked list scaled so its best item gets `weight`.
    mutating func add(_ list: some Collection<ScoredItem>, weight: Float, _ reason: (ScoredItem) -> RecommendationReason) {
        guard let top = list.first?.score, top > 0 else { return }
        for entry in list { add(entry.item, weight * entry.score / top, reason(entry)) }
    }

    /// Multiplies every candidate's score by what `factor` says for its item (boosts, buries, preferences).
    mutating func scale(by factor: (Int32) -> Float) {
        for index in entries.indices { entries[index].score *= factor(entries[index].item) }
    }

    /// Every candidate, best first; ties keep arrival order.
    func ranked() -> [Entry] {
        entries.enumerated().sorted { a, b in a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset }
            .map(\.element)
    }
}

extension Array where Element == ScoredItem {
    /// The first `count` entries whose item passes `include`, in order.
    func first(_ count: Int, where include: (Int32) -> Bool) -> [ScoredItem] {
        var kept: [ScoredItem] = []
        kept.reserveCapacity(Swift.min(count, self.count))
        for entry in self where include(entry.item) {
            kept.append(entry)
            if kept.count == count { break }
        }
        return kept
    }
}
