/// One entry of a person's history, as ``ForYouModel/score(history:into:)`` reads it.
///
/// A history is given newest first, with at most one entry per item. `weight` is the feedback
/// weight of the person's strongest interaction with the item (offline: 1; a site may weigh a
/// view 1, an add to cart 3, a purchase 5); `timestamp` is when the item last mattered (Unix
/// seconds), which recency decay may read.
public struct HistoryEntry: Sendable, Hashable {
    /// The item's index in the model's catalog; items the model does not know are ignored.
    public var item: Int32
    /// The feedback weight, > 0 to count (entries of weight ≤ 0 are ignored).
    public var weight: Float
    /// When the interaction happened, in Unix seconds.
    public var timestamp: Double

    /// Creates an entry.
    /// - Parameters:
    ///   - item: The item's index.
    ///   - weight: The feedback weight (1 for plain implicit feedback).
    ///   - timestamp: Unix seconds.
    public init(item: Int32, weight: Float = 1, timestamp: Double = 0) {
        self.item = item
        self.weight = weight
        self.timestamp = timestamp
    }
}

/// What ``ForYouModel`` trains on: every person's ordered history (oldest → newest), in compressed
/// rows.
///
/// Row `p` is `offsets[p]..<offsets[p + 1]` of `items`, `weights` and `timestamps`. A row has at
/// most one entry per item; training reads which items a person has and in which order (both
/// models treat presence as 1, so sites may weigh feedback however they like), and the tuning
/// replays the last entries through the scorer with their weights and timestamps.
public struct ForYouTrainingData: Sendable {
    /// How many items there are: items `0..<itemCount`.
    public let itemCount: Int
    /// `personCount + 1` offsets into the entry arrays.
    public let offsets: [Int]
    /// Each entry's item, each row oldest first.
    public let items: [Int32]
    /// Each entry's feedback weight.
    public let weights: [Float]
    /// Each entry's time (Unix seconds).
    public let timestamps: [Double]

    /// How many people (rows) there are.
    public var personCount: Int { offsets.count - 1 }
    /// How many entries there are.
    public var entryCount: Int { items.count }

    /// Wraps histories laid out in compressed rows.
    /// - Parameters:
    ///   - itemCount: The catalog size; every item must be in `0..<itemCount`.
    ///   - offsets: One more than the number of people, non-decreasing from 0 to `items.count`.
    ///   - items: Each row's items, oldest first, without repeats within a row.
    ///   - weights: The feedback weight of each entry (nil: all 1).
    ///   - timestamps: The time of each entry (nil: its position, so order is all that counts).
    public init(itemCount: Int, offsets: [Int], items: [Int32], weights: [Float]? = nil, timestamps: [Double]? = nil) {
        precondition(offsets.first == 0 && offsets.last == items.count, "offsets must run from 0 to items.count")
        precondition(items.allSatisfy { $0 >= 0 && Int($0) < itemCount }, "every item must be in 0..<itemCount")
        precondition(weights.map { $0.count == items.count } ?? true, "one weight per entry")
        precondition(timestamps.map { $0.count == items.count } ?? true, "one timestamp per entry")
        self.itemCount = itemCount
        self.offsets = offsets
        self.items = items
        self.weights = weights ?? [Float](repeating: 1, count: items.count)
        self.timestamps = timestamps ?? items.indices.map(Double.init)
    }

    /// The training histories of a leave-last-out split: every kept user's training items in the
    /// order taken, with weight 1 and their timestamps. The held-out items are not included.
    /// - Parameter split: The split.
    public init(split: LeaveLastOut) {
        self.init(itemCount: split.itemCount, offsets: split.historyOffsets, items: split.historyItems,
                  weights: nil, timestamps: split.historyTimestamps)
    }

    /// Row `person` as a serving history: newest first.
    /// - Parameters:
    ///   - person: A row.
    ///   - dropping: How many of the newest entries to leave out (the tuning holds them out).
    public func history(of person: Int, dropping: Int = 0) -> [HistoryEntry] {
        let start = offsets[person], end = offsets[person + 1] - dropping
        guard end > start else { return [] }
        return (start..<end).reversed().map { HistoryEntry(item: items[$0], weight: weights[$0], timestamp: timestamps[$0]) }
    }

    /// The users × items presence matrix (every entry 1).
    func presence() -> InteractionMatrix {
        var entries: [(user: Int, item: Int, value: Float)] = []
        entries.reserveCapacity(items.count)
        var row: [Int32] = []
        for person in 0..<personCount {
            row.removeAll(keepingCapacity: true)
            row += items[offsets[person]..<offsets[person + 1]]
            row.sort()
            for (k, item) in row.enumerated() where k == 0 || row[k - 1] != item { entries.append((person, Int(item), 1)) }
        }
        return InteractionMatrix(userCount: personCount, itemCount: itemCount, entries: entries)
    }

    /// The same people without the newest entry of those marked in `dropped`.
    func droppingNewest(where dropped: [Bool]) -> ForYouTrainingData {
        var offsets = [0], items: [Int32] = [], weights: [Float] = [], timestamps: [Double] = []
        items.reserveCapacity(self.items.count)
        for person in 0..<personCount {
            let start = self.offsets[person], end = max(start, self.offsets[person + 1] - (dropped[person] ? 1 : 0))
            items += self.items[start..<end]
            weights += self.weights[start..<end]
            timestamps += self.timestamps[start..<end]
            offsets.append(items.count)
        }
        return ForYouTrainingData(itemCount: itemCount, offsets: offsets, items: items, weights: weights, timestamps: timestamps)
    }
}
