/// Off-policy estimators: the mean reward per round a target policy would have earned, from a
/// log another policy wrote.
///
/// With w = π(a | round) / propensity for the logged action a and reward r:
/// - IPS: mean(w·r).
/// - SNIPS: Σ w·r / Σ w; its interval by the delta method, from the contributions
///   (w·r − SNIPS·w) / mean(w).
/// - DR: mean(Σₐ π(a | round)·q(a) + w·(r − q(a_logged))) for a reward model q; unbiased
///   whatever q is (given correct propensities), lower-variance the better q is.
public enum OffPolicyEstimator {
    /// The logging policy's own mean reward, with its interval.
    public static func onPolicy(_ log: BanditLog) -> OffPolicyEstimate {
        OffPolicyEstimate(contributions: log.rounds.map(\.reward), effectiveSampleSize: Double(log.count))
    }

    /// Inverse propensity scoring.
    ///
    /// - Parameters:
    ///   - log: The logged rounds.
    ///   - target: The target policy's probabilities for each round of `log`.
    public static func ips(_ log: BanditLog, target: ActionDistribution) -> OffPolicyEstimate {
        let weights = weights(log, target)
        let contributions = zip(weights, log.rounds).map { $0 * $1.reward }
        return OffPolicyEstimate(contributions: contributions, effectiveSampleSize: effectiveSampleSize(weights))
    }

    /// Self-normalised inverse propensity scoring, its interval by the delta method.
    public static func snips(_ log: BanditLog, target: ActionDistribution) -> OffPolicyEstimate {
        let weights = weights(log, target)
        let ess = effectiveSampleSize(weights)
        let weightSum = weights.reduce(0, +)
        guard weightSum > 0 else {
            return OffPolicyEstimate(estimate: 0, standardError: 0, rounds: log.count, effectiveSampleSize: ess)
        }
        let value = zip(weights, log.rounds).reduce(0) { $0 + $1.0 * $1.1.reward } / weightSum
        let meanWeight = weightSum / Double(log.count)
        let linearised = zip(weights, log.rounds).map { ($0 * $1.reward - value * $0) / meanWeight }
        var estimate = OffPolicyEstimate(contributions: linearised, effectiveSampleSize: ess)
        estimate.estimate = value
        return estimate
    }

    /// Doubly robust, with a given reward model.
    public static func doublyRobust(_ log: BanditLog, target: ActionDistribution, rewardModel: some RewardModel) -> OffPolicyEstimate {
        doublyRobust(log, target: target) { _ in rewardModel }
    }

    /// Doubly robust with a ``CellMeanRewardModel`` cross-fitted in two folds: rounds of even
    /// index are scored by a model fitted on the odd ones and vice versa, so no round's
    /// correction term uses a model that saw its own reward.
    ///
    /// - Parameter strength: The reward model's shrinkage, in pseudo-rounds.
    public static func doublyRobust(_ log: BanditLog, target: ActionDistribution, strength: Double = 50) -> OffPolicyEstimate {
        let folds = (0..<2).map { fold in
            CellMeanRewardModel(log: log, rounds: log.rounds.indices.filter { $0 % 2 != fold }, strength: strength)
        }
        return doublyRobust(log, target: target) { folds[$0 % 2] }
    }

    private static func doublyRobust<Model: RewardModel>(
        _ log: BanditLog, target: ActionDistribution, model: (Int) -> Model
    ) -> OffPolicyEstimate {
        let weights = weights(log, target)
        var contributions = [Double](repeating: 0, count: log.count)
        for (index, round) in log.rounds.enumerated() {
            let q = model(index)
            var direct = 0.0
            for (action, probability) in target.probabilities(round: index).enumerated() where probability > 0 {
                direct += probability * q.expectedReward(of: action, in: round)
            }
            contributions[index] = direct + weights[index] * (round.reward - q.expectedReward(of: round.action, in: round))
        }
        return OffPolicyEstimate(contributions: contributions, effectiveSampleSize: effectiveSampleSize(weights))
    }

    /// π(logged action | round) / propensity, per round.
    static func weights(_ log: BanditLog, _ target: ActionDistribution) -> [Double] {
        precondition(target.roundCount == log.count, "the target distribution must cover every round of the log")
        precondition(target.actionCount == log.actionIDs.count, "the target distribution must cover every action of the log")
        return log.rounds.enumerated().map { target.probability(of: $0.element.action, round: $0.offset) / $0.element.propensity }
    }

    /// Kish's effective sample size (Σw)² / Σw².
    static func effectiveSampleSize(_ weights: [Double]) -> Double {
        let squares = weights.reduce(0) { $0 + $1 * $1 }
        return squares > 0 ? weights.reduce(0, +) * weights.reduce(0, +) / squares : 0
    }
}
