import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Weighted item → item links, at most a few per item, in compressed rows: row `i` lists the items
/// that item `i` points to (its neighbours) and how strongly, best first.
///
/// A sparse scorer sums the rows of a person's items, so scoring costs the number of links it
/// visits, never the catalog size. Rows are sorted by descending weight, then ascending target,
/// and never hold the row's own item. Builders: ``init(denseRows:itemCount:rowStride:keep:)``
/// (a dense item × item model such as EASE, pruned to each row's best links) and
/// ``init(leftFactors:rightFactors:itemCount:rowStride:keep:)`` (top links by dot product of
/// item factors, for catalogs too large for a dense model).
public struct ItemNeighbours: Sendable, Equatable {
    /// How many items (rows); items are `0..<itemCount`.
    public let itemCount: Int
    /// Row `i` is `offsets[i]..<offsets[i + 1]` of ``targets`` and ``weights``; `itemCount + 1` values.
    public let offsets: [Int]
    /// The item each link points to.
    public let targets: [Int32]
    /// The weight of each link, > 0.
    public let weights: [Float]

    /// Wraps rows that are already in this layout.
    /// - Parameters:
    ///   - itemCount: The number of rows.
    ///   - offsets: `itemCount + 1` non-decreasing offsets from 0 to `targets.count`.
    ///   - targets: The target of each link, each in `0..<itemCount`.
    ///   - weights: The weight of each link, as many as `targets`.
    public init(itemCount: Int, offsets: [Int], targets: [Int32], weights: [Float]) {
        precondition(offsets.count == itemCount + 1 && offsets.first == 0 && offsets.last == targets.count)
        precondition(targets.count == weights.count, "one weight per target")
        self.itemCount = itemCount
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
    }

    /// No links at all: every row empty.
    /// - Parameter itemCount: The number of rows.
    public init(empty itemCount: Int) {
        self.init(itemCount: itemCount, offsets: [Int](repeating: 0, count: itemCount + 1), targets: [], weights: [])
    }

    /// The links of `item`, best first.
    /// - Parameter item: An item in `0..<itemCount`.
    /// - Returns: The targets and their weights, as slices of ``targets`` and ``weights``.
    public func neighbours(of item: Int) -> (targets: ArraySlice<Int32>, weights: ArraySlice<Float>) {
        let range = offsets[item]..<offsets[item + 1]
        return (targets[range], weights[range])
    }

    /// How many links are stored.
    public var linkCount: Int { targets.count }

    /// The bytes the three arrays hold.
    public var memoryBytes: Int {
        offsets.count * MemoryLayout<Int>.stride + targets.count * (MemoryLayout<Int32>.stride + MemoryLayout<Float>.stride)
    }

    /// The same links with every weight multiplied by `factor`.
    /// - Parameter factor: A positive scale.
    public func scaled(by factor: Float) -> ItemNeighbours {
        ItemNeighbours(itemCount: itemCount, offsets: offsets, targets: targets, weights: weights.map { $0 * factor })
    }

    /// The same rows cut to their `keep` strongest links (rows are sorted, so this keeps a prefix).
    /// - Parameter keep: The most links kept per row, ≥ 0.
    public func keepingStrongest(_ keep: Int) -> ItemNeighbours {
        var offsets = [0], targets: [Int32] = [], weights: [Float] = []
        offsets.reserveCapacity(itemCount + 1)
        for item in 0..<itemCount {
            let range = self.offsets[item]..<min(self.offsets[item + 1], self.offsets[item] + max(keep, 0))
            targets += self.targets[range]
            weights += self.weights[range]
            offsets.append(targets.count)
        }
        return ItemNeighbours(itemCount: itemCount, offsets: offsets, targets: targets, weights: weights)
    }

    /// The same links scaled so that the mean of the rows' strongest weights is 1.
    public func normalized() -> ItemNeighbours {
        scaled(by: 1 / typicalStrongestWeight)
    }

    /// The mean over non-empty rows of their strongest weight (1 when there is none): the scale
    /// that makes tables of different models comparable.
    public var typicalStrongestWeight: Float {
        var sum = 0.0, rows = 0
        for item in 0..<itemCount where offsets[item] < offsets[item + 1] {
            sum += Double(weights[offsets[item]])
            rows += 1
        }
        return rows > 0 && sum > 0 ? Float(sum / Double(rows)) : 1
    }

    /// Builds the rows in parallel, in blocks of `blockSize` consecutive items, each block by one
    /// thread: `fill(rows, &heaps)` offers the candidate links of each row of the block to its heap
    /// (`heaps[row - rows.lowerBound]`), which keeps the best `keep`; non-positive weights and an
    /// item's link to itself are dropped here.
    static func build(
        itemCount: Int, keep: Int, blockSize: Int = 64, parallelism: Int? = nil,
        _ makeWorker: @Sendable () -> (@Sendable (_ rows: Range<Int>, _ heaps: inout [NeighbourHeap]) -> Void)
    ) -> ItemNeighbours {
        let blocks = (itemCount + blockSize - 1) / blockSize
        let threads = max(1, min(parallelism ?? ProcessInfo.processInfo.activeProcessorCount, blocks))
        let next = Atomic<Int>(0)
        let parts = Mutex<[(block: Int, counts: [Int], targets: [Int32], weights: [Float])]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let fill = makeWorker()
            var heaps = [NeighbourHeap](repeating: NeighbourHeap(capacity: max(keep, 0)), count: blockSize)
            while true {
                let block = next.add(1, ordering: .relaxed).oldValue
                guard block < blocks else { break }
                let rows = (block * blockSize)..<min(itemCount, (block + 1) * blockSize)
                for r in heaps.indices { heaps[r].removeAll() }
                if keep > 0 { fill(rows, &heaps) }
                var counts: [Int] = [], targets: [Int32] = [], weights: [Float] = []
                for item in rows {
                    var count = 0
                    for entry in heaps[item - rows.lowerBound].sortedEntries where entry.similarity > 0 && Int(entry.item) != item {
                        targets.append(entry.item)
                        weights.append(entry.similarity)
                        count += 1
                    }
                    counts.append(count)
                }
                parts.withLock { $0.append((block, counts, targets, weights)) }
            }
        }
        var offsets = [0], targets: [Int32] = [], weights: [Float] = []
        offsets.reserveCapacity(itemCount + 1)
        let ordered = parts.withLock { $0.sorted { $0.block < $1.block } }
        for part in ordered {
            for count in part.counts { offsets.append(offsets[offsets.count - 1] + count) }
            targets += part.targets
            weights += part.weights
        }
        return ItemNeighbours(itemCount: itemCount, offsets: offsets, targets: targets, weights: weights)
    }
}

extension NeighbourHeap {
    /// The weakest kept similarity once the heap is full (what a candidate must beat), else −∞.
    var threshold: Float {
        entries.count == capacity && capacity > 0 ? entries[0].similarity : -.infinity
    }
}
