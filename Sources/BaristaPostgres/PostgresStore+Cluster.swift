import BaristaCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

extension PostgresStore: ClusterStore {
    /// Appends events whose identities are resolved while the site's log is locked.
    ///
    /// The transaction first reserves the batch's positions (which locks the site's
    /// `event_sequences` row until commit), then reads the links of the batch's ids as they stand,
    /// then asks `resolve` for the batch. Another node appending to the same site waits for the
    /// lock, so it resolves against the links this append writes.
    public func append(
        site: SiteID, count: Int, identities: [IdentityLink.Key], resolve: @Sendable ([IdentityLink]) throws -> EventAppend
    ) async throws -> [Int64?] {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { transaction in
            let base = try await Self.reservePositions(Int64(count), site: site, transaction, logger: logger)
            let links = try await Self.identityLinks(site: site, keys: identities, profiles: [], transaction, logger: logger)
            let batch = try resolve(links)
            precondition(batch.events.count == count, "resolve must return the number of events it was asked for")
            return try await Self.insert(batch, base: base, transaction, logger: logger)
        }
    }

    /// The site's events in `(after, through]` but for the positions in `excluding`, oldest first.
    public func events(site: SiteID, after: Int64, through: Int64, excluding: [Int64]) async throws -> [StoredEvent] {
        guard through > after else { return [] }
        return try await rows("""
            SELECT seq, site_id, profile_id, merged_profile_id, body FROM events
            WHERE site_id = \(site.rawValue) AND seq > \(after) AND seq <= \(through) AND NOT (seq = ANY(\(excluding)::bigint[]))
            ORDER BY seq
            """).map(Self.storedEvent)
    }

    /// Every link of `keys`, and every link of `profiles` and of the profiles `keys` lead to.
    public func identityLinks(site: SiteID, keys: [IdentityLink.Key], profiles: [ProfileID]) async throws -> [IdentityLink] {
        guard !keys.isEmpty || !profiles.isEmpty else { return [] }
        let logger = self.logger
        return try await client.withConnection { connection in
            try await Self.identityLinks(site: site, keys: keys, profiles: profiles, connection, logger: logger)
        }
    }

    static func identityLinks(
        site: SiteID, keys: [IdentityLink.Key], profiles: [ProfileID], _ connection: PostgresConnection, logger: Logger
    ) async throws -> [IdentityLink] {
        guard !keys.isEmpty || !profiles.isEmpty else { return [] }
        let site = site.rawValue
        return try await connection.rows("""
            WITH asked AS (
                SELECT i.kind, i.value, i.profile_id FROM identities i
                JOIN unnest(\(keys.map(\.kind.rawValue))::text[], \(keys.map(\.value))::text[]) AS k(kind, value)
                    ON i.kind = k.kind AND i.value = k.value
                WHERE i.site_id = \(site)),
            people AS (SELECT profile_id FROM asked UNION SELECT unnest(\(profiles.map(\.rawValue))::text[]))
            SELECT kind, value, profile_id FROM asked
            UNION
            SELECT kind, value, profile_id FROM identities WHERE site_id = \(site) AND profile_id IN (SELECT profile_id FROM people)
            """, logger: logger).compactMap { row in
            guard let kind = IdentityKind(rawValue: try row.get("kind")) else { return nil }
            return IdentityLink(kind: kind, value: try row.get("value"), profileID: ProfileID(try row.get("profile_id", as: String.self)))
        }
    }

    /// The log position of the stored profile checkpoint.
    public func profileCheckpoint(site: SiteID) async throws -> Int64 {
        try await scalar("SELECT seq FROM checkpoints WHERE site_id = \(site.rawValue)", as: Int64.self) ?? 0
    }

    /// Decisions after position `after`, in position order.
    public func decisions(site: SiteID, after: Int64, limit: Int) async throws -> [(seq: Int64, decision: Decision)] {
        try await rows("""
            SELECT seq, \(unescaped: Self.decisionColumns) FROM decisions
            WHERE site_id = \(site.rawValue) AND seq > \(after) ORDER BY seq LIMIT \(limit)
            """).map { row in (try row.get("seq", as: Int64.self), try Self.decision(row)) }
    }

    /// Conversions after position `after`, in position order.
    public func conversions(site: SiteID, after: Int64, limit: Int) async throws -> [(seq: Int64, conversion: DecisionConversion)] {
        try await rows("""
            SELECT seq, decision_id, message_id, experience, value, profile_id, at FROM decision_conversions
            WHERE site_id = \(site.rawValue) AND seq > \(after) ORDER BY seq LIMIT \(limit)
            """).map { row in
            (try row.get("seq", as: Int64.self), DecisionConversion(
                decisionID: try row.get("decision_id"), experience: try row.get("experience"), messageID: try row.get("message_id"),
                value: try row.get("value"), profileID: ProfileID(rawValue: try row.get("profile_id", as: String.self)), at: try row.date("at")))
        }
    }

