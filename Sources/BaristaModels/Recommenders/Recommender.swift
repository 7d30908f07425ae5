/// A recommender trained on implicit feedback: users × items, both numbered from 0.
///
/// Models in this module are pure numerics (no I/O): they take an ``InteractionMatrix`` and score
/// items for a user. The offline protocol (``LeaveLastOut``) and the serving engine both use them
/// through this protocol.
public protocol Recommender: Sendable {
    /// A short name for reports (`popularity`, `itemknn`, `ease`).
    var name: String { get }
    /// The hyper-parameters, for reports.
    var config: [String: Double] { get }
    /// Scores every item for `user`, writing into `scores` (length = item count); higher is better.
    /// Items the user already has may get any score: callers exclude them.
    func score(user: Int, into scores: inout [Float])
}
