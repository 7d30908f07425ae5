/// One recommended item and its score: what ranking stages pass along.
///
/// Higher scores are better; the scale depends on the model that produced it.
public struct ScoredItem: Sendable, Hashable {
    /// The item's index in the model's catalog.
    public var item: Int32
    /// The item's score; higher is better.
    public var score: Float

    /// Pairs an item with its score.
    /// - Parameters:
    ///   - item: The item's index.
    ///   - score: Its score.
    public init(item: Int32, score: Float) {
        self.item = item
        self.score = score
    }
}
