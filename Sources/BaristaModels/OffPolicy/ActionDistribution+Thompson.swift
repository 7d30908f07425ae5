extension ActionDistribution {
    /// Bernoulli Thompson sampling, as the Open Bandit Dataset's `bts` policy ran it, written out
    /// as the probability that it shows each action in each slot.
    ///
    /// Each action gets a Beta posterior on its click rate,
    /// Beta(`priorClicks` + clicks, `priorMisses` + rounds − clicks), counting the training rounds
    /// that chose it (rewards are taken as clicks, clamped to [0, 1]). One Thompson draw samples a
    /// rate per action and ranks the actions by it.
    ///
    /// - Open Bandit logs: the positions form one list, as in OBD (and `obp`'s `BernoulliTS`): the
    ///   draw's best action goes to the first position (the smallest `position`), the second best
    ///   to the second, and so on; posteriors pool an item's rounds over all positions.
    /// - Other logs: each slot (experience) is its own one-shot choice among the actions seen
    ///   there, with posteriors from that slot's rounds only.
    ///
    /// The training rounds: those of `training` when given (matched to `log` by action and slot
    /// names), else `log`'s own, **cross-fitted**: rounds of even index get the policy fitted on
    /// the odd rounds and vice versa. Fitting on the very clicks it is evaluated on would reward the
    /// policy for the noise it chased (on the OBD random sample, about 3× the honest value).
    ///
    /// The probability of action `a` in a slot is the share of `simulations` draws that put it
    /// there (Monte-Carlo error about √(p(1−p)/simulations)). The policy is context-free, as OBD's
    /// was. It is *not* the posterior the original policy used: that (its prior and the clicks of
    /// the whole campaign) is not in the data, so this is Thompson sampling after learning from the
    /// training rounds only.
    ///
    /// - Parameters:
    ///   - log: The log whose rounds the result covers.
    ///   - training: Another log to fit the posteriors on; nil to cross-fit on `log`.
    ///   - simulations: How many Thompson draws (per fold).
    ///   - seed: The seed of the draws, so results repeat.
    ///   - priorClicks: The Beta prior's α.
    ///   - priorMisses: The Beta prior's β.
    public static func bernoulliThompson(
        _ log: BanditLog, training: BanditLog? = nil, simulations: Int = 100_000, seed: UInt64 = 0,
        priorClicks: Double = 1, priorMisses: Double = 1
    ) -> ActionDistribution {
        var random = SeededRandom(seed: seed)
        let slots = log.slotIDs.count
        if let training {
            let actionIndex = Dictionary(log.actionIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let slotIndex = Dictionary(log.slotIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let mapped = training.rounds.compactMap { round -> BanditRound? in
                guard let action = actionIndex[training.actionIDs[round.action]], let slot = slotIndex[training.slotIDs[round.slot]] else {
                    return nil
                }
                return BanditRound(slot: slot, action: action, reward: round.reward, propensity: round.propensity)
            }
            let rows = thompsonRows(log, fittedOn: mapped, simulations: simulations, prior: (priorClicks, priorMisses), random: &random)
            return ActionDistribution(actionCount: log.actionIDs.count, rows: rows, rowOfRound: log.rounds.map(\.slot))
        }
        let folds = (0..<2).map { fold in
            let rounds = log.rounds.indices.filter { $0 % 2 != fold }.map { log.rounds[$0] }
            return thompsonRows(log, fittedOn: rounds, simulations: simulations, prior: (priorClicks, priorMisses), random: &random)
        }
        return ActionDistribution(
            actionCount: log.actionIDs.count, rows: folds[0] + folds[1],
            rowOfRound: log.rounds.enumerated().map { ($0.offset % 2) * slots + $0.element.slot })
    }

    /// One row per slot of `log`: Thompson sampling's choice probabilities after `rounds`.
    private static func thompsonRows(
        _ log: BanditLog, fittedOn rounds: [BanditRound], simulations: Int, prior: (clicks: Double, misses: Double),
        random: inout SeededRandom
    ) -> [[Double]] {
        let actionCount = log.actionIDs.count
        let draws = max(1, simulations)
        let seen = log.actionsSeenPerSlot()
        func posterior(_ rounds: some Sequence<BanditRound>, _ candidates: [Int]) -> (alpha: [Double], beta: [Double]) {
            var clicks = [Double](repeating: 0, count: actionCount), shown = clicks
            for round in rounds {
                clicks[round.action] += min(1, max(0, round.reward))
                shown[round.action] += 1
            }
            return (candidates.map { prior.clicks + clicks[$0] }, candidates.map { prior.misses + shown[$0] - clicks[$0] })
        }
        var rows = [[Double]](repeating: [Double](repeating: 0, count: actionCount), count: log.slotIDs.count)
        if log.layout == .openBandit {
            let candidates = Array(Set(seen.joined())).sorted()
            let (alpha, beta) = posterior(rounds, candidates)
            let order = log.slotIDs.indices.sorted { Self.positionOrder(log.slotIDs[$0], log.slotIDs[$1]) }
            let counts = Self.rankCounts(alpha: alpha, beta: beta, listLength: order.count, simulations: draws, random: &random)
            for (rank, slot) in order.enumerated() {
                for (index, action) in candidates.enumerated() { rows[slot][action] = counts[rank][index] / Double(draws) }
            }
        } else {
            for slot in log.slotIDs.indices where !seen[slot].isEmpty {
                let (alpha, beta) = posterior(rounds.lazy.filter { $0.slot == slot }, seen[slot])
                let counts = Self.rankCounts(alpha: alpha, beta: beta, listLength: 1, simulations: draws, random: &random)
                for (index, action) in seen[slot].enumerated() { rows[slot][action] = counts[0][index] / Double(draws) }
            }
        }
        return rows
    }

    /// Whether position `a` comes before `b`: numerically when both are numbers, else by text.
    private static func positionOrder(_ a: String, _ b: String) -> Bool {
        if let x = Double(a), let y = Double(b) { return x < y }
        return a < b
    }

    /// How often each candidate lands at each rank of the Thompson draws' top `listLength`.
    private static func rankCounts(
        alpha: [Double], beta: [Double], listLength: Int, simulations: Int, random: inout SeededRandom
    ) -> [[Double]] {
        let length = min(listLength, alpha.count)
        var counts = [[Double]](repeating: [Double](repeating: 0, count: alpha.count), count: listLength)
        var top = [(score: Double, index: Int)](repeating: (-1, -1), count: length)
        for _ in 0..<simulations {
            for slot in top.indices { top[slot] = (-1, -1) }
            for index in alpha.indices {
                let score = RandomDraws.beta(alpha[index], beta[index], using: &random)
                guard score > top[length - 1].score else { continue }
                var slot = length - 1
                while slot > 0, score > top[slot - 1].score {
                    top[slot] = top[slot - 1]
                    slot -= 1
                }
                top[slot] = (score, index)
            }
            for rank in 0..<length where top[rank].index >= 0 { counts[rank][top[rank].index] += 1 }
        }
        return counts
    }
}
