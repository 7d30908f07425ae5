import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one evaluation of one model reports: the `barista evaluate` row.
public struct EvaluationReport: Sendable {
    /// The model's name (``Recommender/name``).
    public var model: String
    /// The model's hyper-parameters (``Recommender/config``).
    public var config: [String: Double]
    /// The ranking quality over the test users.
    public var metrics: RankingMetrics
    /// How many test users there are.
    public var users: Int { metrics.users }
    /// How many items were ranked (the items seen in training).
    public var items: Int
    /// How many (user, item) training pairs the model was trained on.
    public var trainPairs: Int
    /// Wall-clock seconds spent training.
    public var trainSeconds: Double
}

/// Runs the `leave-last-out` protocol of EVALUATION.md on a split.
///
/// For each test user, the model scores every item; the user's training items are excluded; the
/// test item's rank is the number of items scoring strictly higher, plus the equal-scoring items
/// that appear earlier in the file (lower index), plus one. Only the top-10 lists are selected
/// (for coverage), without sorting. Users are spread over `parallelism` threads, each with its own
/// score buffer. A score that is NaN never ranks; a test item scored NaN is a miss.
public struct Evaluator: Sendable {
    /// The split whose test users are ranked.
    public let split: LeaveLastOut
    /// How many threads rank users at once.
    public let parallelism: Int

    /// Prepares to evaluate models on `split`.
    ///
    /// - Parameters:
    ///   - split: The training matrix and test items.
    ///   - parallelism: Threads to use; by default one per active processor.
    public init(split: LeaveLastOut, parallelism: Int? = nil) {
        self.split = split
        self.parallelism = max(1, parallelism ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Trains a model on the split's training matrix, timing it, then evaluates it.
    ///
    /// - Parameter train: Builds the model from the training matrix; only this is timed.
    /// - Returns: The report row: metrics, sizes and training time.
    /// - Throws: What `train` throws.
    public func evaluate<Model: Recommender>(train: (InteractionMatrix) throws -> Model) rethrows -> EvaluationReport {
        let clock = ContinuousClock()
        let start = clock.now
        let model = try train(split.training)
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return EvaluationReport(
            model: model.name, config: model.config, metrics: evaluate(model),
            items: split.itemCount, trainPairs: split.training.nonZeroCount, trainSeconds: seconds)
    }

    /// Ranks every test user's test item with `model` and averages the metrics.
    public func evaluate(_ model: some Recommender) -> RankingMetrics {
        let users = split.userCount, items = split.itemCount
        let chunks = max(1, min(parallelism, users))
        // Chunk c ranks users c, c + chunks, …; each deposits its ranks and covered items once.
        let results = Mutex<[(chunk: Int, ranks: [Int], covered: [Bool])]>([])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var scores = [Float](repeating: 0, count: items)
            var top = TopList(capacity: 10)
            var ranks: [Int] = []
            var covered = [Bool](repeating: false, count: items)
            for user in stride(from: chunk, to: users, by: chunks) {
                model.score(user: user, into: &scores)
                ranks.append(rankTestItem(of: user, scores: &scores, top: &top))
                for item in top.items { covered[Int(item)] = true }
            }
            results.withLock { $0.append((chunk, ranks, covered)) }
        }
        var ranks = [Int](repeating: 0, count: users)
        var covered = [Bool](repeating: false, count: items)
        results.withLock { results in
            for result in results {
                for (position, rank) in result.ranks.enumerated() { ranks[result.chunk + position * chunks] = rank }
                for item in 0..<items where result.covered[item] { covered[item] = true }
            }
        }
        let coveredItems = covered.reduce(0) { $0 + ($1 ? 1 : 0) }
        return RankingMetrics(ranks: ranks, coveredItems: coveredItems, itemCount: items)
    }

    /// The best `count` items for `user` by `model`, training items excluded, in protocol order.
    public func topItems(for user: Int, by model: some Recommender, count: Int) -> [Int32] {
        var scores = [Float](repeating: 0, count: split.itemCount)
        var top = TopList(capacity: count)
        model.score(user: user, into: &scores)
        _ = rankTestItem(of: user, scores: &scores, top: &top)
        return top.items
    }

    /// Excludes the user's training items (as NaN), fills `top`, and returns the test item's rank
    /// (0 when it cannot be ranked).
    private func rankTestItem(of user: Int, scores: inout [Float], top: inout TopList) -> Int {
        precondition(scores.count == split.itemCount, "a recommender changed the length of the score buffer")
        let test = Int(split.testItems[user])
        return scores.withUnsafeMutableBufferPointer { scores in
            for item in split.training.items(of: user) { scores[Int(item)] = .nan }
            top.select(from: UnsafeBufferPointer(scores))
            guard test >= 0, !scores[test].isNaN else { return 0 }
            let score = scores[test]
            var above = 0
            for item in 0..<test where scores[item] >= score { above += 1 }
            for item in (test + 1)..<scores.count where scores[item] > score { above += 1 }
            return above + 1
        }
    }
}

/// The best few items of a score buffer, best first; ties go to the lower index; NaN never enters.
struct TopList {
    let capacity: Int
    private(set) var items: [Int32] = []
    private var scores: [Float] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
        scores.reserveCapacity(capacity)
    }

    mutating func select(from buffer: UnsafeBufferPointer<Float>) {
        items.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
        guard capacity > 0 else { return }
        var worst = -Float.infinity  // the score to beat once full
        for index in 0..<buffer.count {
            let score = buffer[index]
            if items.count == capacity {
                guard score > worst else { continue }
                items.removeLast()
                scores.removeLast()
            } else if score.isNaN {
                continue
            }
            // Insert after every score ≥ this one: earlier indices win ties.
            var position = scores.count
            while position > 0, scores[position - 1] < score { position -= 1 }
            scores.insert(score, at: position)
            items.insert(Int32(index), at: position)
            worst = scores[scores.count - 1]
        }
    }
}
