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
    case checkpoint([SiteRuntime])
}

enum CommitOutput: Sendable {
    case ingested([IngestResult])
    case erased(ErasureCounts)
    case checkpointed
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
        var committed: [(runtime: SiteRuntime, indices: [Int], events: [StoredEvent], seqs: [Int64?])] = []
        var bySite: [(SiteRuntime, [Int])] = []
        for (index, work) in works.enumerated() {
            guard case .ingest(let runtime, _) = work else { continue }
            if let slot = bySite.firstIndex(where: { $0.0 === runtime }) { bySite[slot].1.append(index) } else { bySite.append((runtime, [index])) }
        }
        for (runtime, indices) in bySite {
            var stored: [StoredEvent] = []
            var links: [IdentityLink] = []
            runtime.state.withLock { state in
                for index in indices {
                    guard case .ingest(_, let items) = works[index] else { continue }
                    for item in items {
                        let resolution = state.identities.resolve(item.event, fixed: item.fixedProfile)
                        links += resolution.links
                        stored.append(StoredEvent(
                            siteID: runtime.id, profileID: resolution.profileID, mergedProfileID: resolution.mergedProfileID,
                            event: item.event, body: item.body))
                    }
                }
            }
            do {
                let seqs = try await store.append(EventAppend(site: runtime.id, events: stored, links: links))
                committed.append((runtime, indices, stored, seqs))
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
            let ids = runtime.state.withLock { state -> [ProfileID] in
                let all = [profile] + state.identities.remove(profile)
                for id in all {
                    state.profiles[id] = nil
                    state.profileVersions[id] = nil
                    state.answerCache.remove(profile: id)
                    state.forgetSegments(of: id)
                    state.experiences.exposures[id] = nil
                    state.forgetTriggers(of: id)
                    state.dirty.remove(id)
                    state.removed.remove(id)
                }
                return all
            }
            do {
                erased[index] = try await store.erase(site: runtime.id, profiles: ids)
            } catch {
                failures[index] = error
            }
        }
        var checkpointed: [Int] = []
        for (index, work) in works.enumerated() {
            guard case .checkpoint(let runtimes) = work else { continue }
            do {
                try await Engine.saveCheckpoint(runtimes, store: store)
                checkpointed.append(index)
            } catch {
                failures[index] = error
            }
        }
        return { [committed, failures, erased, checkpointed] in
            var results = [Result<CommitOutput, any Error>?](repeating: nil, count: works.count)
            for (index, error) in failures.enumerated() { if let error { results[index] = .failure(error) } }
            for (index, counts) in erased { results[index] = .success(.erased(counts)) }
            for index in checkpointed { results[index] = .success(.checkpointed) }
            for (runtime, indices, stored, seqs) in committed {
                runtime.state.withLock { state in
                    let context = state.applyContext()
                    for (event, seq) in zip(stored, seqs) {
                        // An event of a person erased after it was written is not brought back.
                        guard let seq, state.identities.contains(event.profileID) else { continue }
                        var applied = event
                        applied.seq = seq
                        state.apply(applied, context: context)
                    }
                }
                var offset = 0
                for index in indices {
                    guard case .ingest(_, let items) = works[index] else { continue }
                    let slice = offset..<(offset + items.count)
                    results[index] = .success(.ingested(slice.map { IngestResult(stored: seqs[$0] != nil, profileID: stored[$0].profileID) }))
                    offset += items.count
                }
            }
            return results.map { $0 ?? .failure(BaristaError.unavailable("nothing was committed")) }
        }
    }
}
