import BaristaCore
import Foundation
import BaristaModels
import Synchronization

/// Everything live about one site: identities, profiles, the catalog and settings.
///
/// Guarded by the ``SiteRuntime``'s mutex. Profiles are the fold of the site's log up to ``appliedSeq``;
/// ``dirty`` and ``removed`` are what the next checkpoint must write.
struct SiteState: Sendable {
    var site: Site
    var identities: IdentityIndex
    var profiles: [ProfileID: Profile] = [:]
    var catalog: [ItemID: Item] = [:]
    var appliedSeq: Int64 = 0
    var dirty: Set<ProfileID> = []
    var removed: Set<ProfileID> = []
    /// The live recommendation models, and the log position they include.
    var live = LiveModels()
    var liveSeq: Int64 = 0
    /// Whether the live models learned anything since they were last saved.
    var liveChanged = false
    /// Trending lists by category number (-1: overall) and the log position they were computed at;
    /// emptied when the catalog changes.
    var trendingCache: [Int32: (seq: Int64, items: [ScoredItem])] = [:]
    /// The log position of each profile's latest event (what cached answers are checked against).
    var profileVersions: [ProfileID: Int64] = [:]
    /// Bumped by every catalog and settings change (what cached answers are checked against).
    var servingGeneration = 0
    var answerCache = AnswerCache()
    /// Outcomes of recommendations (events carrying a `recommendation_id`) not yet written to the store.
    var pendingOutcomes: [RecommendationOutcome] = []
    /// The fitted population models every profile's predictions come from; nil before the first fit.
    var profileModels: ProfileModels?
    /// The live segments, their members and the event tallies they read.
    var segments = SegmentIndex()
    /// Tallies read for recent previews of rules no segment uses yet.
    var previewTallies = PreviewTallies()
    /// The experiences, who saw what, the bandits' state and the decision log not yet written.
    var experiences = ExperienceIndex()
    /// The triggers, what they wait for, and the outbox changes not yet written.
    var triggers = TriggerIndex()
    /// The rewards programme and the redemptions being committed.
    var rewards = RewardsState()
    /// The random draws of the bandits (seeded once per process: decisions are logged with their probabilities).
    var random = SeededRandom(seed: UInt64.random(in: 0...UInt64.max))
    /// The engine's clock (injected in tests), which segment windows are measured against.
    var clock: @Sendable () -> Date = Date.init

    func applyContext() -> ApplyContext {
        let catalog = self.catalog
        return ApplyContext(
            feedbackWeights: site.settings.feedbackWeights, halfLife: site.settings.halfLifeSeconds, item: { catalog[$0] })
    }

    /// Applies one committed event (and the merge it carries) to the live models, then to the profiles.
    ///
    /// At start, the log is replayed from the older of the two checkpoints: each part skips the
    /// events its own checkpoint already includes.
    mutating func apply(_ stored: StoredEvent, context: ApplyContext) {
        let seq = stored.seq ?? .max
        if seq > liveSeq {
            // The person's recent items, read in place (copying the whole profile per event showed up in ingestion).
            if let index = profiles.index(forKey: stored.profileID) {
                live.observe(
                    stored.event, viewed: profiles.values[index].recentlyViewed, cart: profiles.values[index].cart,
                    purchases: profiles.values[index].recentPurchases, weights: context.feedbackWeights)
            } else {
                live.observe(stored.event, viewed: [], cart: [], purchases: [], weights: context.feedbackWeights)
            }
            liveSeq = seq == .max ? liveSeq : seq
            liveChanged = true
        }
        guard seq > appliedSeq else { return }
        if let outcome = RecommendationOutcome(stored.event, profile: stored.profileID) { pendingOutcomes.append(outcome) }
        let id = stored.profileID
        if let loserID = stored.mergedProfileID, loserID != id {
            if let loser = profiles.removeValue(forKey: loserID) {
                profiles[id, default: Profile(id: id)].merge(loser, halfLife: context.halfLife)
            }
            dirty.remove(loserID)
            removed.insert(loserID)
            profileVersions[loserID] = nil
        }
        profiles[id, default: Profile(id: id)].apply(stored.event, context: context)
        observeRewards(stored.event, profile: id)
        observeSegments(stored.event, profile: id, merged: stored.mergedProfileID)
        observeExperienceGoal(stored.event, profile: id, merged: stored.mergedProfileID)
        observeTriggers(stored, profile: id)
        profileVersions[id] = seq
        dirty.insert(id)
        removed.remove(id)
        if let seq = stored.seq, seq > appliedSeq { appliedSeq = seq }
    }

    /// The profile an id names, as `GET /v1/profiles/{id}` resolves it.
    func lookup(_ id: String, by: ProfileLookup?) -> ProfileID? {
        func asProfile() -> ProfileID? {
            let candidate = ProfileID(id)
            if profiles[candidate] != nil || identities.contains(candidate) { return candidate }
            return identities.profile(.profile, id)
        }
        switch by {
        case .profileID: return asProfile()
        case .userID: return identities.profile(.user, id)
        case .anonymousID: return identities.profile(.anonymous, id)
        case nil: return asProfile() ?? identities.profile(.user, id) ?? identities.profile(.anonymous, id)
        }
    }
}

/// How an id in a path is to be read.
public enum ProfileLookup: String, Sendable, CaseIterable {
    case profileID = "profile_id"
    case userID = "user_id"
    case anonymousID = "anonymous_id"
}

/// One site's live state behind a lock; readers copy what they need and work outside it.
final class SiteRuntime: Sendable {
    let id: SiteID
    let state: Mutex<SiteState>
    /// The trained `for_you` model now served; replaced in one step by the trainer.
    let model = Mutex<ModelSnapshot?>(nil)
    /// The interactions read by the last training, for the next to start from.
    let interactions = InteractionCache()
    /// How far this node has read what the other nodes wrote (several nodes only).
    let follow: Mutex<FollowCursor>

    init(state: SiteState, decisionPosition: Int64 = 0) {
        id = state.site.id
        follow = Mutex(FollowCursor(log: state.appliedSeq, decisions: decisionPosition))
        self.state = Mutex(state)
    }
}

/// Where a node stands in reading a shared store: the log positions it has read (and queued to
/// fold), the decision positions it has counted, and its own decisions written since, which it
/// must not count twice.
struct FollowCursor: Sendable {
    var log: Int64
    var decisions: Int64
    var ownDecisions: Set<String> = []
}
