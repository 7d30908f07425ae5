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
        let offers = name == EventName.rewardRedeemed || name == EventName.orderRefunded ? [] : pointsOffers(of: id, at: event.timestamp)
        let catalog = self.catalog
        profiles[id]?.rewards.fold(event, program: program, segments: memberships, offers: offers, category: { catalog[$0]?.category })
    }

    /// The personal offers running for a person at `at`: the `points_offer` of each variant they
    /// were shown (not held out) whose experience's goal window, counted from the decision, covers `at`.
    func pointsOffers(of id: ProfileID, at: Date) -> [PointsOffer] {
        guard let exposures = experiences.exposures[id] else { return [] }
        var offers: [PointsOffer] = []
        for (key, exposure) in exposures where !exposure.control {
            guard let variant = exposure.variant, let experience = experiences.experiences[key],
                at >= exposure.at, at <= exposure.at.addingTimeInterval(experience.goal.window),
                let payload = experience.variants.first(where: { $0.key == variant })?.payload, let offer = PointsOffer(payload: payload)
            else { continue }
            offers.append(offer)
        }
        return offers
    }

    /// A person's rewards standing as of `now`.
    func rewardsStatus(_ id: ProfileID, now: Date) -> RewardsStatus? {
        guard let profile = profiles[id] else { return nil }
        return RewardsStatus(ledger: profile.rewards, program: rewards.program, now: now)
    }
}
