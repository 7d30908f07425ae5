import BaristaCore
import Foundation
import ServiceLifecycle

extension Engine {
    /// Writes every changed profile to the store with the log position it includes.
    ///
    /// After a crash, profiles are rebuilt from the last checkpoint plus the events after it, so a
    /// checkpoint only makes restarts faster: nothing acknowledged depends on it. It runs through
    /// the committer, after the erasures of its round, so it can never write back a profile that
    /// an erasure removed while the checkpoint was being written.
    public func checkpoint() async throws {
        let runtimes = await directory.all
        guard !runtimes.isEmpty else { return }
        // Encoding the changed profiles is the slow part of a checkpoint (a debug build took
        // ~0.1-0.2 s for 1,000, and events waited that long behind it in the commit order). It
        // is done here, before the checkpoint's turn: the committer then writes each profile whose
        // state is still the one encoded, and encodes only those that changed since.
        // A node that does not lead writes no profiles (see saveCheckpoint): nothing to encode.
        let leader = isLeader
        var encoded: [SiteID: PreEncodedProfiles] = [:]
        for runtime in runtimes where leader {
            let dirty = runtime.state.withLock { state in state.dirty.compactMap { state.profiles[$0] } }
            guard !dirty.isEmpty else { continue }
            encoded[runtime.id] = PreEncodedProfiles(dirty)
        }
        _ = try await committer.submit(.checkpoint(runtimes, leader: leader, encoded: encoded))
    }

    /// Snapshots and saves each site's changed profiles (called by the committer only).
    ///
    /// With several nodes, only the leader writes profiles: two nodes writing checkpoints at
    /// different log positions would leave profiles that a restart replays twice. The others
    /// forget the changes the stored checkpoint already includes, and keep the rest for the day
    /// they lead. Recommendation outcomes and outbox changes are written by every node: both are
    /// idempotent (keyed by message), so a node that takes over has lost none.
    static func saveCheckpoint(
        _ runtimes: [SiteRuntime], store: any BaristaStore, leader: Bool = true, encoded: [SiteID: PreEncodedProfiles] = [:]
    ) async throws {
        for runtime in runtimes {
            // Outcomes of the events this checkpoint includes must be written before it: after it, the
            // replay that would re-derive them starts later.
            try await flushOutcomes(runtime, store: store)
            // So are the outbox changes of those events, taken with the same lock as the log position.
            let (changed, removed, seq, outbox) = runtime.state.withLock { state in
                let changed = state.dirty.compactMap { state.profiles[$0] }
                let removed = Array(state.removed)
                let outbox = state.triggers.pending
                state.dirty.removeAll(keepingCapacity: true)
                state.removed.removeAll()
                state.triggers.pending.removeAll()
                return (changed, removed, state.appliedSeq, outbox)
            }
            do {
                try await store.applyOutbox(outbox, site: runtime.id)
            } catch {
                runtime.state.withLock { state in
                    state.triggers.pending.insert(contentsOf: outbox, at: 0)
                    for profile in changed where state.profiles[profile.id] != nil { state.dirty.insert(profile.id) }
                    state.removed.formUnion(removed)
                }
                throw error
            }
            guard !changed.isEmpty || !removed.isEmpty else { continue }
            // A node that is not the leader, or one behind the stored checkpoint (a former leader,
            // or a one-shot command beside running nodes), leaves the profiles to the leader.
            if let cluster = store as? any ClusterStore,
                case let stored = try await cluster.profileCheckpoint(site: runtime.id), !leader || stored > seq
            {
                runtime.state.withLock { state in
                    for profile in changed where state.profiles[profile.id] != nil && (state.profileVersions[profile.id] ?? 0) > stored {
                        state.dirty.insert(profile.id)
                    }
                    state.removed.formUnion(removed)
                }
                continue
            }
            do {
                let states = encoded[runtime.id] ?? PreEncodedProfiles([])
                try await store.saveProfiles(site: runtime.id, changed: changed.map(states.encoding), removed: removed, checkpoint: seq)
            } catch {
                runtime.state.withLock { state in
                    for profile in changed where state.profiles[profile.id] != nil { state.dirty.insert(profile.id) }
                    state.removed.formUnion(removed)
                }
                throw error
            }
        }
    }
}

extension Engine {
    /// Writes the recommendation log, checkpoints profiles and live models, and runs store maintenance
    /// until none is left: for the end of a bulk load.
    public func settle() async throws {
        try await flushRecommendationLog()
        try await checkpoint()
        try await checkpointLiveModels()
        while try await store.performMaintenance() {}
    }
}

