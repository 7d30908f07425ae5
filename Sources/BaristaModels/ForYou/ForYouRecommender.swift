/// Adapts a ``ForYouModel`` to the offline protocol: scores a test user of a ``LeaveLastOut``
/// split from their training history, through the same sparse scorer that serving uses.
///
/// The history is the user's training items newest first, with weight 1 and their timestamps.
/// Items that some link reaches rank by their score (always > 0); every other item ranks after
/// them, by training popularity (`−1 + popularity / (maxPopularity + 1)`, in `[−1, 0)`), which is
/// what serving does when it fills slots that no link reaches.
public struct ForYouRecommender: Recommender {
    /// `for_you`.
    public var name: String { "for_you" }
    /// The model's hyper-parameters (``ForYouConfig/report``).
    public var config: [String: Double] { model.config.report }
    /// The model that scores.
    public let model: ForYouModel
    /// The split whose users are scored.
    public let split: LeaveLastOut
    private let fallback: [Float]

    /// Pairs a model with the split whose training histories it scores.
    /// - Parameters:
    ///   - model: A model trained on `split`'s training histories (same items).
    ///   - split: The split.
    public init(model: ForYouModel, split: LeaveLastOut) {
        precondition(model.itemCount == split.itemCount, "the model must cover the split's items")
        self.model = model
        self.split = split
        let top = (model.popularity.max() ?? 0) + 1
        self.fallback = model.popularity.map { -1 + $0 / top }
    }

    /// The user's training history, newest first, as serving would pass it.
    /// - Parameter user: A user of the split.
    public func history(of user: Int) -> [HistoryEntry] {
        (split.historyOffsets[user]..<split.historyOffsets[user + 1]).reversed().map {
            HistoryEntry(item: split.historyItems[$0], weight: 1, timestamp: split.historyTimestamps[$0])
        }
    }

    /// Writes every item's score: linked items their sparse score, the rest the popularity fallback.
    public func score(user: Int, into scores: inout [Float]) {
        precondition(scores.count == model.itemCount, "the score buffer must have one entry per item")
        var accumulator = ScoreAccumulator(itemCount: model.itemCount)
        model.score(history: history(of: user), into: &accumulator)
        scores.withUnsafeMutableBufferPointer { scores in
            fallback.withUnsafeBufferPointer { fallback in
                for item in 0..<fallback.count { scores[item] = fallback[item] }
            }
            for item in accumulator.touchedItems { scores[Int(item)] = accumulator.score(of: item) }
        }
    }
}
