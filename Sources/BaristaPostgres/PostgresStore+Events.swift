import BaristaCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Stores new events and identity links in one transaction; events go to `batch.site`'s log.
    ///
    /// Log positions come from the site's row in `event_sequences`, which the transaction reserves
    /// (`seq + n`) and keeps locked until it commits: a second append to the same site, on this node or
    /// another, waits for the first to commit before it reserves its own positions. So a site's positions
    /// become visible in increasing order, and a reader of ``events(site:after:limit:)`` never sees a
    /// position while a lower one is still to come. Duplicates leave gaps, which readers never rely on.
    /// - Returns: for each event, its `seq`, or nil when its `message_id` was already stored (a duplicate).
    public func append(_ batch: EventAppend) async throws -> [Int64?] {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { transaction in
            let base = try await Self.reservePositions(Int64(batch.events.count), site: batch.site, transaction, logger: logger)
            return try await Self.insert(batch, base: base, transaction, logger: logger)
        }
    }

    /// Reserves `count` positions in the site's log and returns the one before them; the site's
    /// `event_sequences` row stays locked until the transaction ends.
    static func reservePositions(_ count: Int64, site: SiteID, _ transaction: PostgresConnection, logger: Logger) async throws -> Int64 {
        guard count > 0 else { return 0 }
        return try await transaction.scalar("""
            INSERT INTO event_sequences (site_id, seq) VALUES (\(site.rawValue), \(count))
            ON CONFLICT (site_id) DO UPDATE SET seq = event_sequences.seq + excluded.seq
            RETURNING seq - \(count)
            """, as: Int64.self, logger: logger) ?? 0
    }

    /// Inserts the batch's events at the positions after `base`, and its links.
    static func insert(_ batch: EventAppend, base: Int64, _ transaction: PostgresConnection, logger: Logger) async throws -> [Int64?] {
        let events = batch.events
        let site = batch.site.rawValue
        var seqs = [Int64?](repeating: nil, count: events.count)
        if !events.isEmpty {
            let messageIDs = events.map(\.event.messageID)
            let profiles = events.map(\.profileID.rawValue)
            let merged = events.map { $0.mergedProfileID?.rawValue ?? "" }
            let hasMerged = events.map { $0.mergedProfileID != nil }
            let types = events.map(\.event.kind.rawValue)
            let names = events.map { $0.event.name ?? "" }
            let hasName = events.map { $0.event.name != nil }
            let times = events.map(\.event.timestamp.seconds)
            let bodies = events.map { $0.body ?? $0.event.storedText }
            let inserted = try await transaction.rows("""
                INSERT INTO events (site_id, seq, message_id, profile_id, merged_profile_id, type, name, "timestamp", body)
                SELECT \(site), \(base) + e.ord, e.message_id, e.profile_id, CASE WHEN e.has_merged THEN e.merged END,
                    e.type, CASE WHEN e.has_name THEN e.name END, e.at, e.body
                FROM unnest(\(messageIDs)::text[], \(profiles)::text[], \(merged)::text[], \(hasMerged)::boolean[], \(types)::text[],
                    \(names)::text[], \(hasName)::boolean[], \(times)::float8[], \(bodies)::text[])
                    WITH ORDINALITY AS e(message_id, profile_id, merged, has_merged, type, name, has_name, at, body, ord)
                ORDER BY e.ord
                ON CONFLICT (site_id, message_id) DO NOTHING
                RETURNING seq
                """, logger: logger)
            for row in inserted {
                let seq = try row[0].decode(Int64.self)
                let index = Int(seq - base - 1)
                if seqs.indices.contains(index) { seqs[index] = seq }
            }
        }
        let links = lastLinkPerID(batch.links)
        if !links.isEmpty {
            try await transaction.execute("""
                INSERT INTO identities (site_id, kind, value, profile_id)
                SELECT \(site), l.kind, l.value, l.profile_id
                FROM unnest(\(links.map(\.kind.rawValue))::text[], \(links.map(\.value))::text[], \(links.map(\.profileID.rawValue))::text[])
                    AS l(kind, value, profile_id)
                ON CONFLICT (site_id, kind, value) DO UPDATE SET profile_id = excluded.profile_id
                """, logger: logger)
        }
        return seqs
    }

    /// The links to write, the last one for each id: one statement may not update a row twice.
    static func lastLinkPerID(_ links: [IdentityLink]) -> [IdentityLink] {
        struct Key: Hashable { var kind: IdentityKind, value: String }
        var seen = Set<Key>()
        return links.reversed().filter { seen.insert(Key(kind: $0.kind, value: $0.value)).inserted }.reversed()
    }

    /// A site's events with `seq > after`, oldest first, at most `limit`.
    public func events(site: SiteID, after: Int64, limit: Int) async throws -> [StoredEvent] {
        try await rows("""
            SELECT seq, site_id, profile_id, merged_profile_id, body FROM events
            WHERE site_id = \(site.rawValue) AND seq > \(after) ORDER BY seq LIMIT \(limit)
            """).map(Self.storedEvent)
    }

    /// The log as the `for_you` trainer reads it: the items of each `track` event picked out by
    /// PostgreSQL's `jsonb` functions (as a small JSON array), no event decoded in Swift.
    public func interactions(site: SiteID, after: Int64, limit: Int) async throws -> [InteractionRecord] {
        let rows = try await rows("""
            SELECT seq, profile_id, merged_profile_id, CASE WHEN type = 'track' THEN name END AS name, "timestamp",
                CASE WHEN type <> 'track' THEN NULL
                    WHEN name = \(EventName.orderCompleted) THEN CASE WHEN jsonb_typeof(b -> 'properties' -> 'products') = 'array' THEN
                        (SELECT coalesce(jsonb_agg(line -> 'product_id'), '[]'::jsonb) FROM jsonb_array_elements(b -> 'properties' -> 'products') AS line)::text END
                    ELSE jsonb_build_array(b -> 'properties' -> 'product_id')::text END AS items
            FROM (SELECT seq, profile_id, merged_profile_id, type, name, "timestamp", body::jsonb AS b FROM events
                  WHERE site_id = \(site.rawValue) AND seq > \(after) ORDER BY seq LIMIT \(limit)) AS page
            ORDER BY seq
            """)
        return try rows.map { row in
            let items = try row.get("items", as: String?.self)
            return InteractionRecord(
                seq: try row.get("seq"), profileID: ProfileID(try row.get("profile_id", as: String.self)),
                mergedProfileID: try row.get("merged_profile_id", as: String?.self).map { ProfileID($0) }, name: try row.get("name"),
                timestamp: try row.get("timestamp"), items: try items.map { try JSON.parse(Array($0.utf8)).arrayValue?.compactMap(\.idString) ?? [] } ?? [])
        }
    }

    /// Every stored event of `profiles`, oldest first, through the `(site_id, profile_id, seq)` index.
    public func events(site: SiteID, profiles: [ProfileID]) async throws -> [StoredEvent] {
        guard !profiles.isEmpty else { return [] }
        return try await rows("""
            SELECT seq, site_id, profile_id, merged_profile_id, body FROM events
            WHERE site_id = \(site.rawValue) AND profile_id = ANY(\(profiles.map(\.rawValue))::text[]) ORDER BY seq
            """).map(Self.storedEvent)
    }

    /// Occurrences of `name` in `(after, through]`, the summed property read by PostgreSQL's JSON
    /// functions (the property's name is a bound parameter, so any name works), no event decoded in Swift.
    ///
    /// As in SQLite, the first of the property, the order's `total` and the sum of its lines (for an
    /// order's `revenue`) that is present is the value: a number, a numeric string, or else nil.
    public func eventOccurrences(
        site: SiteID, name: String, sumProperty: String?, after: Int64, through: Int64, limit: Int
    ) async throws -> [EventOccurrence] {
        // Static SQL chosen by the arguments; every value is bound.
        let fallback = sumProperty == "revenue" && name == EventName.orderCompleted
            ? """
                , nullif(p -> 'total', 'null'::jsonb),
                to_jsonb((SELECT sum(
                        coalesce(CASE WHEN jsonb_typeof(line -> 'quantity') = 'number' THEN (line ->> 'quantity')::float8 END, 1)
                        * coalesce(CASE WHEN jsonb_typeof(line -> 'price') = 'number' THEN (line ->> 'price')::float8 END, 0))
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p -> 'products') = 'array' THEN p -> 'products' END) AS line))
                """
            : ""
        let value = sumProperty == nil ? "NULL::jsonb" : "coalesce(nullif(p -> property, 'null'::jsonb)\(fallback))"
        let properties = sumProperty == nil ? "NULL::jsonb" : "body::jsonb -> 'properties'"
        let query: PostgresQuery = """
            SELECT seq, profile_id, "timestamp", CASE WHEN jsonb_typeof(v) IN ('number', 'string') THEN v #>> '{}' END AS value
            FROM (
                SELECT seq, profile_id, "timestamp", \(unescaped: value) AS v
                FROM events, LATERAL (SELECT \(unescaped: properties) AS p, \(sumProperty ?? "")::text AS property) AS j
                WHERE site_id = \(site.rawValue) AND type = 'track' AND name = \(name) AND seq > \(after) AND seq <= \(through)
                ORDER BY seq LIMIT \(limit)) AS o
            ORDER BY seq
            """
        return try await rows(query).map { row in
            EventOccurrence(
                seq: try row.get("seq"), profileID: ProfileID(try row.get("profile_id", as: String.self)), timestamp: try row.date("timestamp"),
                value: try row.get("value", as: String?.self).flatMap { Double($0) })
        }
    }

    /// Every identity link of `site`.
    public func identityLinks(site: SiteID) async throws -> [IdentityLink] {
        try await rows("SELECT kind, value, profile_id FROM identities WHERE site_id = \(site.rawValue)").compactMap { row in
            guard let kind = IdentityKind(rawValue: try row.get("kind")) else { return nil }
            return IdentityLink(kind: kind, value: try row.get("value"), profileID: ProfileID(try row.get("profile_id", as: String.self)))
        }
    }

    /// Deletes the events, identity links, checkpointed state, recommendation outcomes, decisions,
    /// conversions and outbox messages of `profiles` in one transaction.
    public func erase(site: SiteID, profiles: [ProfileID]) async throws -> ErasureCounts {
        guard !profiles.isEmpty else { return ErasureCounts(events: 0, identities: 0) }
        let site = site.rawValue, ids = profiles.map(\.rawValue)
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { transaction in
            let events = try await transaction.scalar("""
                WITH gone AS (DELETE FROM events WHERE site_id = \(site) AND profile_id = ANY(\(ids)::text[]) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """, as: Int.self, logger: logger) ?? 0
            let identities = try await transaction.scalar("""
                WITH gone AS (DELETE FROM identities WHERE site_id = \(site) AND profile_id = ANY(\(ids)::text[]) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """, as: Int.self, logger: logger) ?? 0
            try await transaction.execute(
                "DELETE FROM profiles WHERE site_id = \(site) AND profile_id = ANY(\(ids)::text[])", logger: logger)
            try await transaction.execute(
                "DELETE FROM recommendation_outcomes WHERE site_id = \(site) AND profile_id = ANY(\(ids)::text[])", logger: logger)
            try await transaction.execute(
                "DELETE FROM decisions WHERE site_id = \(site) AND profile_id = ANY(\(ids)::text[])", logger: logger)
            try await transaction.execute(
                "DELETE FROM decision_conversions WHERE site_id = \(site) AND profile_id = ANY(\(ids)::text[])", logger: logger)
            try await transaction.execute(
                "DELETE FROM outbox WHERE site_id = \(site) AND profile_id = ANY(\(ids)::text[])", logger: logger)
            return ErasureCounts(events: events, identities: identities)
        }
    }

    static func storedEvent(_ row: PostgresRandomAccessRow) throws -> StoredEvent {
        let body: String = try row.get("body")
        let seq: Int64 = try row.get("seq")
        guard let event = Event(stored: try JSON.parse(Array(body.utf8))) else {
            throw BaristaError.unavailable("event \(seq) in the log cannot be read")
        }
        return StoredEvent(
            seq: seq, siteID: SiteID(try row.get("site_id", as: String.self)), profileID: ProfileID(try row.get("profile_id", as: String.self)),
            mergedProfileID: try row.get("merged_profile_id", as: String?.self).map { ProfileID($0) }, event: event)
    }
}
