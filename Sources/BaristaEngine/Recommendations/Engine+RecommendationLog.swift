import BaristaCore
import Foundation
import Synchronization

/// Impressions of recommendation answers, buffered so that serving never waits on a write.
///
/// The checkpoint service writes them every few seconds; at most those few seconds of impressions
/// are lost if the process is killed (outcomes are not: they are derived from the durable log and
/// re-derived by the replay after a crash).
final class RecommendationLogBuffer: Sendable {
    private let pending = Mutex<[SiteID: [RecommendationImpression]]>([:])

    func impression(_ impression: RecommendationImpression, site: SiteID) {
        pending.withLock { $0[site, default: []].append(impression) }
    }

    func drain() -> [SiteID: [RecommendationImpression]] {
        pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }

    func putBack(_ impressions: [RecommendationImpression], site: SiteID) {
        pending.withLock { $0[site, default: []].insert(contentsOf: impressions, at: 0) }
    }
}

extension Engine {
    /// Writes buffered impressions and the outcomes derived from accepted events, then the decision
    /// log (``flushDecisionLog()``).
    public func flushRecommendationLog() async throws {
        for (site, impressions) in recommendationLog.drain() where !impressions.isEmpty {
            do {
                try await store.recordImpressions(impressions, site: site)
            } catch {
                recommendationLog.putBack(impressions, site: site)
                throw error
            }
        }
        for runtime in await directory.all { try await Self.flushOutcomes(runtime, store: store) }
        try await flushDecisionLog()
    }

    /// Writes one site's pending outcomes; on failure they stay pending.
    static func flushOutcomes(_ runtime: SiteRuntime, store: any BaristaStore) async throws {
        let outcomes = runtime.state.withLock { state in
            defer { state.pendingOutcomes.removeAll() }
            return state.pendingOutcomes
        }
        guard !outcomes.isEmpty else { return }
        do {
            try await store.recordOutcomes(outcomes, site: runtime.id)
        } catch {
            runtime.state.withLock { $0.pendingOutcomes.insert(contentsOf: outcomes, at: 0) }
            throw error
        }
    }

    /// Per strategy, the answers given in `[from, to)` and what they led to (written impressions included).
    public func recommendationReport(site: SiteID, from: Date, to: Date) async throws -> [StrategyReport] {
        try await flushRecommendationLog()
        return try await store.recommendationReport(site: site, from: from, to: to)
    }

    /// Saves each site's live models when they learned something since the last save, and the
    /// contextual bandits' state (``checkpointBandits()``).
    public func checkpointLiveModels() async throws {
        try await checkpointBandits()
        for runtime in await directory.all {
            let saved: (bytes: [UInt8], seq: Int64)? = runtime.state.withLock { state in
                guard state.liveChanged else { return nil }
                state.liveChanged = false
                return (state.live.serialized(), state.liveSeq)
            }
            guard let saved else { continue }
            do {
                try await store.saveLiveModels(saved.bytes, through: saved.seq, site: runtime.id)
            } catch {
                runtime.state.withLock { $0.liveChanged = true }
                throw error
            }
        }
    }
}
