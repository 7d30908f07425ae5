/// The evaluation policies `barista ope --policy` names, each turned into an
/// ``ActionDistribution`` over a given log.
public enum TargetPolicy: String, Sendable, CaseIterable {
    /// Uniform over the actions seen in the round's slot: for the Open Bandit logs, 1/80 for
    /// each item at each position, as the random log's `propensity_score` is defined.
    case random
    /// Bernoulli Thompson sampling, its choice probabilities computed by Monte-Carlo; see
    /// ``ActionDistribution/bernoulliThompson(_:training:simulations:seed:priorClicks:priorMisses:)``.
    case bts
    /// The logging policy itself, a sanity check: see ``ActionDistribution/logged(_:)``.
    case logged

    /// The policy's action probabilities for every round of `log`.
    ///
    /// - Parameters:
    ///   - log: The log to evaluate on.
    ///   - training: `bts` only: a log to fit its posteriors on; nil to cross-fit on `log`.
    ///   - simulations: `bts` only: the Monte-Carlo draws.
    ///   - seed: `bts` only: the seed of the draws.
    public func distribution(
        for log: BanditLog, training: BanditLog? = nil, simulations: Int = 100_000, seed: UInt64 = 0
    ) -> ActionDistribution {
        switch self {
        case .random: .uniform(log)
        case .bts: .bernoulliThompson(log, training: training, simulations: simulations, seed: seed)
        case .logged: .logged(log)
        }
    }
}

extension ActionDistribution {
    /// Uniform over the actions seen in each slot of `log` (all 80 items at each position of the
    /// Open Bandit logs; the variants seen in each experience of a decision log).
    public static func uniform(_ log: BanditLog) -> ActionDistribution {
        let seen = log.actionsSeenPerSlot()
        let rows = seen.map { actions in
            var row = [Double](repeating: 0, count: log.actionIDs.count)
            for action in actions { row[action] = 1 / Double(actions.count) }
            return row
        }
        return ActionDistribution(actionCount: log.actionIDs.count, rows: rows, rowOfRound: log.rounds.map(\.slot))
    }

    /// The logging policy itself, as far as the log tells it.
    ///
    /// The log gives the logging probability of the chosen action only. Each round's row puts
    /// that propensity on the chosen action and spreads the rest (1 − propensity) over the other
    /// actions seen in the slot, in proportion to how often the log chose them there. So every
    /// importance weight is exactly 1: IPS and SNIPS return the on-policy mean exactly, and DR
    /// differs from it only by the reward model's (mean-zero) correction terms.
    public static func logged(_ log: BanditLog) -> ActionDistribution {
        let actions = log.actionIDs.count
        var counts = [[Double]](repeating: [Double](repeating: 0, count: actions), count: log.slotIDs.count)
        for round in log.rounds { counts[round.slot][round.action] += 1 }
        let rows = log.rounds.map { round in
            var row = counts[round.slot]
            row[round.action] = 0
            let others = row.reduce(0, +)
            for action in row.indices { row[action] = others > 0 ? row[action] / others * (1 - round.propensity) : 0 }
            row[round.action] = others > 0 ? round.propensity : 1
            return row
        }
        return ActionDistribution(actionCount: actions, rows: rows, rowOfRound: Array(log.rounds.indices))
    }
}

extension BanditLog {
    /// For each slot, the actions the log chose there at least once, ascending.
    func actionsSeenPerSlot() -> [[Int]] {
        var seen = [Set<Int>](repeating: [], count: slotIDs.count)
        for round in rounds { seen[round.slot].insert(round.action) }
        return seen.map { $0.sorted() }
    }
}
