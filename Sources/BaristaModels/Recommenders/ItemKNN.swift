import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Item-based k-nearest neighbours with cosine similarity on binary feedback.
///
/// The similarity of items i and j is |users of i ∩ users of j| / (√|users of i| · √|users of j| +
/// shrink). Each *target* item keeps its `neighbours` most similar items (ties to the lower index),
/// as Dacrema et al.'s `ItemKNNCFRecommender` prunes columns. A user's score for a candidate is
/// the sum of the similarities of the user's items among the candidate's neighbours.
///
/// Training counts co-occurrences sparsely (through the item × user transpose), one item at a
/// time on every thread; memory is `itemCount × neighbours` similarities (Float32).
public struct ItemKNN: Recommender {
    /// `itemknn`.
    public var name: String { "itemknn" }
    /// `k` (neighbours kept per item) and `shrink`.
    public var config: [String: Double] { ["k": Double(neighbours), "shrink": Double(shrink)] }
    /// How many neighbours each target item keeps.
    public let neighbours: Int
    /// Added to the cosine denominator, damping similarities resting on few users.
    public let shrink: Float
    /// The training matrix, whose rows are the users scored.
    public let training: InteractionMatrix
    /// Row i of the pruned similarities lists the targets that keep i as a neighbour (CSR offsets).
    public let sourceOffsets: [Int]
    /// The target items of each source row, ascending.
    public let targets: [Int32]
    /// The similarity of each (source, target) entry.
    public let similarities: [Float]

    /// Computes and prunes the item-item similarities.
    ///
    /// - Parameters:
    ///   - training: Users × items; every stored entry counts as 1.
    ///   - neighbours: How many neighbours each item keeps (k); 0 or less keeps all of them.
    ///   - shrink: Added to the cosine denominator (0: plain cosine).
    ///   - parallelism: Threads to use; by default one per active processor.
    public init(training: InteractionMatrix, neighbours: Int = 50, shrink: Float = 0, parallelism: Int? = nil) {
        let itemCount = training.itemCount
        let k = neighbours > 0 ? min(neighbours, max(itemCount - 1, 0)) : max(itemCount - 1, 0)
        let itemUsers = training.transposed()
        let norms = (0..<itemCount).map { Double(itemUsers.rowOffsets[$0 + 1] - itemUsers.rowOffsets[$0]).squareRoot() }
        let chunks = max(1, min(parallelism ?? ProcessInfo.processInfo.activeProcessorCount, itemCount))

        // Target-major neighbour lists: slots j·k ..< j·k + kept[j]. Chunk c takes targets
        // c, c + chunks, …, and deposits its lists once.
        let lists = Mutex<[(chunk: Int, kept: [Int], sources: [Int32], weights: [Float])]>([])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var together = [Int32](repeating: 0, count: itemCount)
            var touched: [Int32] = []
            var best = NeighbourHeap(capacity: k)
            var kept: [Int] = [], sources: [Int32] = [], weights: [Float] = []
            for target in stride(from: chunk, to: itemCount, by: chunks) {
                for user in itemUsers.items(of: target) {
                    for item in training.items(of: Int(user)) {
                        if together[Int(item)] == 0 { touched.append(item) }
                        together[Int(item)] += 1
                    }
                }
                best.removeAll()
                for item in touched {
                    let i = Int(item)
                    if i != target {
                        best.offer(item, Float(Double(together[i]) / (norms[i] * norms[target] + Double(shrink))))
                    }
                    together[i] = 0
                }
                touched.removeAll(keepingCapacity: true)
                kept.append(best.count)
                for entry in best.entries {
                    sources.append(entry.item)
                    weights.append(entry.similarity)
                }
                for _ in best.count..<k {
                    sources.append(0)
                    weights.append(0)
                }
            }
            lists.withLock { $0.append((chunk, kept, sources, weights)) }
        }
        var kept = [Int](repeating: 0, count: itemCount)
        var sources = [Int32](repeating: 0, count: itemCount * k)
        var weights = [Float](repeating: 0, count: itemCount * k)
        lists.withLock { lists in
            for list in lists {
                for (position, count) in list.kept.enumerated() {
                    let target = list.chunk + position * chunks
                    kept[target] = count
                    for slot in 0..<count {
                        sources[target * k + slot] = list.sources[position * k + slot]
                        weights[target * k + slot] = list.weights[position * k + slot]
                    }
                }
            }
        }

        // Transposed to source-major rows, so a user's score only visits their own items' rows.
        var offsets = [Int](repeating: 0, count: itemCount + 1)
        for target in 0..<itemCount {
            for slot in 0..<kept[target] { offsets[Int(sources[target * k + slot]) + 1] += 1 }
        }
        for item in 0..<itemCount { offsets[item + 1] += offsets[item] }
        var next = offsets
        var targets = [Int32](repeating: 0, count: offsets[itemCount])
        var similarities = [Float](repeating: 0, count: offsets[itemCount])
        for target in 0..<itemCount {
            for slot in 0..<kept[target] {
                let source = Int(sources[target * k + slot])
                targets[next[source]] = Int32(target)
                similarities[next[source]] = weights[target * k + slot]
                next[source] += 1
            }
        }
        self.neighbours = k
        self.shrink = shrink
        self.training = training
        self.sourceOffsets = offsets
        self.targets = targets
        self.similarities = similarities
    }

    /// Sums, for every item, the similarities of the user's items that keep it as a neighbour.
    public func score(user: Int, into scores: inout [Float]) {
        precondition(scores.count == training.itemCount, "the score buffer must have one entry per item")
        scores.withUnsafeMutableBufferPointer { scores in
            scores.update(repeating: 0)
            for source in training.items(of: user) {
                for entry in sourceOffsets[Int(source)]..<sourceOffsets[Int(source) + 1] {
                    scores[Int(targets[entry])] += similarities[entry]
                }
            }
        }
    }
}

/// The best `capacity` (item, similarity) pairs offered: a min-heap whose root is the worst kept.
/// Higher similarity is better; on equal similarity the lower item index is better.
struct NeighbourHeap {
    let capacity: Int
    private(set) var entries: [(item: Int32, similarity: Float)] = []
    var count: Int { entries.count }

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    private func worse(_ a: Int, than b: Int) -> Bool {
        let x = entries[a], y = entries[b]
        return x.similarity < y.similarity || (x.similarity == y.similarity && x.item > y.item)
    }

    mutating func offer(_ item: Int32, _ similarity: Float) {
        if entries.count < capacity {
            entries.append((item, similarity))
            var child = entries.count - 1
            while child > 0, worse(child, than: (child - 1) / 2) {
                entries.swapAt(child, (child - 1) / 2)
                child = (child - 1) / 2
            }
            return
        }
        guard capacity > 0 else { return }
        let root = entries[0]
        guard similarity > root.similarity || (similarity == root.similarity && item < root.item) else { return }
        entries[0] = (item, similarity)
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var worst = parent
            if left < entries.count, worse(left, than: worst) { worst = left }
            if right < entries.count, worse(right, than: worst) { worst = right }
            if worst == parent { return }
            entries.swapAt(parent, worst)
            parent = worst
        }
    }
}
