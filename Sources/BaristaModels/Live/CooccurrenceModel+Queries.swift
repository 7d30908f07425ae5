extension CooccurrenceModel {
    /// Items most like `item`: co-viewed or co-bought with it, by cosine with shrinkage.
    ///
    /// The score of j is c_ij / (√(n_i · n_j) + ``shrink``), where c_ij is the pair's co-view
    /// plus co-buy count and n the items' views plus baskets: one coincidence between rare items
    /// stays below a pair seen together many times. O(maxNeighbours) per call.
    ///
    /// - Parameters:
    ///   - item: The item to match; never returned itself.
    ///   - limit: How many items at most.
    ///   - include: Whether an item may be returned.
    /// - Returns: Best first, ties to the lower index; only positive scores.
    public func similar(to item: Int32, limit: Int, where include: (Int32) -> Bool) -> [ScoredItem] {
        guard limit > 0 else { return [] }
        var together: [Int32: Float] = [:]
        for entry in coView.row(item) { together[entry.item, default: 0] += entry.weight }
        for entry in coBuy.row(item) { together[entry.item, default: 0] += entry.weight }
        let own = coView.total(item) + coBuy.total(item)
        var best = TopScored(limit: limit)
        for (other, count) in together where other != item && count > 0 && include(other) {
            let denominator = (own * (coView.total(other) + coBuy.total(other))).squareRoot() + shrink
            guard denominator > 0 else { continue }
            best.offer(other, count / denominator)
        }
        return best.bestFirst()
    }

    /// Complements of `items`: what is bought in the same order or cart, from co-buy counts only.
    ///
    /// The score of j sums, over the query items q, c_qj / (√(n_q · n_j) + ``shrink``) with n the
    /// items' basket counts: cosine rather than raw counts, so that an item in every basket does
    /// not win every query. Items only ever co-viewed (substitutes) never appear.
    /// O(query items · maxNeighbours).
    ///
    /// - Parameters:
    ///   - items: The context item or the cart; none of them is returned.
    ///   - limit: How many items at most.
    ///   - include: Whether an item may be returned.
    /// - Returns: Best first, ties to the lower index; only positive scores.
    public func boughtTogether(with items: [Int32], limit: Int, where include: (Int32) -> Bool) -> [ScoredItem] {
        guard limit > 0 else { return [] }
        let query = Set(items)
        var scores: [Int32: Float] = [:]
        for item in query {
            let own = coBuy.total(item)
            for entry in coBuy.row(item) where entry.weight > 0 && !query.contains(entry.item) {
                let denominator = (own * coBuy.total(entry.item)).squareRoot() + shrink
                guard denominator > 0 else { continue }
                scores[entry.item, default: 0] += entry.weight / denominator
            }
        }
        var best = TopScored(limit: limit)
        for (other, score) in scores where include(other) { best.offer(other, score) }
        return best.bestFirst()
    }

    /// What usually follows `item` in people's ordered histories (the next episode, a refill).
    ///
    /// The score of j is c_{item→j} / (out(item) + ``shrink``): the share of `item`'s outgoing
    /// transitions that went to j, damped when there are few. Only transitions *from* `item`
    /// count, never those into it. O(maxNeighbours).
    ///
    /// - Parameters:
    ///   - item: The item just consumed; never returned itself.
    ///   - limit: How many items at most.
    ///   - include: Whether an item may be returned.
    /// - Returns: Best first, ties to the lower index; only positive scores.
    public func next(after item: Int32, limit: Int, where include: (Int32) -> Bool) -> [ScoredItem] {
        guard limit > 0 else { return [] }
        let denominator = sequence.total(item) + shrink
        guard denominator > 0 else { return [] }
        var best = TopScored(limit: limit)
        for entry in sequence.row(item) where entry.item != item && entry.weight > 0 && include(entry.item) {
            best.offer(entry.item, entry.weight / denominator)
        }
        return best.bestFirst()
    }
}
