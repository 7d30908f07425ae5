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
}

enum CommitWork: Sendable {
    case ingest(SiteRuntime, [IngestItem])
    case erase(SiteRuntime, ProfileID)
}

enum CommitOutput: Sendable {
    case ingested([IngestResult])
    case erased(ErasureCounts)
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
        return results
    }

    /// Commits one round: per site, resolve identities, append in one transaction, then fold into profiles.
    static func commitRound(_ works: [CommitWork], store: any BaristaStore, logger: Logger) async -> [Result<CommitOutput, any Error>] {
        var results = [Result<CommitOutput, any Error>?](repeating: nil, count: works.count)
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
                            event: item.event))
                    }
                }
            }
            do {
                let seqs = try await store.append(EventAppend(site: runtime.id, events: stored, links: links))
                runtime.state.withLock { state in
                    let context = state.applyContext()
                    for (event, seq) in zip(stored, seqs) {
                        guard let seq else { continue }
                        var committed = event
                        committed.seq = seq
                        state.apply(committed, context: context)
                    }
                }
                var offset = 0
                for index in indices {
                    guard case .ingest(_, let items) = works[index] else { continue }
                    let slice = offset..<(offset + items.count)
                    results[index] = .success(.ingested(slice.map { IngestResult(stored: seqs[$0] != nil, profileID: stored[$0].profileID) }))
                    offset += items.count
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
                for index in indices { results[index] = .failure(error) }
            }
        }
        for (index, work) in works.enumerated() {
            guard case .erase(let runtime, let profile) = work else { continue }
            let ids = runtime.state.withLock { state -> [ProfileID] in
                let merged = state.identities.remove(profile)
                let all = [profile] + merged
                for id in all {
                    state.profiles[id] = nil
                    state.dirty.remove(id)
                    state.removed.remove(id)
                }
                return all
            }
            do {
                results[index] = .success(.erased(try await store.erase(site: runtime.id, profiles: ids)))
            } catch {
                results[index] = .failure(error)
            }
        }
        return results.map { $0 ?? .failure(BaristaError.unavailable("nothing was committed")) }
    }
}
