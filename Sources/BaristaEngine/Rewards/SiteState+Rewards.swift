import BaristaCore
import Foundation

/// A site's rewards programme as the engine runs it: the programme, and the redemptions being
/// committed right now (what a concurrent redemption must not spend again).
struct RewardsState: Sendable {
    /// The programme; nil until one is saved (profiles then show only their balance).
    var program: RewardsProgram?
    /// Per person, the points of each redemption (by `message_id`) checked but not yet folded.
    var reservations: [ProfileID: [String: Int64]] = [:]

    /// Points of `profile` held by redemptions in flight.
    func reserved(_ profile: ProfileID) -> Int64 {
        reservations[profile]?.values.reduce(0, +) ?? 0
    }

    /// Releases one reservation.
    mutating func release(_ messageID: String, of profile: ProfileID) {
        reservations[profile]?[messageID] = nil
        if reservations[profile]?.isEmpty == true { reservations[profile] = nil }
    }
}

extension SiteState {
    /// Folds one applied event into its person's ledger, under the programme as it is now and the
    /// person's segments just before the event (called after the profile itself applied it).
    mutating func observeRewards(_ event: Event, profile id: ProfileID) {
        guard event.kind == .track, let name = event.name else { return }
        if name == EventName.rewardRedeemed {
            // Its reservation ends as its points leave the balance, under the same lock.
            rewards.release(event.messageID, of: id)
        } else if name != EventName.orderRefunded {
            guard let program = rewards.program, program.earn.contains(where: { $0.event == name }) else { return }
        }
        let program = rewards.program ?? RewardsProgram()
        let memberships = segments.memberships[id] ?? []
        profiles[id]?.rewards.fold(event, program: program, segments: memberships)
    }

    /// A person's rewards standing as of `now`.
    func rewardsStatus(_ id: ProfileID, now: Date) -> RewardsStatus? {
        guard let profile = profiles[id] else { return nil }
        return RewardsStatus(ledger: profile.rewards, program: rewards.program, now: now)
    }
}
