/// Every item's feature ids, ascending, in one flat array: a slice per item.
///
/// One array instead of one per item saves ~40 bytes of header per item and lets a query walk
/// candidates' features in memory order. Replacing an item's list appends the new one and leaves
/// the old as garbage; when garbage passes half the storage it is compacted in item order, which
/// keeps memory within 2× the live features at an amortised O(1) cost per feature written.
struct FeatureLists: Sendable {
    /// The slices of all items, back to back (with garbage between compactions).
    private(set) var storage: [Int32] = []
    /// Per item: where its slice starts in ``storage``.
    private(set) var starts: [UInt32] = []
    /// Per item: how many features its slice holds.
    private(set) var counts: [UInt32] = []
    /// How many elements of ``storage`` belong to no item.
    private(set) var garbage = 0

    var itemCount: Int { starts.count }

    /// The features of `item` (ascending); empty when unknown.
    func features(of item: Int) -> ArraySlice<Int32> {
        guard item >= 0, item < starts.count else { return [] }
        let start = Int(starts[item])
        return storage[start..<start + Int(counts[item])]
    }

    /// Replaces `item`'s features with `ids` (ascending, distinct).
    mutating func set(_ item: Int, to ids: [Int32]) {
        if item >= starts.count {
            starts.append(contentsOf: repeatElement(0, count: item + 1 - starts.count))
            counts.append(contentsOf: repeatElement(0, count: item + 1 - counts.count))
        }
        garbage += Int(counts[item])
        starts[item] = ids.isEmpty ? 0 : UInt32(storage.count)
        counts[item] = UInt32(ids.count)
        storage.append(contentsOf: ids)
        if garbage > 1024, garbage * 2 > storage.count { compact() }
    }

    /// Rewrites ``storage`` without garbage, in item order.
    mutating func compact() {
        var compacted: [Int32] = []
        compacted.reserveCapacity(storage.count - garbage)
        for item in starts.indices where counts[item] > 0 {
            let start = Int(starts[item])
            starts[item] = UInt32(compacted.count)
            compacted.append(contentsOf: storage[start..<start + Int(counts[item])])
        }
        storage = compacted
        garbage = 0
    }
}
