/// Implicit feedback as a sparse users × items matrix in compressed rows (CSR): for each user, the
/// items they interacted with (sorted, distinct) and a weight per item.
public struct InteractionMatrix: Sendable {
    /// How many users (rows); users are numbered 0..<userCount.
    public let userCount: Int
    /// How many items (columns); items are numbered 0..<itemCount.
    public let itemCount: Int
    /// Row `u` is `itemIndices[rowOffsets[u]..<rowOffsets[u + 1]]`; `rowOffsets.count == userCount + 1`.
    public let rowOffsets: [Int]
    /// The items of every row, each row sorted ascending without repeats.
    public let itemIndices: [Int32]
    /// The weight of each stored entry (1 for binary feedback).
    public let values: [Float]

    /// Builds the matrix from entries in any order; repeated (user, item) pairs add their values.
    public init(userCount: Int, itemCount: Int, entries: [(user: Int, item: Int, value: Float)]) {
        precondition(entries.allSatisfy { $0.user >= 0 && $0.user < userCount && $0.item >= 0 && $0.item < itemCount })
        let sorted = entries.sorted { ($0.user, $0.item) < ($1.user, $1.item) }
        var offsets = [Int](repeating: 0, count: userCount + 1)
        var items: [Int32] = []
        var values: [Float] = []
        items.reserveCapacity(sorted.count)
        values.reserveCapacity(sorted.count)
        var previous: (user: Int, item: Int)? = nil
        for entry in sorted {
            if let previous, previous.user == entry.user, previous.item == entry.item {
                values[values.count - 1] += entry.value
                continue
            }
            items.append(Int32(entry.item))
            values.append(entry.value)
            offsets[entry.user + 1] += 1
            previous = (entry.user, entry.item)
        }
        for u in 0..<userCount { offsets[u + 1] += offsets[u] }
        self.userCount = userCount
        self.itemCount = itemCount
        self.rowOffsets = offsets
        self.itemIndices = items
        self.values = values
    }

    /// How many entries are stored.
    public var nonZeroCount: Int { itemIndices.count }

    /// The items of `user`, ascending.
    public func items(of user: Int) -> ArraySlice<Int32> {
        itemIndices[rowOffsets[user]..<rowOffsets[user + 1]]
    }

    /// The weights of `user`'s items, in the order of ``items(of:)``.
    public func values(of user: Int) -> ArraySlice<Float> {
        values[rowOffsets[user]..<rowOffsets[user + 1]]
    }

    /// The transpose: items × users, in the same layout.
    public func transposed() -> InteractionMatrix {
        var entries: [(user: Int, item: Int, value: Float)] = []
        entries.reserveCapacity(nonZeroCount)
        for u in 0..<userCount {
            for k in rowOffsets[u]..<rowOffsets[u + 1] { entries.append((Int(itemIndices[k]), u, values[k])) }
        }
        return InteractionMatrix(userCount: itemCount, itemCount: userCount, entries: entries)
    }
}
