/// The best `limit` scored items offered, handed back best first with ties to the lower index.
struct TopScored {
    private var heap: NeighbourHeap

    init(limit: Int) { heap = NeighbourHeap(capacity: max(limit, 0)) }

    mutating func offer(_ item: Int32, _ score: Float) { heap.offer(item, score) }

    /// The kept items, best first; ties to the lower index.
    func bestFirst() -> [ScoredItem] {
        heap.entries
            .sorted { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.item < $1.item) }
            .map { ScoredItem(item: $0.item, score: $0.similarity) }
    }
}
