import Synchronization

extension ForYouModel {
    /// What follows what: item `a` links to `b` with weight `Σ 1/gap` over the times `b` came
    /// `gap ≤ window` steps after `a` in someone's history, divided by how often `a` occurs
    /// (a conditional frequency); each row pruned to its `sequenceNeighbours` strongest links and
    /// the table scaled so an item's strongest link is about 1.
    static func sequenceLinks(_ training: ForYouTrainingData, _ config: ForYouConfig) -> ItemNeighbours {
        let n = training.itemCount, window = config.sequenceWindow
        guard config.sequenceWeight > 0, window > 0, config.sequenceNeighbours > 0 else { return ItemNeighbours(empty: n) }
        // Where each item occurs (entry positions), and where each entry's row ends.
        var occurrenceOffsets = [Int](repeating: 0, count: n + 1)
        for item in training.items { occurrenceOffsets[Int(item) + 1] += 1 }
        for i in 0..<n { occurrenceOffsets[i + 1] += occurrenceOffsets[i] }
        var next = occurrenceOffsets
        var occurrences = [Int](repeating: 0, count: training.items.count)
        var rowEnd = [Int](repeating: 0, count: training.items.count)
        for person in 0..<training.personCount {
            for k in training.offsets[person]..<training.offsets[person + 1] {
                let item = Int(training.items[k])
                occurrences[next[item]] = k
                next[item] += 1
                rowEnd[k] = training.offsets[person + 1]
            }
        }
        let items = training.items
        let links = ItemNeighbours.build(itemCount: n, keep: config.sequenceNeighbours) { [occurrences, occurrenceOffsets, rowEnd] in
            let scratch = CountScratch(itemCount: n)
            return { rows, heaps in
                scratch.withBuffers { counts, touched in
                    for a in rows {
                        let occurrenceCount = occurrenceOffsets[a + 1] - occurrenceOffsets[a]
                        for o in occurrenceOffsets[a]..<occurrenceOffsets[a + 1] {
                            let k = occurrences[o]
                            for gap in 1...window where k + gap < rowEnd[k] {
                                let b = Int(items[k + gap])
                                if counts[b] == 0 { touched.append(Int32(b)) }
                                counts[b] += 1 / Float(gap)
                            }
                        }
                        for b in touched {
                            if Int(b) != a { heaps[a - rows.lowerBound].offer(b, counts[Int(b)] / Float(occurrenceCount)) }
                            counts[Int(b)] = 0
                        }
                        touched.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
        return links.normalized()
    }
}

/// One thread's dense counters and touched list for building sparse rows.
private final class CountScratch: Sendable {
    private let state: Mutex<(counts: [Float], touched: [Int32])>

    init(itemCount: Int) {
        state = Mutex(([Float](repeating: 0, count: itemCount), []))
    }

    func withBuffers(_ body: (inout [Float], inout [Int32]) -> Void) {
        state.withLock { body(&$0.counts, &$0.touched) }
    }
}
