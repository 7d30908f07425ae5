import Foundation

/// A person's standing in the programme at one moment: `rewards` in the profile view, and what
/// segment rules read (`{"rewards":"balance","op":"gte","value":100}`).
public struct RewardsStatus: Sendable {
    /// `balance`: points available.
    public var balance: Int64
    /// `tier`: the highest tier whose `min_points` the person's qualifying points reach; nil when none.
    public var tier: RewardsProgram.Tier?
    /// `next_reward`: the cheapest reward the balance does not cover yet, and the points still
    /// needed (`"one more coffee to a free drink"`); nil when it covers every reward.
    public var nextReward: (reward: RewardsProgram.Reward, pointsNeeded: Int64)?
    /// The earliest later moment at which ``tier`` may change by the clock alone (points entering
    /// or leaving a tier's window); nil when none can.
    public var changesAt: Date?

    /// The status of `ledger` under `program` as of `now`.
    public init(ledger: RewardsLedger, program: RewardsProgram?, now: Date) {
        balance = ledger.balance
        guard let program else { return }
        for tier in program.tiers where ledger.qualifyingPoints(window: tier.window, now: now) >= tier.minPoints {
            // Tiers are sorted by min_points: the last one reached is the highest.
            self.tier = tier
        }
        if let reward = program.rewards.first(where: { $0.points > ledger.balance }) {
            nextReward = (reward, reward.points - ledger.balance)
        }
        if !program.tiers.isEmpty {
            changesAt = ledger.nextWindowChange(windows: Array(Set(program.tiers.map(\.window))), now: now)
        }
    }

    /// `points_to_next`: the points ``nextReward`` still needs; nil when there is none.
    public var pointsToNext: Int64? { nextReward?.pointsNeeded }

    /// The `rewards` object of the profile view: `{"balance","tier","tier_benefits","next_reward":{"key","title","points","points_needed"}}`.
    public var json: JSONValue {
        [
            "balance": .number(Double(balance)),
            "tier": tier.map { .string($0.key) } ?? .null,
            "tier_benefits": tier.map { .object($0.benefits) } ?? .null,
            "next_reward": nextReward.map { next in
                ["key": .string(next.reward.key), "title": next.reward.title.map(JSONValue.string) ?? .null,
                    "points": .number(Double(next.reward.points)), "points_needed": .number(Double(next.pointsNeeded))]
            } ?? .null,
        ]
    }

    /// The value a segment rule compares for `field`; nil when the person has none (no tier, no next reward).
    public func value(_ field: RewardsField) -> JSONValue? {
        switch field {
        case .balance: .number(Double(balance))
        case .tier: tier.map { .string($0.key) }
        case .pointsToNext: pointsToNext.map { .number(Double($0)) }
        }
    }
}

/// What a `rewards` segment leaf reads.
public enum RewardsField: String, Sendable, Hashable, CaseIterable {
    /// `balance`: points available.
    case balance
    /// `tier`: the current tier's key.
    case tier
    /// `points_to_next`: points still needed for the cheapest reward not yet affordable.
    case pointsToNext = "points_to_next"
}
