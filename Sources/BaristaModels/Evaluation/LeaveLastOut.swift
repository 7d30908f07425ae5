/// The `leave-last-out` split of EVALUATION.md: each user's most recent new item is held out.
///
/// 1. (user, item) pairs are deduplicated, each keeping its earliest occurrence: the smallest
///    (timestamp, row index). Each user's distinct items are ordered by that.
/// 2. Users with fewer than 2 distinct items are dropped.
/// 3. Each remaining user's last item is their test item; the others are training items (binary).
///
/// Users are renumbered `0..<userCount` (the kept users, in order of first appearance) and items
/// `0..<itemCount` (the items seen in training, in order of first appearance in the file), so the
/// protocol's tie-break — the item that appears earlier in the file wins — is "lower index wins".
public struct LeaveLastOut: Sendable {
    /// The training pairs: kept users × training items, every value 1.
    public let training: InteractionMatrix
    /// Each user's held-out item as a training item index, or -1 when it never occurs in training
    /// (a forced miss).
    public let testItems: [Int32]
    /// The original id of each user index.
    public let userIDs: [String]
    /// The original id of each item index.
    public let itemIDs: [String]
    /// The original id of each user's test item (including those never seen in training).
    public let testItemIDs: [String]
    /// Each user's training items in the order they were first taken, oldest first (CSR offsets).
    public let historyOffsets: [Int]
    /// The items of ``historyOffsets``, as training item indices.
    public let historyItems: [Int32]
    /// The timestamp at which each entry of ``historyItems`` was first taken.
    public let historyTimestamps: [Double]

    /// How many users are evaluated (the users kept).
    public var userCount: Int { training.userCount }
    /// How many items are scored (the items seen in training).
    public var itemCount: Int { training.itemCount }

    /// A user's training items, oldest first.
    public func history(of user: Int) -> ArraySlice<Int32> {
        historyItems[historyOffsets[user]..<historyOffsets[user + 1]]
    }

    /// Splits a log.
    ///
    /// - Parameter log: The interactions in file order; row order breaks timestamp ties.
    public init(log: InteractionLog) {
        // Rows grouped by user, each group in file order (a stable counting sort).
        let logUsers = log.userIDs.count
        var rowStart = [Int](repeating: 0, count: logUsers + 1)
        for user in log.users { rowStart[Int(user) + 1] += 1 }
        for u in 0..<logUsers { rowStart[u + 1] += rowStart[u] }
        var next = rowStart
        var rows = [Int32](repeating: 0, count: log.count)
        for (row, user) in log.users.enumerated() {
            rows[next[Int(user)]] = Int32(row)
            next[Int(user)] += 1
        }

        // Per user: each distinct item's first (timestamp, row), ordered by it.
        var keptUsers: [Int] = []
        var sequences: [[Int32]] = []  // rows of first occurrences, in order
        var earliest: [Int32: Int32] = [:]
        for u in 0..<logUsers {
            earliest.removeAll(keepingCapacity: true)
            for row in rows[rowStart[u]..<rowStart[u + 1]] {
                let item = log.items[Int(row)]
                if let seen = earliest[item], log.timestamps[Int(seen)] <= log.timestamps[Int(row)] { continue }
                earliest[item] = row
            }
            guard earliest.count >= 2 else { continue }
            let ordered = earliest.values.sorted {
                (log.timestamps[Int($0)], $0) < (log.timestamps[Int($1)], $1)
            }
            keptUsers.append(u)
            sequences.append(ordered)
        }

        // Training items, numbered in order of first appearance in the file (= log item order).
        var inTraining = [Bool](repeating: false, count: log.itemIDs.count)
        for sequence in sequences {
            for row in sequence.dropLast() { inTraining[Int(log.items[Int(row)])] = true }
        }
        var itemIndex = [Int32](repeating: -1, count: log.itemIDs.count)
        var itemIDs: [String] = []
        for item in log.itemIDs.indices where inTraining[item] {
            itemIndex[item] = Int32(itemIDs.count)
            itemIDs.append(log.itemIDs[item])
        }

        var entries: [(user: Int, item: Int, value: Float)] = []
        var offsets = [0]
        var historyItems: [Int32] = []
        var historyTimestamps: [Double] = []
        var testItems: [Int32] = []
        var testItemIDs: [String] = []
        for (user, sequence) in sequences.enumerated() {
            for row in sequence.dropLast() {
                let item = itemIndex[Int(log.items[Int(row)])]
                entries.append((user, Int(item), 1))
                historyItems.append(item)
                historyTimestamps.append(log.timestamps[Int(row)])
            }
            offsets.append(historyItems.count)
            let test = Int(log.items[Int(sequence.last!)])
            testItems.append(itemIndex[test])
            testItemIDs.append(log.itemIDs[test])
        }
        self.training = InteractionMatrix(userCount: sequences.count, itemCount: itemIDs.count, entries: entries)
        self.testItems = testItems
        self.userIDs = keptUsers.map { log.userIDs[$0] }
        self.itemIDs = itemIDs
        self.testItemIDs = testItemIDs
        self.historyOffsets = offsets
        self.historyItems = historyItems
        self.historyTimestamps = historyTimestamps
    }
}
