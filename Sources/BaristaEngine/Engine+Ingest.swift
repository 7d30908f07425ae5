import BaristaCore
import Foundation
import Logging

/// What happened to one submitted event.
public struct IngestResult: Sendable, Hashable {
    /// False when its `message_id` was stored before: a duplicate, not stored again.
    public var stored: Bool
    /// The profile it was applied to.
    public var profileID: ProfileID
}

/// One event to commit, optionally already bound to a profile (profile-id paths).
struct IngestItem: Sendable {
    var event: Event
    var fixedProfile: ProfileID?
    /// The stored text, encoded by the caller before it queues for the commit.
    var body: String

    init(event: Event, fixedProfile: ProfileID?) {
        self.event = event
        self.fixedProfile = fixedProfile
        body = event.storedText
    }
}

/// What the committer serializes: ingestion, erasure and checkpoints, in that order within a round.
enum CommitWork: Sendable {
    case ingest(SiteRuntime, [IngestItem])
    case erase(SiteRuntime, ProfileID)
    case checkpoint([SiteRuntime], leader: Bool, encoded: [SiteID: PreEncodedProfiles])
    /// Fold what other nodes appended since this node last read the log (several nodes only).
    case follow(SiteRuntime)
    /// Forget people another node erased (several nodes only).
    case forget(SiteRuntime, [ProfileID])
}

enum CommitOutput: Sendable {
    case ingested([IngestResult])
    case erased(ErasureCounts)
    case checkpointed
    case followed(Int)
    case forgotten
}

extension Engine {
    /// Durably stores valid events and applies them to profiles; returns once they are committed.
    ///
    /// Calls arriving together share one transaction (group commit). A repeated `message_id` is reported
    /// as not stored and changes nothing.
    public func ingest(_ events: [Event], site: SiteID) async throws -> [IngestResult] {
        guard !events.isEmpty else { return [] }
        let runtime = try await runtime(site)
        return try await ingest(events.map { IngestItem(event: $0, fixedProfile: nil) }, runtime: runtime)
    }

    func ingest(_ items: [IngestItem], runtime: SiteRuntime) async throws -> [IngestResult] {
        guard case .ingested(let results) = try await committer.submit(.ingest(runtime, items)) else {
            preconditionFailure("an ingest commit answered with another output")
        }
        eventRate.record(results.lazy.filter(\.stored).count, site: runtime.id, at: now())
        return results
    }