    /// The newest decision position of the site.
    public func lastDecisionPosition(site: SiteID) async throws -> Int64 {
        try await scalar("SELECT seq FROM decision_sequences WHERE site_id = \(site.rawValue)", as: Int64.self) ?? 0
    }

    /// The channel changes are announced on.
    static let changeChannel = "barista_changes"

    /// The advisory lock the leader holds for as long as its link's connection lives.
    static let leaderLock: Int64 = 0x6261_7269_7374_6C  // "baristl"

    /// Announces `change` with `pg_notify`. A payload is at most 8,000 bytes, so a change touching
    /// many keys is sent without them, which receivers read as "everything of this kind".
    public func publish(_ change: ClusterChange, from node: String) async throws {
        var payload = ClusterPayload(node: node, change: change).text
        if payload.utf8.count > 7_900 {
            var whole = change
            whole.keys = change.kind == .definitions ? Array(change.keys.prefix(1)) : []
            payload = ClusterPayload(node: node, change: whole).text
        }
        try await execute("SELECT pg_notify(\(Self.changeChannel), \(payload))")
    }

    /// The node's link: a connection of its own that listens on ``changeChannel`` and holds ``leaderLock``.
    public func makeLink(node: String) -> any ClusterLink {
        PostgresClusterLink(configuration: connectionConfiguration, node: node, logger: logger)
    }
}

/// What goes through `pg_notify`: `{"node":…,"site":…,"kind":…,"keys":[…]}`.
struct ClusterPayload {
    var node: String
    var change: ClusterChange

    var text: String {
        JSON.string(.object([
            "node": .string(node), "site": .string(change.site.rawValue), "kind": .string(change.kind.rawValue),
            "keys": .array(change.keys.map(JSONValue.string)),
        ]))
    }

    init(node: String, change: ClusterChange) {
        self.node = node
        self.change = change
    }

    init?(_ text: String) {
        guard let value = try? JSON.parse(text), let node = value["node"]?.stringValue, let site = value["site"]?.stringValue,
            let kind = value["kind"]?.stringValue.flatMap(ClusterChange.Kind.init(rawValue:))
        else { return nil }
        self.node = node
        change = ClusterChange(site: SiteID(site), kind: kind, keys: value["keys"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}

/// One node's link to the others through PostgreSQL: a dedicated connection that `LISTEN`s for
/// changes and takes the leader's advisory lock when it is free.
///
/// A session advisory lock lives as long as the connection that took it: when the leader's process
/// dies, PostgreSQL ends its session and frees the lock, and the next node to try takes it. A node
/// whose connection fails steps down at once and reconnects.
struct PostgresClusterLink: ClusterLink {
    let configuration: PostgresConnection.Configuration
    let node: String
    let logger: Logger

    func run(
        retry: Duration, onSignal: @escaping @Sendable (ClusterSignal) async -> Void, onLeadership: @escaping @Sendable (Bool) async -> Void
    ) async {
        let leading = LeaderFlag()
        await onLeadership(false)
        var attempt = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 1_000 + attempt, logger: logger)
                attempt += 1
                do {
                    try await connection.listen(on: PostgresStore.changeChannel) { notifications in
                        // Whatever was announced while this node was not listening is read again.
                        await onSignal(.resynchronize)
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                for try await notification in notifications {
                                    guard let payload = ClusterPayload(notification.payload), payload.node != node else { continue }
                                    await onSignal(.change(payload.change))
                                }
                                throw PostgresStoreError(description: "the notification stream ended")
                            }
                            group.addTask {
                                while !Task.isCancelled {
                                    if leading.value.load(ordering: .relaxed) {
                                        // A round trip: a dead connection ends the leadership here.
                                        _ = try await connection.scalar("SELECT 1::bigint", as: Int64.self, logger: logger)
                                    } else if try await connection.scalar(
                                        "SELECT pg_try_advisory_lock(\(PostgresStore.leaderLock))", as: Bool.self, logger: logger) == true
                                    {
                                        leading.value.store(true, ordering: .relaxed)
                                        logger.info("this node is now the leader", metadata: ["node": "\(node)"])
                                        await onLeadership(true)
                                    }
                                    try await Task.sleep(for: retry)
                                }
                            }
                            // Either task ending ends the link; closing the connection ends the other.
                            do {
                                try await group.next()
                            } catch {
                                group.cancelAll()
                                try? await connection.close()
                                throw error
                            }
                            group.cancelAll()
                            try? await connection.close()
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if !Task.isCancelled {
                    logger.warning("cluster link lost: reconnecting", metadata: ["node": "\(node)", "error": "\(String(reflecting: error))"])
                }
            }
            if leading.value.exchange(false, ordering: .relaxed) {
                if Task.isCancelled {
                    logger.info("this node stops leading: it is shutting down", metadata: ["node": "\(node)"])
                } else {
                    logger.warning("this node is no longer the leader", metadata: ["node": "\(node)"])
                }
                await onLeadership(false)
            }
            try? await Task.sleep(for: retry)
        }
    }
}

/// Whether the link holds the lock, shared between its two tasks.
final class LeaderFlag: Sendable {
    let value = Atomic<Bool>(false)
}
