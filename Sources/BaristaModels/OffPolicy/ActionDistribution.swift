/// An evaluation policy written out as action probabilities for every round of a log:
/// π(a | round) for each action `a` of the log.
///
/// Rows of probabilities are shared: a policy that depends only on the slot keeps one row per
/// slot, a contextual policy one row per round. Each row should sum to 1 over the actions the
/// policy may take in that round's slot.
public struct ActionDistribution: Sendable {
    /// How many actions each row covers (the log's ``BanditLog/actionIDs`` count).
    public let actionCount: Int
    private let table: [Double]
    private let rowOfRound: [Int32]

    /// How many rounds the distribution covers.
    public var roundCount: Int { rowOfRound.count }

    /// Probabilities given as shared rows.
    ///
    /// - Parameters:
    ///   - actionCount: How many actions each row holds.
    ///   - rows: The distinct rows, each `actionCount` long.
    ///   - rowOfRound: For each round, the index of its row in `rows`.
    public init(actionCount: Int, rows: [[Double]], rowOfRound: [Int]) {
        precondition(rows.allSatisfy { $0.count == actionCount }, "every row must have actionCount probabilities")
        precondition(rowOfRound.allSatisfy { rows.indices.contains($0) }, "a round points past the rows")
        self.actionCount = actionCount
        self.table = rows.flatMap { $0 }
        self.rowOfRound = rowOfRound.map { Int32($0) }
    }

    /// Probabilities given round by round.
    ///
    /// - Parameter perRound: For each round, the probability of each action.
    public init(perRound: [[Double]]) {
        self.init(actionCount: perRound.first?.count ?? 0, rows: perRound, rowOfRound: Array(perRound.indices))
    }

    /// π(action | round).
    public func probability(of action: Int, round: Int) -> Double {
        table[Int(rowOfRound[round]) * actionCount + action]
    }

    /// π(· | round): the probability of every action in that round.
    public func probabilities(round: Int) -> ArraySlice<Double> {
        let start = Int(rowOfRound[round]) * actionCount
        return table[start..<(start + actionCount)]
    }
}
