import BaristaCore
import BaristaModels
import Foundation
import Logging
import Synchronization

/// A node's part in a cluster of nodes sharing one store: its name and whether it leads.
final class ClusterState: Sendable {
    let store: any ClusterStore
    /// This node's name in announcements and logs: host, process id and a random suffix.
    let node: String
    /// Whether this node does the once-for-all work now. True until a ``ClusterService`` starts
    /// (a one-shot command such as `barista import` runs alone), then whether it holds the lock.
    let leading = Atomic<Bool>(true)

    init(store: any ClusterStore) {
        self.store = store
        node = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(RandomID.string(length: 6))"
    }
}

extension Engine {
    /// Whether this node does the work done once for all nodes: training, the trigger scheduler,
    /// profile and model checkpoints, segment history, retention. Always true on a store of its own.
    public var isLeader: Bool { cluster?.leading.load(ordering: .relaxed) ?? true }

    /// Whether several nodes may share this engine's store.
    public var isClustered: Bool { cluster != nil }

    /// This node's name among the nodes sharing the store (nil on a store of its own).
    public var nodeName: String? { cluster?.node }

    /// Tells the other nodes about a change; a failure is logged, not thrown: the change is made,
    /// and the others read everything again whenever their link reconnects.
    func announce(_ change: ClusterChange) async {
        guard let cluster else { return }
        do {
            try await cluster.store.publish(change, from: cluster.node)
        } catch {
            logger.warning("change not announced to the other nodes", metadata: [
                "site.id": "\(change.site)", "change": "\(change.kind.rawValue)", "error": "\(error)",
            ])
        }
    }

    /// Announces a change of definitions of `kind`.
    func announceDefinitions(_ kind: String, keys: [String], site: SiteID) async {
        await announce(ClusterChange(site: site, kind: .definitions, keys: [kind] + keys))
    }
}

// MARK: - Hearing the other nodes

extension Engine {
    /// Applies what another node announced, or everything after a reconnection.
    func hear(_ signal: ClusterSignal) async {
        switch signal {
        case .resynchronize:
            await keys.reload()
            for runtime in await directory.all {
                do {
                    try await resynchronize(runtime)
                } catch {
                    logger.error("resynchronizing a site failed", metadata: ["site.id": "\(runtime.id)", "error": "\(error)"])
                }
            }
        case .change(let change):
            do {
                try await apply(change)
            } catch {
                logger.error("applying another node's change failed", metadata: [
                    "site.id": "\(change.site)", "change": "\(change.kind.rawValue)", "error": "\(error)",
                ])
            }
        }
    }

    /// Reads again everything of a site that lives outside the log.
    func resynchronize(_ runtime: SiteRuntime) async throws {
        try await reloadSettings(runtime)
        try await reloadCatalog(runtime, ids: [])
        for kind in [Self.segmentKind, Self.experienceKind, Self.triggerKind, Self.rewardsKind] {
            try await reloadDefinitions(kind, keys: [], runtime: runtime)
        }
        try await reloadModels(runtime)
        try await reloadInAppMessages(runtime)
    }

    private func apply(_ change: ClusterChange) async throws {
        switch change.kind {
        case .keys:
            await keys.reload()
            return
        case .definitions where [DashboardAccounts.sessionKind, DashboardAccounts.userKind].contains(change.keys.first ?? ""):
            // A session ended or an account changed elsewhere: every session is looked up again.
            dashboardAccounts.state.withLock { $0.sessions.removeAll() }
            return
        default: break
        }
        // A site this node has not loaded yet is read whole when first asked for.
        guard let runtime = await directory.loadedRuntime(change.site) else { return }
        switch change.kind {
        case .keys: break
        case .settings: try await reloadSettings(runtime)
        case .items: try await reloadCatalog(runtime, ids: change.keys)
        case .definitions:
            guard let kind = change.keys.first else { return }
            try await reloadDefinitions(kind, keys: Array(change.keys.dropFirst()), runtime: runtime)
        case .model: try await reloadModels(runtime)
        case .erased:
            _ = try await committer.submit(.forget(runtime, change.keys.map { ProfileID(rawValue: $0) }))
        }
    }

    private func reloadSettings(_ runtime: SiteRuntime) async throws {
        guard let site = try await store.sites().first(where: { $0.id == runtime.id }) else { return }
        runtime.state.withLock { state in
            guard state.site.settings != site.settings else { return }
            state.site.settings = site.settings
            state.servingGeneration += 1
        }
    }