/// The engine's background upkeep: store maintenance and the recommendation log every few
/// seconds, a profile checkpoint every `interval`, a live-model checkpoint every `liveInterval`,
/// the `retention_days` purge hourly, and a last checkpoint of both at graceful shutdown.
public struct CheckpointService: Service {
    let engine: Engine
    let interval: Swift.Duration
    let liveInterval: Swift.Duration
    /// How often `retention_days` is applied.
    static let purgeInterval = Swift.Duration.seconds(3_600)

    /// Upkeep for `engine`, checkpointing its profiles every `interval` (30 s by default) and its
    /// live models every `liveInterval` (5 minutes: they are larger, and the replay after a crash
    /// rebuilds what a checkpoint missed).
    public init(engine: Engine, interval: Swift.Duration = .seconds(30), liveInterval: Swift.Duration = .seconds(300)) {
        self.engine = engine
        self.interval = interval
        self.liveInterval = liveInterval
    }

    /// Writes the recommendation log four times a second (small batches keep the write off the
    /// latency tail: at 25,000 answers a second a 1 s batch held a core for ~0.1 s), runs store maintenance every 5 s and the checkpoints on their intervals until
    /// graceful shutdown, then checkpoints once more.
    public func run() async throws {
        let tick = Swift.Duration.milliseconds(250)
        let ticks = AsyncStream<Void> { continuation in
            let task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: tick)
                    continuation.yield()
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        var elapsed = Swift.Duration.zero, sinceCheckpoint = Swift.Duration.zero, sinceLive = Swift.Duration.zero
        // The first retention purge a minute after start, then hourly.
        var sincePurge = Self.purgeInterval - .seconds(60)
        // Segment sizes for the dashboard's trends: soon after start, then hourly.
        var sinceSizes = Swift.Duration.seconds(3600 - 10)
        for await _ in ticks.cancelOnGracefulShutdown() {
            do {
                try await engine.flushRecommendationLog()
                await engine.expireSegmentWindows()
                elapsed += tick
                sinceCheckpoint += tick
                sinceLive += tick
                if elapsed >= .seconds(5) {
                    elapsed = .zero
                    _ = try await engine.store.performMaintenance()
                }
                if sinceCheckpoint >= interval {
                    sinceCheckpoint = .zero
                    try await engine.checkpoint()
                }
                // What follows is written once for every node: by the leader alone.
                if sinceLive >= liveInterval {
                    sinceLive = .zero
                    if engine.isLeader { try await engine.checkpointLiveModels() }
                }
                sinceSizes += tick
                if sinceSizes >= .seconds(3600) {
                    sinceSizes = .zero
                    if engine.isLeader { try await engine.recordSegmentSizes() }
                }
                sincePurge += tick
                if sincePurge >= Self.purgeInterval {
                    sincePurge = .zero
                    if engine.isLeader { try await engine.purgeExpired() }
                }
            } catch {
                engine.logger.error("background upkeep failed", metadata: ["error": "\(error)"])
            }
        }
        try await engine.flushRecommendationLog()
        try await engine.checkpoint()
        if engine.isLeader { try await engine.checkpointLiveModels() }
        engine.logger.info("profiles and live models checkpointed at shutdown")
    }
}

extension Engine {
    /// Applies each site's `retention_days`: deletes events older than that which the checkpoints
    /// already include, and the recommendation log, decisions and finished messages as old.
    /// Returns the counts per site that had something to delete.
    @discardableResult
    public func purgeExpired() async throws -> [SiteID: PurgeCounts] {
        var purged: [SiteID: PurgeCounts] = [:]
        for runtime in await directory.all {
            guard let days = runtime.state.withLock({ $0.site.settings.retentionDays }) else { continue }
            let counts = try await store.purge(site: runtime.id, before: now().addingTimeInterval(-Double(days) * 86_400))
            if counts.events > 0 { runtime.interactions.reset() }
            if counts.events > 0 || counts.derived > 0 {
                purged[runtime.id] = counts
                logger.info("retention purge", metadata: [
                    "site.id": "\(runtime.id)", "retention_days": "\(days)", "events": "\(counts.events)", "derived": "\(counts.derived)",
                ])
            }
        }
        return purged
    }
}

/// Profiles encoded ahead of a checkpoint, each with the state it was encoded from.
struct PreEncodedProfiles: Sendable {
    private var byID: [ProfileID: (profile: Profile, encoded: EncodedProfile)] = [:]

    init(_ profiles: [Profile]) {
        for profile in profiles { byID[profile.id] = (profile, EncodedProfile(profile)) }
    }

    /// `profile` encoded: the encoding made ahead when the profile has not changed since, else a new one.
    func encoding(_ profile: Profile) -> EncodedProfile {
        if let ahead = byID[profile.id], ahead.profile == profile { return ahead.encoded }
        return EncodedProfile(profile)
    }
}
