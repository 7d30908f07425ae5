import BaristaCore
import BaristaModels
import Foundation

/// A site's experiences as decide reads them, the latest exposure of each person to each
/// experience (what a goal event without a `decision_id` is attributed to), the arms' running
/// totals the bandits choose by, and the decisions and conversions not yet written.
struct ExperienceIndex: Sendable {
    /// Every experience by key (drafts and paused ones included).
    private(set) var experiences: [String: Experience] = [:]
    /// Per placement, its experiences by priority (highest first, then key).
    private(set) var byPlacement: [String: [Experience]] = [:]
    /// Per goal event name, the experiences that count it.
    private(set) var byGoal: [String: [String]] = [:]
    /// Per person, per experience, the latest decision.
    var exposures: [ProfileID: [String: Exposure]] = [:]
    /// Per experience, per arm (variant key), decisions and converted decisions so far.
    var arms: [String: [String: ArmCounts]] = [:]
    /// Per `contextual_bandit` experience, its linear Thompson sampler.
    var contextual: [String: LinearThompson] = [:]
    /// Per `bandit` experience, its arm probabilities and the totals they were worked out from.
    var banditProbabilities: [String: (probabilities: [Double], exposures: Int, conversions: Int)] = [:]
    /// The contextual bandits that learned since they were last saved.
    var changedBandits: Set<String> = []
    /// Decisions and conversions waiting to be written.
    var pendingDecisions: [Decision] = []
    var pendingConversions: [DecisionConversion] = []

    /// One exposure: the decision, what it showed, and whether it converted yet.
    struct Exposure: Sendable, Hashable {
        var decisionID: String
        var variant: String?
        var control: Bool
        var holdout: Bool
        var at: Date
        var converted = false
        /// The contextual bandit's features at the decision (empty otherwise), credited on conversion.
        var features: [Double] = []
    }

    /// An arm's running totals.
    struct ArmCounts: Sendable, Hashable {
        var exposures = 0
        var conversions = 0
    }

    /// Adds or replaces an experience.
    mutating func put(_ experience: Experience) {
        experiences[experience.key] = experience
        banditProbabilities[experience.key] = nil
        reindex()
    }

    /// Removes an experience (its decisions stay in the log).
    mutating func remove(_ key: String) {
        experiences[key] = nil
        arms[key] = nil
        contextual[key] = nil
        banditProbabilities[key] = nil
        reindex()
    }

    private mutating func reindex() {
        byPlacement = Dictionary(grouping: experiences.values, by: \.placement).mapValues { list in
            list.sorted { $0.priority != $1.priority ? $0.priority > $1.priority : $0.key < $1.key }
        }
        byGoal = Dictionary(grouping: experiences.values, by: \.goal.event).mapValues { $0.map(\.key).sorted() }
    }

    /// The longest goal window of any experience (how far back exposures must be remembered).
    var longestGoalWindow: TimeInterval { experiences.values.map(\.goal.window).max() ?? 0 }
}

extension SiteState {
    /// Whether a person is in the site's global holdout: a fixed share of people, drawn from a
    /// stable hash of the site and the profile, who get no personalization anywhere.
    func inGlobalHoldout(_ profile: ProfileID) -> Bool {
        let share = site.settings.globalHoldoutPercent / 100
        return share > 0 && StableHash.unit("holdout", site.id.rawValue, profile.rawValue) < share
    }

    /// Attributes a goal event to the person's exposures: to the decision its `properties.decision_id`
    /// names, else to the latest exposure to each experience counting this event within its goal window.
    mutating func observeExperienceGoal(_ event: Event, profile id: ProfileID, merged loser: ProfileID?) {
        if let loser, loser != id, let theirs = experiences.exposures.removeValue(forKey: loser) {
            for (key, exposure) in theirs where (experiences.exposures[id]?[key]?.at ?? .distantPast) < exposure.at {
                experiences.exposures[id, default: [:]][key] = exposure
            }
        }
        guard event.kind == .track, let name = event.name, let keys = experiences.byGoal[name], let seen = experiences.exposures[id] else { return }
        let named = event.properties["decision_id"]?.stringValue
        for key in keys {
            guard let experience = experiences.experiences[key], let exposure = seen[key] else { continue }
            if let named {
                guard exposure.decisionID == named else { continue }
            } else {
                let age = event.timestamp.timeIntervalSince(exposure.at)
                guard age >= 0, age <= experience.goal.window else { continue }
            }
            let value = experience.goal.valueProperty.flatMap { event.numericValue(of: $0) } ?? 0
            experiences.pendingConversions.append(DecisionConversion(
                decisionID: exposure.decisionID, experience: key, messageID: event.messageID, value: value, profileID: id, at: event.timestamp))
            markConverted(exposure, of: id, in: experience)
        }
    }

    /// Counts an exposure's first conversion in its arm (and credits the contextual bandit).
    mutating func markConverted(_ exposure: ExperienceIndex.Exposure, of id: ProfileID, in experience: Experience) {
        let key = experience.key
        guard !exposure.converted else { return }
        experiences.exposures[id]?[key]?.converted = true
        guard let variant = exposure.variant, !exposure.holdout else { return }
        experiences.arms[key, default: [:]][variant, default: ExperienceIndex.ArmCounts()].conversions += 1
        if !exposure.features.isEmpty, let arm = experience.variants.firstIndex(where: { $0.key == variant }),
            experiences.contextual[key]?.armCount == experience.variants.count
        {
            experiences.contextual[key]!.credit(arm: arm, features: exposure.features, reward: 1)
            experiences.changedBandits.insert(key)
        }
    }
}
