#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Item similarity from catalog attributes, so a brand-new item is recommendable at once.
///
/// Each item is a set of feature tokens (``features(of:)``: `brand=acme`, `tag=trail`, a price
/// band…) kept in an inverted index. Items are compared by IDF-weighted cosine: a shared rare
/// feature (a brand with 20 items) counts far more than a shared common one (`category=shoes`).
/// The IDF of a feature held by df of N items is ln((1 + N) / (1 + df)) + 1.
///
/// Queries are bounded on big catalogs: candidates are collected from the query's features in
/// order of importance (rarest first for ``similar(to:limit:where:)``) and collection stops after
/// ``maxPostingsScanned`` postings; the candidates are then scored exactly. Items sharing only
/// very common features with the query may therefore be missed, never mis-scored.
///
/// Updates cost O(features · df) at worst (removing an item from a feature's posting list is a
/// linear search); memory is one `Int32` per (item, feature) in the postings, one more in the
/// items' own lists (up to twice that between compactions, see `FeatureLists`), 8 bytes per item,
/// and the vocabulary of distinct tokens, which is not shrunk when tokens fall out of use.
/// The index is rebuilt from the catalog at start-up and is not serialized.
public struct AttributeIndex: Sendable {
    /// How many postings one query scans at most while collecting candidates.
    public let maxPostingsScanned: Int
    /// How many items have at least one feature.
    public private(set) var count = 0

    /// Token → feature id.
    var vocabulary: [String: Int32] = [:]
    /// Feature id → token.
    var names: [String] = []
    /// Feature id → the items that have it, unordered.
    var postings: [[Int32]] = []
    /// Feature id → ln(1 + df), kept up to date so that queries compute no logarithm per feature.
    var logDocumentFrequency: [Float] = []
    /// Item → its feature ids, ascending.
    var itemFeatures = FeatureLists()

    /// An empty index.
    ///
    /// - Parameter maxPostingsScanned: The candidate-collection budget of one query (default 5,000).
    public init(maxPostingsScanned: Int = 5_000) {
        self.maxPostingsScanned = max(maxPostingsScanned, 1)
    }

    /// Sets `item`'s features (as ``features(of:)`` makes them), replacing any it had.
    ///
    /// Only the features that changed touch the index, so re-sending an unchanged item is cheap.
    public mutating func upsert(_ item: Int32, features: [String]) {
        guard item >= 0 else { return }
        var distinct = Set<Int32>(minimumCapacity: features.count)
        for token in features { distinct.insert(featureID(token)) }
        let ids = distinct.sorted()
        let old = Array(itemFeatures.features(of: Int(item)))  // a copy: a slice would make `set` copy the storage
        guard !ids.elementsEqual(old) else { return }
        count += (old.isEmpty ? 1 : 0) - (ids.isEmpty ? 1 : 0)
        let kept = Set(old).intersection(ids)
        for feature in old where !kept.contains(feature) {
            let slot = Int(feature)
            if let position = postings[slot].firstIndex(of: item) {
                postings[slot].swapAt(position, postings[slot].count - 1)
                postings[slot].removeLast()
            }
            logDocumentFrequency[slot] = log(Float(1 + postings[slot].count))
        }
        for feature in ids where !kept.contains(feature) {
            let slot = Int(feature)
            postings[slot].append(item)
            logDocumentFrequency[slot] = log(Float(1 + postings[slot].count))
        }
        itemFeatures.set(Int(item), to: ids)
    }

    /// Removes `item` from the index (a deleted item).
    public mutating func remove(_ item: Int32) {
        upsert(item, features: [])
    }

    /// The feature tokens indexed for `item`, in no particular order; empty when unknown.
    public func indexedFeatures(of item: Int32) -> [String] {
        itemFeatures.features(of: Int(item)).map { names[Int($0)] }
    }

    /// How many items have the feature `token`.
    public func documentFrequency(of token: String) -> Int {
        vocabulary[token].map { postings[Int($0)].count } ?? 0
    }

    private mutating func featureID(_ token: String) -> Int32 {
        if let id = vocabulary[token] { return id }
        let id = Int32(names.count)
        vocabulary[token] = id
        names.append(token)
        postings.append([])
        logDocumentFrequency.append(0)
        return id
    }
}