    /// Reads the catalog again (the items `ids`, or all of it when empty) and applies the differences.
    private func reloadCatalog(_ runtime: SiteRuntime, ids: [String]) async throws {
        let stored = Dictionary(try await store.items(site: runtime.id).map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        runtime.state.withLock { state in
            let asked: Set<ItemID> = ids.isEmpty ? Set(state.catalog.keys).union(stored.keys) : Set(ids.map { ItemID(rawValue: $0) })
            var changed = false
            for id in asked {
                let old: Item? = state.catalog[id]
                if let new = stored[id] {
                    guard old != new else { continue }
                    state.catalog[id] = new
                    state.live.upsert(new)
                    changed = true
                } else if old != nil {
                    state.catalog[id] = nil
                    state.live.remove(id)
                    changed = true
                }
            }
            if changed {
                state.trendingCache.removeAll()
                state.servingGeneration += 1
            }
        }
    }

    /// Reads the stored definitions of `kind` and brings memory in line (`keys` are a hint only:
    /// every definition of the kind is compared, which also repairs a missed announcement).
    private func reloadDefinitions(_ kind: String, keys: [String], runtime: SiteRuntime) async throws {
        let stored = try await store.definitions(kind: kind, site: runtime.id)
        switch kind {
        case Self.experienceKind:
            var experiences: [Experience] = []
            for entry in stored {
                guard var experience = try? Experience.parse(try JSON.parse(entry.body), now: entry.updatedAt).get() else { continue }
                experience.createdAt = entry.createdAt
                experiences.append(experience)
            }
            runtime.state.withLock { state in
                for experience in experiences where state.experiences.experiences[experience.key] != experience {
                    state.experiences.put(experience)
                }
                let kept = Set(experiences.map(\.key))
                for key in state.experiences.experiences.keys where !kept.contains(key) { state.experiences.remove(key) }
            }
        case Self.triggerKind:
            var triggers: [Trigger] = []
            for entry in stored {
                guard var trigger = try? Trigger.parse(try JSON.parse(entry.body), now: entry.updatedAt).get() else { continue }
                trigger.createdAt = entry.createdAt
                triggers.append(trigger)
            }
            runtime.state.withLock { state in
                for trigger in triggers where state.triggers.triggers[trigger.key] != trigger { state.install(trigger) }
                let kept = Set(triggers.map(\.key))
                for key in state.triggers.triggers.keys where !kept.contains(key) { state.uninstallTrigger(key) }
            }
        case Self.segmentKind:
            var definitions: [SegmentDefinition] = []
            for entry in stored {
                guard var definition = try? SegmentDefinition.parse(try JSON.parse(entry.body), now: entry.updatedAt).get() else { continue }
                definition.createdAt = entry.createdAt
                definitions.append(definition)
            }
            let current = runtime.state.withLock { $0.segments.definitions }
            // Referenced segments first, so that a new rule naming a new segment finds it.
            for definition in definitions.sorted(by: { !$0.rule.referencedSegments.contains($1.key) && $1.rule.referencedSegments.contains($0.key) })
            where current[definition.key].map({ JSON.string($0.json) }) != JSON.string(definition.json) {
                try await installSegment(definition, runtime: runtime)
            }
            let kept = Set(definitions.map(\.key))
            runtime.state.withLock { state in
                for key in state.segments.definitions.keys where !kept.contains(key) {
                    state.segments.remove(key)
                    state.servingGeneration += 1
                }
            }
        case Self.rewardsKind:
            var program: RewardsProgram?
            if let entry = stored.first(where: { $0.key == Self.rewardsProgramKey }) {
                program = try? RewardsProgram.parse(try JSON.parse(entry.body), now: entry.updatedAt).get()
                program?.updatedAt = entry.updatedAt
            }
            let now = now()
            runtime.state.withLock { state in
                guard state.rewards.program != program else { return }
                state.rewards.program = program
                state.servingGeneration += 1
                state.reevaluateEveryone(state.segments.order, now: now)
            }
        default:
            break
        }
    }

    /// Loads the trained model and the prediction models the leader stored.
    private func reloadModels(_ runtime: SiteRuntime) async throws {
        if let stored = try await store.loadModel(site: runtime.id), stored.version != runtime.model.withLock({ $0?.version }) {
            let snapshot = try runtime.state.withLock { state in
                let snapshot = try ModelSnapshot.load(stored, vocabulary: &state.live.vocabulary)
                state.live.growItems()
                return snapshot
            }
            runtime.model.withLock { $0 = snapshot }
            logger.info("model loaded from the leader", metadata: ["site.id": "\(runtime.id)", "model.version": "\(stored.version)"])
        }
        if let models = try await Self.loadProfileModels(site: runtime.id, store: store) {
            let now = now()
            let (keys, people) = runtime.state.withLock { state in
                state.profileModels = models
                state.servingGeneration += 1
                return (state.segments.predictionSegments, Array(state.profiles.keys))
            }
            await Self.reevaluate(people, keys: keys, in: runtime, now: now)
        }
    }

    /// Reads the in-app messages waiting to be shown (the leader readies them).
    func reloadInAppMessages(_ runtime: SiteRuntime) async throws {
        let ready = try await store.readyMessages(site: runtime.id)
        runtime.state.withLock { state in
            state.triggers.inApp = Dictionary(grouping: ready, by: \.profileID)
        }
    }
}

// MARK: - Following the other nodes' decisions

extension Engine {
    /// Counts the decisions and conversions other nodes wrote since this node last looked: each
    /// person's latest exposure (what goal events are attributed to), the arms' exposures and
    /// conversions the bandits choose by, and the contextual bandits' updates. A conversion this
    /// node attributed itself (every node folds every goal event) is not counted again: an
    /// exposure converts once. Returns whether a page was full (more may be waiting).
    func followDecisions(_ runtime: SiteRuntime) async throws -> Bool {
        guard let cluster else { return false }
        let page = 2_000
        let cursor = runtime.follow.withLock { $0.decisions }
        let decisions = try await cluster.store.decisions(site: runtime.id, after: cursor, limit: page)
        let conversions = try await cluster.store.conversions(site: runtime.id, after: cursor, limit: page)
        guard !decisions.isEmpty || !conversions.isEmpty else { return false }
        // Both share one position space: a full page ends where the other may still go on.
        var end = max(decisions.last?.seq ?? cursor, conversions.last?.seq ?? cursor)
        if decisions.count == page, let last = decisions.last?.seq { end = min(end, last) }
        if conversions.count == page, let last = conversions.last?.seq { end = min(end, last) }
        let theirs = runtime.follow.withLock { follow in
            follow.decisions = max(follow.decisions, end)
            return decisions.filter { $0.seq <= end && follow.ownDecisions.remove($0.decision.id) == nil }
        }
        let converted = conversions.filter { $0.seq <= end }
        runtime.state.withLock { state in
            var d = theirs[...], c = converted[...]
            // In position order: a decision is counted before the conversions attributed to it.
            while !d.isEmpty || !c.isEmpty {
                if let decision = d.first, decision.seq <= (c.first?.seq ?? .max) {
                    state.count(decision.decision)
                    d = d.dropFirst()
                } else if let conversion = c.first {
                    state.count(conversion.conversion)
                    c = c.dropFirst()
                }
            }
        }
        return decisions.count == page || conversions.count == page
    }
}

extension SiteState {
    /// Counts a decision another node made, as ``decide(placement:profile:now:)`` counts its own.
    mutating func count(_ decision: Decision) {
        guard let experience = experiences.experiences[decision.experience] else { return }
        let profile = identities.profile(.profile, decision.profileID.rawValue) ?? decision.profileID
        if (experiences.exposures[profile]?[decision.experience]?.at ?? .distantPast) <= decision.at {
            experiences.exposures[profile, default: [:]][decision.experience] = ExperienceIndex.Exposure(
                decisionID: decision.id, variant: decision.variant, control: decision.control, holdout: decision.holdout, at: decision.at,
                features: decision.features)
        }
        guard let variant = decision.variant, !decision.holdout else { return }
        experiences.arms[decision.experience, default: [:]][variant, default: ExperienceIndex.ArmCounts()].exposures += 1
        if case .contextualBandit = experience.allocation, !decision.features.isEmpty,
            let arm = experience.variants.firstIndex(where: { $0.key == variant }),
            let bandit = experiences.contextual[decision.experience], bandit.armCount == experience.variants.count,
            bandit.dimension == decision.features.count
        {
            _ = experiences.contextual[decision.experience]!.update(arm: arm, features: decision.features, reward: 0)
        }
    }

    /// Counts a conversion another node attributed, unless this node counted it already.
    mutating func count(_ conversion: DecisionConversion) {
        guard let experience = experiences.experiences[conversion.experience] else { return }
        let profile = identities.profile(.profile, conversion.profileID.rawValue) ?? conversion.profileID
        guard let exposure = experiences.exposures[profile]?[conversion.experience], exposure.decisionID == conversion.decisionID else { return }
        markConverted(exposure, of: profile, in: experience)
    }
}