    /// Makes one round durable: per site, resolve identities and append in one transaction; then the
    /// round's erasures, then its checkpoints. Returns the step that folds the committed events into
    /// the profiles (run in round order).
    static func prepareRound(_ works: [CommitWork], store: any BaristaStore, logger: Logger) async -> GroupCommitter<CommitWork, CommitOutput>.Finish {
        var failures = [(any Error)?](repeating: nil, count: works.count)
        var erased: [Int: ErasureCounts] = [:]
        var committed: [(runtime: SiteRuntime, indices: [Int], events: [StoredEvent], seqs: [Int64?], followed: FollowedEvents?)] = []
        let cluster = store as? any ClusterStore
        var bySite: [(SiteRuntime, [Int])] = []
        for (index, work) in works.enumerated() {
            guard case .ingest(let runtime, _) = work else { continue }
            if let slot = bySite.firstIndex(where: { $0.0 === runtime }) { bySite[slot].1.append(index) } else { bySite.append((runtime, [index])) }
        }
        for (runtime, indices) in bySite {
            let items = indices.flatMap { index -> [IngestItem] in
                guard case .ingest(_, let items) = works[index] else { return [] }
                return items
            }
            do {
                if let cluster {
                    // Resolved inside the append's transaction, against the links every node wrote.
                    let (batch, seqs) = try await Self.appendResolving(items, runtime: runtime, cluster: cluster)
                    let own = seqs.compactMap { $0 }
                    // The other nodes' events before this node's last one are folded first.
                    let followed = try? await Self.readFollowed(runtime, cluster: cluster, through: own.max(), excluding: own)
                    committed.append((runtime, indices, batch.events, seqs, followed))
                } else {
                    let batch = runtime.state.withLock { state in Self.resolve(items, site: runtime.id, in: &state) }
                    let seqs = try await store.append(batch)
                    committed.append((runtime, indices, batch.events, seqs, nil))
                }
            } catch {
                logger.error("event commit failed", metadata: ["site.id": "\(runtime.id)", "error": "\(error)"])
                // Identities were re-pointed in memory before the commit: take them back from the store.
                if let links = try? await store.identityLinks(site: runtime.id) {
                    runtime.state.withLock { state in
                        state.identities = IdentityIndex(links: links)
                        for id in state.profiles.keys { state.identities.register(id) }
                    }
                }
                for index in indices { failures[index] = error }
            }
        }
        for (index, work) in works.enumerated() {
            guard case .erase(let runtime, let profile) = work else { continue }
            let ids = runtime.state.withLock { state in state.forget(profile) }
            runtime.interactions.forget(ids)
            do {
                erased[index] = try await store.erase(site: runtime.id, profiles: ids)
            } catch {
                failures[index] = error
            }
        }
        for work in works {
            guard case .forget(let runtime, let profiles) = work else { continue }
            let ids = runtime.state.withLock { state in profiles.flatMap { state.forget($0) } }
            runtime.interactions.forget(ids)
        }
        var checkpointed: [Int] = []
        for (index, work) in works.enumerated() {
            guard case .checkpoint(let runtimes, let leader, let encoded) = work else { continue }
            do {
                try await Engine.saveCheckpoint(runtimes, store: store, leader: leader, encoded: encoded)
                checkpointed.append(index)
            } catch {
                failures[index] = error
            }
        }
        var followed: [(index: Int, runtime: SiteRuntime, events: FollowedEvents)] = []
        if let cluster {
            for (index, work) in works.enumerated() {
                guard case .follow(let runtime) = work else { continue }
                do {
                    followed.append((index, runtime, try await Self.readFollowed(runtime, cluster: cluster, through: nil, excluding: [])))
                } catch {
                    failures[index] = error
                }
            }
        }
        return { [committed, failures, erased, checkpointed, followed] in
            var results = [Result<CommitOutput, any Error>?](repeating: nil, count: works.count)
            for (index, error) in failures.enumerated() { if let error { results[index] = .failure(error) } }
            for (index, counts) in erased { results[index] = .success(.erased(counts)) }
            for index in checkpointed { results[index] = .success(.checkpointed) }
            for (index, work) in works.enumerated() { if case .forget = work { results[index] = .success(.forgotten) } }
            for (runtime, indices, stored, seqs, followed) in committed {
                runtime.state.withLock { state in
                    let own = zip(stored, seqs).compactMap { event, seq -> StoredEvent? in
                        guard let seq else { return nil }
                        var applied = event
                        applied.seq = seq
                        return applied
                    }
                    if cluster == nil {
                        state.fold(own: own, followed: FollowedEvents())
                    } else if let followed {
                        state.fold(own: own, followed: followed)
                    }
                    // Several nodes, and the read of the others' events failed: this node's events
                    // are read back with theirs by the next follow, in log order.
                }
                var offset = 0
                for index in indices {
                    guard case .ingest(_, let items) = works[index] else { continue }
                    let slice = offset..<(offset + items.count)
                    results[index] = .success(.ingested(slice.map { IngestResult(stored: seqs[$0] != nil, profileID: stored[$0].profileID) }))
                    offset += items.count
                }
            }
            // The follow reads were made after the ingest reads (positions above theirs): folded after them.
            for (index, runtime, events) in followed {
                runtime.state.withLock { state in state.fold(own: [], followed: events) }
                results[index] = .success(.followed(events.events.count))
            }
            return results.map { $0 ?? .failure(BaristaError.unavailable("nothing was committed")) }
        }
    }
}

extension Engine {
    /// Resolves each item's profile in memory (one node alone: memory is the whole truth).
    static func resolve(_ items: [IngestItem], site: SiteID, in state: inout SiteState) -> EventAppend {
        var stored: [StoredEvent] = []
        var links: [IdentityLink] = []
        stored.reserveCapacity(items.count)
        for item in items {
            let resolution = state.identities.resolve(item.event, fixed: item.fixedProfile)
            links += resolution.links
            stored.append(StoredEvent(
                siteID: site, profileID: resolution.profileID, mergedProfileID: resolution.mergedProfileID, event: item.event, body: item.body))
        }
        return EventAppend(site: site, events: stored, links: links)
    }
}

extension SiteState {
    /// Removes a person (and the profiles merged into them) from memory; returns every id removed.
    mutating func forget(_ profile: ProfileID) -> [ProfileID] {
        let all = [profile] + identities.remove(profile)
        for id in all {
            profiles[id] = nil
            profileVersions[id] = nil
            answerCache.remove(profile: id)
            forgetSegments(of: id)
            experiences.exposures[id] = nil
            forgetTriggers(of: id)
            dirty.remove(id)
            removed.remove(id)
        }
        return all
    }
}
