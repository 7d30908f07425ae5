#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `for_you` model: personal recommendations from a person's recent history, scored sparsely.
///
/// Training turns the histories into two item → item tables (see ``ForYouConfig``): collaborative
/// links from EASEᴿ or implicit ALS, and sequence links (what follows what). Scoring a request
/// sums the rows of the person's items, weighted by feedback and recency, into a
/// ``ScoreAccumulator``: a 30-item history with 100 links per item touches about 3,000 entries,
/// a few microseconds, whatever the catalog size. ``tuned(training:progress:)`` picks the
/// hyper-parameters on a validation split carved from the training histories. The model is an
/// immutable value: serve it from any number of threads, each with its own accumulator.
public struct ForYouModel: Sendable {
    /// The hyper-parameters it was trained with.
    public let config: ForYouConfig
    /// How many items it scores: items `0..<itemCount`; newer items are ignored in histories.
    public let itemCount: Int
    /// The collaborative links, scaled so that an item's strongest link is about 1.
    public let collaborative: ItemNeighbours
    /// The sequence links (item → items that followed it), scaled likewise.
    public let sequence: ItemNeighbours
    /// How many people had each item in training: the fallback order for items no link reaches.
    public let popularity: [Float]

    /// Assembles a model from trained parts (deserialization and tests use this).
    init(config: ForYouConfig, collaborative: ItemNeighbours, sequence: ItemNeighbours, popularity: [Float]) {
        precondition(collaborative.itemCount == popularity.count && sequence.itemCount == popularity.count)
        self.config = config
        self.itemCount = popularity.count
        self.collaborative = collaborative
        self.sequence = sequence
        self.popularity = popularity
    }

    /// Trains the model with the given hyper-parameters.
    /// - Parameters:
    ///   - training: Every person's ordered history.
    ///   - config: The hyper-parameters (``ForYouConfig/defaults(itemCount:)`` or tuned).
    ///   - progress: Called with the fraction done, from 0 to 1, on the training thread.
    public init(training: ForYouTrainingData, config: ForYouConfig, progress: (@Sendable (Double) -> Void)? = nil) {
        progress?(0)
        let collaborative = Self.collaborativeLinks(training, config) { progress?(0.9 * $0) }
        let sequence = Self.sequenceLinks(training, config)
        progress?(1)
        self.init(config: config, collaborative: collaborative, sequence: sequence, popularity: Self.popularity(training))
    }

    /// The recency factor below which older entries are no longer visited.
    static let negligible: Float = 1e-4

    /// Adds every item's score for a person to `accumulator` (which should start reset).
    ///
    /// Each history entry at position `p` (0 = newest) with feedback weight `w` adds its
    /// collaborative row times `w × recencyDecay^p × 0.5^(age / recencyHalfLife)` and its sequence
    /// row times `w × sequenceWeight × sequenceDecay^p`. Entries whose item is outside
    /// `0..<itemCount` still count as a step back but add nothing; entries with weight ≤ 0 are
    /// skipped; once both positional factors fall below 1/10,000 the older entries are not visited. Only linked items are touched: callers exclude the history's own items when
    /// ranking, and fall back on ``popularity`` for slots no link fills.
    /// - Parameters:
    ///   - history: The person's entries, newest first, one per item.
    ///   - accumulator: A buffer of at least ``itemCount`` items.
    public func score(history: [HistoryEntry], into accumulator: inout ScoreAccumulator) {
        precondition(accumulator.itemCount >= itemCount, "the accumulator must cover the model's items")
        let halfLife = config.recencyHalfLife, sequenceWeight = config.sequenceWeight
        var recency: Float = 1, sequenceRecency: Float = sequenceWeight
        var newest: Double? = nil
        for entry in history where entry.weight > 0 {
            // Past this, entries add less than 1/10,000 of the newest one's weight: stop.
            if recency < Self.negligible && sequenceRecency < Self.negligible { break }
            defer {
                recency *= config.recencyDecay
                sequenceRecency *= config.sequenceDecay
            }
            let newestTime = newest ?? entry.timestamp
            newest = newestTime
            guard entry.item >= 0, Int(entry.item) < itemCount else { continue }
            var factor = entry.weight * recency
            if halfLife > 0 { factor *= Float(exp2(-max(0, newestTime - entry.timestamp) / halfLife)) }
            add(collaborative, row: Int(entry.item), times: factor, to: &accumulator)
            if sequenceRecency > 0 { add(sequence, row: Int(entry.item), times: entry.weight * sequenceRecency, to: &accumulator) }
        }
    }

    @inline(__always)
    private func add(_ table: ItemNeighbours, row: Int, times factor: Float, to accumulator: inout ScoreAccumulator) {
        guard factor > 0 else { return }
        accumulator.add(table.targets, table.weights, table.offsets[row]..<table.offsets[row + 1], times: factor)
    }

    /// The bytes the model's tables hold.
    public var memoryBytes: Int {
        collaborative.memoryBytes + sequence.memoryBytes + popularity.count * MemoryLayout<Float>.stride
    }

    /// How many people had each item.
    static func popularity(_ training: ForYouTrainingData) -> [Float] {
        var counts = [Float](repeating: 0, count: training.itemCount)
        for item in training.items { counts[Int(item)] += 1 }
        return counts
    }
}
