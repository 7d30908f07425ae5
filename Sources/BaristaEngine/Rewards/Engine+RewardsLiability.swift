import BaristaCore
import Foundation

/// What the programme owes: the points people hold and could spend, and who sits in which tier.
public struct RewardsLiability: Sendable, Hashable {
    /// Points outstanding: the sum of every balance.
    public var outstanding: Int64
    /// People with a positive balance.
    public var holders: Int
    /// People per tier key, as of now.
    public var tiers: [String: Int]
    /// People whose balance covers each reward, by reward key.
    public var canRedeem: [String: Int]
}

extension Engine {
    /// The programme's liability now, from the ledgers in memory.
    public func rewardsLiability(site: SiteID) async throws -> RewardsLiability {
        let runtime = try await runtime(site)
        let time = now()
        // Copy-on-write views under the lock; the pass over everyone runs outside it (see `activity`).
        let (profiles, program) = runtime.state.withLock { ($0.profiles, $0.rewards.program) }
        var liability = RewardsLiability(outstanding: 0, holders: 0, tiers: [:], canRedeem: [:])
        for profile in profiles.values where !profile.rewards.entries.isEmpty {
            let status = RewardsStatus(ledger: profile.rewards, program: program, now: time)
            liability.outstanding += status.balance
            if status.balance > 0 { liability.holders += 1 }
            if let tier = status.tier { liability.tiers[tier.key, default: 0] += 1 }
            for reward in program?.rewards ?? [] where status.balance >= reward.points { liability.canRedeem[reward.key, default: 0] += 1 }
        }
        return liability
    }
}
