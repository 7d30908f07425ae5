/// Sparse score accumulation over a dense scratch buffer: the per-request work space of the
/// sparse scorers (``ForYouModel/score(history:into:)``).
///
/// Adding to an item costs one memory write; the items touched since the last ``reset()`` are
/// listed in ``touched`` (each once, in the order first touched), so selecting the best items and
/// clearing the buffer cost time in the number of touched items, never in the catalog size. The
/// buffer holds `itemCount` floats and as many flags: keep one per thread and reuse it across
/// requests rather than allocating one per request.
public struct ScoreAccumulator: Sendable {
    /// How many items the buffer covers: items `0..<itemCount`.
    public let itemCount: Int
    /// The items touched since the last ``reset()``, each once, in the order first touched (a copy).
    public var touched: [Int32] { Array(touchedItems) }
    /// ``touched`` without the copy.
    var touchedItems: ArraySlice<Int32> { touchedStorage[0..<touchedCount] }
    /// How many items were touched since the last ``reset()``.
    public var touchedCount: Int { count }
    private var scores: [Float]
    private var marked: [Bool]
    private var touchedStorage: [Int32]
    private var count = 0

    /// Creates an empty accumulator.
    /// - Parameter itemCount: The number of items that can be scored, ≥ 0.
    public init(itemCount: Int) {
        precondition(itemCount >= 0, "an item count is never negative")
        self.itemCount = itemCount
        self.scores = [Float](repeating: 0, count: itemCount)
        self.marked = [Bool](repeating: false, count: itemCount)
        self.touchedStorage = [Int32](repeating: 0, count: itemCount)
    }

    /// Adds `score` to `item`'s total, marking it touched.
    /// - Parameters:
    ///   - item: An item in `0..<itemCount`.
    ///   - score: What to add.
    @inline(__always)
    public mutating func add(_ item: Int32, _ score: Float) {
        let index = Int(item)
        if !marked[index] {
            marked[index] = true
            touchedStorage[count] = item
            count += 1
        }
        scores[index] += score
    }

    /// Adds `factor × weights[k]` to `targets[k]` for every `k` in `range`: one row of links.
    @inline(__always)
    mutating func add(_ targets: [Int32], _ weights: [Float], _ range: Range<Int>, times factor: Float) {
        var count = self.count
        scores.withUnsafeMutableBufferPointer { scores in
            marked.withUnsafeMutableBufferPointer { marked in
                touchedStorage.withUnsafeMutableBufferPointer { touched in
                    targets.withUnsafeBufferPointer { targets in
                        weights.withUnsafeBufferPointer { weights in
                            for k in range {
                                let index = Int(targets[k])
                                precondition(index >= 0 && index < scores.count, "a link points past the accumulator")
                                if !marked[index] {
                                    marked[index] = true
                                    touched[count] = targets[k]
                                    count += 1
                                }
                                scores[index] += factor * weights[k]
                            }
                        }
                    }
                }
            }
        }
        self.count = count
    }

    /// The total added to `item` since the last reset (0 when untouched).
    /// - Parameter item: An item in `0..<itemCount`.
    public func score(of item: Int32) -> Float {
        scores[Int(item)]
    }

    /// Whether anything was added to `item` since the last reset.
    /// - Parameter item: An item in `0..<itemCount`.
    public func isTouched(_ item: Int32) -> Bool {
        marked[Int(item)]
    }

    /// Clears the touched entries only, so the next request starts from zero.
    public mutating func reset() {
        for item in touchedStorage[0..<count] {
            scores[Int(item)] = 0
            marked[Int(item)] = false
        }
        count = 0
    }

    /// The best `n` touched items that `include` accepts, best first; equal scores go to the lower
    /// index; NaN scores never rank.
    /// - Parameters:
    ///   - n: How many items at most.
    ///   - include: Whether an item may be returned (for example: not already in the history).
    /// - Returns: At most `n` items, by descending score, then ascending index.
    public func top(_ n: Int, where include: (Int32) -> Bool) -> [ScoredItem] {
        guard n > 0 else { return [] }
        var heap = NeighbourHeap(capacity: n)
        for item in touchedItems {
            let score = scores[Int(item)]
            if !score.isNaN, include(item) { heap.offer(item, score) }
        }
        return heap.sortedEntries.map { ScoredItem(item: $0.item, score: $0.similarity) }
    }
}

extension NeighbourHeap {
    /// The kept entries, best first: descending similarity, then ascending item.
    var sortedEntries: [(item: Int32, similarity: Float)] {
        entries.sorted { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.item < $1.item) }
    }
}
