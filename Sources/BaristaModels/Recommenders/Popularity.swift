/// Recommends what most people have: an item's score is how many training users have it.
///
/// The same list for everyone (the training items a user already has are excluded by callers).
/// The baseline every personalized model has to beat.
public struct Popularity: Recommender {
    /// `popularity`.
    public var name: String { "popularity" }
    /// No hyper-parameters.
    public var config: [String: Double] { [:] }
    /// How many distinct training users have each item.
    public let counts: [Float]

    /// Counts each item's users.
    ///
    /// - Parameter training: Users × items; each stored entry counts once, whatever its value.
    public init(training: InteractionMatrix) {
        var counts = [Float](repeating: 0, count: training.itemCount)
        for item in training.itemIndices { counts[Int(item)] += 1 }
        self.counts = counts
    }

    /// Writes every item's user count.
    public func score(user: Int, into scores: inout [Float]) {
        precondition(scores.count == counts.count, "the score buffer must have one entry per item")
        scores.withUnsafeMutableBufferPointer { scores in
            counts.withUnsafeBufferPointer { counts in
                for item in 0..<counts.count { scores[item] = counts[item] }
            }
        }
    }
}
