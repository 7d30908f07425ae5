#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AttributeIndex {
    /// Items whose attributes are most like `item`'s, by IDF-weighted cosine.
    ///
    /// Candidates come from `item`'s features rarest first, within ``maxPostingsScanned``
    /// postings; cost O(maxPostingsScanned · features per item).
    ///
    /// - Parameters:
    ///   - item: The item to match; never returned itself. Unknown items give no results.
    ///   - limit: How many items at most.
    ///   - include: Whether an item may be returned.
    /// - Returns: Best first, ties to the lower index; scores in 0–1.
    public func similar(to item: Int32, limit: Int, where include: (Int32) -> Bool) -> [ScoredItem] {
        let scale = QueryScale(itemCount: count)
        let query = itemFeatures.features(of: Int(item)).map { (feature: $0, weight: scale.idf(logDocumentFrequency[Int($0)])) }
        return rank(query, excluding: item, limit: limit, include: include)
    }

    /// Items best matching a weighted set of features: a person's tastes.
    ///
    /// The taste is a query vector (weight × IDF per feature) compared by cosine with each item.
    /// Candidates come from the positively weighted features, most important (weight × IDF²)
    /// first, within ``maxPostingsScanned`` postings. Tokens the index has never seen are ignored;
    /// build them with ``feature(_:value:)``.
    ///
    /// - Parameters:
    ///   - taste: Feature tokens and their weights (`["brand=acme": 2, "category=shoes": 1]`);
    ///     negative weights count against items that have the feature.
    ///   - limit: How many items at most.
    ///   - include: Whether an item may be returned.
    /// - Returns: Best first, ties to the lower index; only positive scores.
    public func matching(_ taste: [String: Float], limit: Int, where include: (Int32) -> Bool) -> [ScoredItem] {
        let scale = QueryScale(itemCount: count)
        let query = taste.compactMap { token, weight -> (feature: Int32, weight: Float)? in
            guard let id = vocabulary[token], !postings[Int(id)].isEmpty, weight.isFinite, weight != 0 else { return nil }
            return (id, weight * scale.idf(logDocumentFrequency[Int(id)]))
        }
        return rank(query, excluding: nil, limit: limit, include: include)
    }

    /// Scores the candidates of a query vector (distinct features, weights already × IDF).
    private func rank(
        _ query: [(feature: Int32, weight: Float)], excluding excluded: Int32?, limit: Int, include: (Int32) -> Bool
    ) -> [ScoredItem] {
        let queryNorm = query.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
        guard limit > 0, queryNorm > 0 else { return [] }
        let scale = QueryScale(itemCount: count)

        // Collect: the most important features first (weight × IDF; for an item, its rarest).
        let order = query.filter { $0.weight > 0 }.sorted {
            let a = $0.weight * scale.idf(logDocumentFrequency[Int($0.feature)])
            let b = $1.weight * scale.idf(logDocumentFrequency[Int($1.feature)])
            return a > b || (a == b && $0.feature < $1.feature)
        }
        var candidates: [Int32] = []
        candidates.reserveCapacity(min(maxPostingsScanned, 1 << 16))
        for term in order where candidates.count < maxPostingsScanned {
            candidates.append(contentsOf: postings[Int(term.feature)].prefix(maxPostingsScanned - candidates.count))
        }
        // Ascending order visits the items' feature lists roughly in memory order (and dedupes).
        candidates.sort()

        // Score exactly: merge the query's sorted features with each candidate's.
        let sortedQuery = query.sorted { $0.feature < $1.feature }
        var best = TopScored(limit: limit)
        var previous: Int32 = -1
        itemFeatures.storage.withUnsafeBufferPointer { storage in
            logDocumentFrequency.withUnsafeBufferPointer { logDocumentFrequency in
                for candidate in candidates where candidate != previous {
                    previous = candidate
                    guard candidate != excluded, include(candidate) else { continue }
                    let start = Int(itemFeatures.starts[Int(candidate)])
                    var dot: Float = 0, norm: Float = 0, q = 0
                    for feature in storage[start..<start + Int(itemFeatures.counts[Int(candidate)])] {
                        let idf = scale.idf(logDocumentFrequency[Int(feature)])
                        norm += idf * idf
                        while q < sortedQuery.count, sortedQuery[q].feature < feature { q += 1 }
                        if q < sortedQuery.count, sortedQuery[q].feature == feature { dot += sortedQuery[q].weight * idf }
                    }
                    guard norm > 0 else { continue }
                    let score = dot / (queryNorm * norm.squareRoot())
                    if score > 0 { best.offer(candidate, score) }
                }
            }
        }
        return best.bestFirst()
    }
}

/// ln(1 + N) for one query, turning each feature's stored ln(1 + df) into its IDF.
struct QueryScale {
    let logItems: Float

    init(itemCount: Int) { logItems = log(Float(1 + itemCount)) }

    /// ln((1 + N) / (1 + df)) + 1.
    func idf(_ logDocumentFrequency: Float) -> Float { logItems - logDocumentFrequency + 1 }
}
