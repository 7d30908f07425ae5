import BaristaCore
import BaristaModels
import Foundation

extension SiteState {
    /// A variant chosen by the experience's bandit, the probability it was chosen with, and (for
    /// the contextual bandit) the features it chose on.
    ///
    /// `bandit`: Beta-Bernoulli Thompson sampling on each variant's decisions and converted
    /// decisions so far, which move as each decision is made and each conversion attributed.
    /// `contextual_bandit`: linear Thompson sampling over ``banditFeatures(_:personalized:memberships:)``;
    /// a decision updates its arm at once with reward 0, and a conversion credits it later
    /// (`b += x`), so the model learns online without waiting for the goal window to close.
    mutating func chooseByBandit(
        _ experience: Experience, person: Profile?, personalized: Bool, memberships: Set<String>
    ) -> (variant: String, probability: Double, features: [Double]) {
        let variants = experience.variants
        switch experience.allocation {
        case .contextualBandit:
            let x = Self.banditFeatures(person, personalized: personalized, memberships: memberships, now: clock())
            if experiences.contextual[experience.key].map({ $0.armCount != variants.count || $0.dimension != x.count }) ?? true {
                experiences.contextual[experience.key] = LinearThompson(arms: variants.count, dimension: x.count)
            }
            let choice = experiences.contextual[experience.key]!.choose(features: x, using: &random)
            _ = experiences.contextual[experience.key]!.update(arm: choice.arm, features: x, reward: 0)
            experiences.changedBandits.insert(experience.key)
            return (variants[choice.arm].key, choice.probability, x)
        case .bandit, .ab:
            // Thompson sampling's arm probabilities move only with the totals, so they are worked
            // out once (1,000 draws) and reused until a conversion arrives or the decisions grow by
            // 2% (at least 20): a slightly stale posterior, but each choice is drawn from exactly
            // the probabilities it records.
            let counts = variants.map { experiences.arms[experience.key]?[$0.key] ?? ExperienceIndex.ArmCounts() }
            let exposures = counts.reduce(0) { $0 + $1.exposures }, conversions = counts.reduce(0) { $0 + $1.conversions }
            let cached = experiences.banditProbabilities[experience.key]
            let probabilities: [Double]
            if let cached, cached.probabilities.count == variants.count, cached.conversions == conversions,
                exposures - cached.exposures < max(20, cached.exposures / 50)
            {
                probabilities = cached.probabilities
            } else {
                let thompson = BetaBernoulliThompson(
                    successes: counts.map { Double($0.conversions) }, failures: counts.map { Double(max($0.exposures - $0.conversions, 0)) },
                    floor: 0.01, probabilityDraws: 1_000)
                probabilities = thompson.armProbabilities(using: &random)
                experiences.banditProbabilities[experience.key] = (probabilities, exposures, conversions)
            }
            let choice = BanditChoice.draw(from: probabilities, using: &random)
            return (variants[choice.arm].key, choice.probability, [])
        }
    }

    /// The contextual bandit's view of a person, 21 numbers in 0…1: a bias; intent (browsing,
    /// shopping, buying); channels seen (web, app, email); recency (e^(−days since last seen / 30)),
    /// has ordered, orders and revenue (log-scaled); predictions (P(alive), email open rate); and
    /// the person's segments hashed into 8 buckets (a stable length whatever segments the site has).
    /// Without `personalization` consent only the bias is set.
    static func banditFeatures(_ person: Profile?, personalized: Bool, memberships: Set<String>, now: Date) -> [Double] {
        var x = [Double](repeating: 0, count: banditDimension)
        x[0] = 1
        guard personalized, let person else { return x }
        switch person.intent(at: now) {
        case "buying": x[3] = 1
        case "shopping": x[2] = 1
        default: x[1] = 1
        }
        for (offset, channel) in ["web", "app", "email"].enumerated() where person.channels.contains(channel) { x[4 + offset] = 1 }
        if let last = person.lastSeen { x[7] = exp(-max(now.timeIntervalSince(last), 0) / (30 * 86_400)) }
        x[8] = person.orders > 0 ? 1 : 0
        x[9] = min(log1p(Double(person.orders)) / 5, 1)
        x[10] = min(log1p(max(person.revenue, 0)) / 10, 1)
        let delivered = person.eventCounts[EventName.emailDelivered] ?? 0
        x[11] = person.orderDays.last.map { 1 / (1 + max(0, now.timeIntervalSince1970 / 86_400 - Double($0)) / 30) } ?? 0
        x[12] = delivered > 0 ? min(Double(person.eventCounts[EventName.emailOpened] ?? 0) / Double(delivered), 1) : 0
        for key in memberships { x[13 + Int(StableHash.fnv1a("segment", key) % 8)] = 1 }
        return x
    }

    /// The length of ``banditFeatures(_:personalized:memberships:now:)``.
    static let banditDimension = 21
}
