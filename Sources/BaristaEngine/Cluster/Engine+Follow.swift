import BaristaCore
import Foundation
import Synchronization

/// Events other nodes appended, read from the shared log, and the identity links they made.
struct FollowedEvents: Sendable {
    var events: [StoredEvent] = []
    /// The store's links of the ids and profiles those events name.
    var links: [IdentityLink] = []
    var keys: [IdentityLink.Key] = []
    var profiles: [ProfileID] = []
}

extension Engine {
    /// Appends a round's events to a shared store, resolving their identities inside the append's
    /// transaction from the links the store holds then (see ``ClusterStore/append(site:count:identities:resolve:)``).
    static func appendResolving(
        _ items: [IngestItem], runtime: SiteRuntime, cluster: any ClusterStore
    ) async throws -> (batch: EventAppend, seqs: [Int64?]) {
        var keys: [IdentityLink.Key] = []
        var seen = Set<IdentityLink.Key>()
        for item in items where item.fixedProfile == nil {
            for key in IdentityIndex.keys(of: item.event) where seen.insert(key).inserted { keys.append(key) }
        }
        let resolved = Mutex<EventAppend?>(nil)
        let site = runtime.id
        let seqs = try await cluster.append(site: site, count: items.count, identities: keys) { [keys] links in
            let batch = runtime.state.withLock { state in
                state.identities.adopt(links, keys: keys, profiles: [])
                return Self.resolve(items, site: site, in: &state)
            }
            resolved.withLock { $0 = batch }
            return batch
        }
        return (resolved.withLock { $0 }!, seqs)
    }

    /// Reads the site's log after this node's cursor (through `through`, but for this node's own
    /// positions `excluding`; or the next page when `through` is nil) with the identity links of
    /// the people it names, and moves the cursor past it. The caller folds the result in commit order.
    static func readFollowed(
        _ runtime: SiteRuntime, cluster: any ClusterStore, through: Int64?, excluding: [Int64]
    ) async throws -> FollowedEvents {
        let cursor = runtime.follow.withLock { $0.log }
        let events: [StoredEvent]
        let end: Int64
        if let through {
            guard through > cursor else { return FollowedEvents() }
            events = try await cluster.events(site: runtime.id, after: cursor, through: through, excluding: excluding)
            end = through
        } else {
            events = try await cluster.events(site: runtime.id, after: cursor, limit: 5_000)
            end = events.last?.seq ?? cursor
        }
        var read = FollowedEvents(events: events)
        if !events.isEmpty {
            var keys = Set<IdentityLink.Key>(), profiles = Set<ProfileID>()
            for stored in events {
                keys.formUnion(IdentityIndex.keys(of: stored.event))
                profiles.insert(stored.profileID)
                if let merged = stored.mergedProfileID { profiles.insert(merged) }
            }
            read.keys = Array(keys)
            read.profiles = Array(profiles)
            read.links = try await cluster.identityLinks(site: runtime.id, keys: read.keys, profiles: read.profiles)
        }
        runtime.follow.withLock { $0.log = max($0.log, end) }
        return read
    }
}

extension SiteState {
    /// Folds this node's newly committed events (`own`, with their positions) and the other
    /// nodes' events read with them, in log order.
    ///
    /// An own event of a person erased since it was written is not brought back. Another node's
    /// event makes its profile known here unless that profile was merged away.
    mutating func fold(own: [StoredEvent], followed: FollowedEvents) {
        if !followed.links.isEmpty || !followed.keys.isEmpty {
            identities.adopt(followed.links, keys: followed.keys, profiles: followed.profiles)
        }
        let context = applyContext()
        if followed.events.isEmpty {
            for event in own where identities.contains(event.profileID) { apply(event, context: context) }
            return
        }
        var all = own.map { (event: $0, mine: true) } + followed.events.map { (event: $0, mine: false) }
        all.sort { ($0.event.seq ?? 0) < ($1.event.seq ?? 0) }
        for (event, mine) in all {
            guard let seq = event.seq, seq > appliedSeq else { continue }
            if mine {
                guard identities.contains(event.profileID) else { continue }
            } else if identities.profile(.profile, event.profileID.rawValue) == nil {
                identities.register(event.profileID)
            }
            apply(event, context: context)
        }
    }
}
