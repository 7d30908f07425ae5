import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Stores new events and identity links in one durable transaction.
    /// - Returns: for each event, its `seq`, or nil when its `message_id` was already stored (a duplicate).
    public func append(_ batch: EventAppend) async throws -> [Int64?] {
        // Encode outside the writer: the single write connection is the bottleneck.
        let bodies = batch.events.map { $0.body ?? $0.event.storedText }
        do {
            let seqs = try await insert(batch, bodies: bodies)
            diskFull.withLock { $0 = nil }
            return seqs
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            // Not one event of the batch was stored (the transaction was rolled back): say so, and
            // be not ready until space is freed or a later append succeeds.
            diskFull.withLock { $0 = freeBytes() ?? 0 }
            throw BaristaError.storageFull(Self.diskFullDetail)
        }
    }

    private func insert(_ batch: EventAppend, bodies: [String]) async throws -> [Int64?] {
        try await writer.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO events (site_id, message_id, profile_id, merged_profile_id, type, name, timestamp, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, message_id) DO NOTHING
                """)
            var seqs: [Int64?] = []
            seqs.reserveCapacity(batch.events.count)
            for (stored, body) in zip(batch.events, bodies) {
                let event = stored.event
                try insert.execute(arguments: [
                    stored.siteID.rawValue, event.messageID, stored.profileID.rawValue, stored.mergedProfileID?.rawValue,
                    event.kind.rawValue, event.name, event.timestamp.timeIntervalSince1970, body,
                ])
                seqs.append(db.changesCount == 1 ? db.lastInsertedRowID : nil)
            }
            let link = try db.cachedStatement(sql: """
                INSERT INTO identities (site_id, kind, value, profile_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (site_id, kind, value) DO UPDATE SET profile_id = excluded.profile_id
                """)
            for identity in batch.links {
                try link.execute(arguments: [batch.site.rawValue, identity.kind.rawValue, identity.value, identity.profileID.rawValue])
            }
            return seqs
        }
    }

    /// A page of the log by position: `+site_id` keeps SQLite from reading it through an index
    /// that starts with the site (`events_by_time`) and sorting every later event of the site for
    /// each page, which made reading a 4.6M-event log quadratic (0.47 s a page instead of 0.007 s);
    /// the rowid range `seq > ?` is read in order and stops at the limit.
    static let logPageSQL = "SELECT * FROM events WHERE +site_id = ? AND seq > ? ORDER BY seq LIMIT ?"

    /// A site's events with `seq > after`, oldest first, at most `limit`.
    public func events(site: SiteID, after: Int64, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: Self.logPageSQL,
                arguments: [site.rawValue, after, limit]
            ).map { try Self.storedEvent($0) }
        }
    }

    /// The log as the `for_you` trainer reads it: the items of each `track` event picked out by
    /// SQLite's JSON functions (as a small JSON array), no event decoded in Swift.
    public func interactions(site: SiteID, after: Int64, limit: Int) async throws -> [InteractionRecord] {
        try await writer.read { db in
            let rows = try Row.fetchCursor(
                db, sql: """
                    SELECT seq, profile_id, merged_profile_id, CASE WHEN type = 'track' THEN name END AS name, timestamp,
                        CASE WHEN type <> 'track' THEN NULL
                            WHEN name = ? THEN CASE WHEN json_type(body, '$.properties.products') = 'array' THEN
                                (SELECT json_group_array(CASE WHEN line.type = 'object' THEN json_extract(line.value, '$.product_id') END) FROM json_each(body, '$.properties.products') AS line) END
                            ELSE json_array(json_extract(body, '$.properties.product_id')) END AS items
                    FROM events WHERE +site_id = ? AND seq > ? ORDER BY seq LIMIT ?  -- by rowid: see logPageSQL
                    """,
                arguments: [EventName.orderCompleted, site.rawValue, after, limit])
            var records: [InteractionRecord] = []
            while let row = try rows.next() {
                let items: String? = row["items"]
                records.append(InteractionRecord(
                    seq: row["seq"], profileID: ProfileID(row["profile_id"] as String),
                    mergedProfileID: (row["merged_profile_id"] as String?).map { ProfileID($0) }, name: row["name"], timestamp: row["timestamp"],
                    items: try items.map { try JSON.parse(Array($0.utf8)).arrayValue?.compactMap(\.idString) ?? [] } ?? []))
            }
            return records
        }
    }

    /// Occurrences of `name` in `(after, through]`: one pass over the log in position order, the
    /// summed property read by SQLite's JSON functions, no event decoded in Swift (1.5M events take
    /// seconds, not the minute decoding them would).
    public func eventOccurrences(
        site: SiteID, name: String, sumProperty: String?, after: Int64, through: Int64, limit: Int
    ) async throws -> [EventOccurrence] {
        // A property is named in a JSON path between double quotes, which cannot hold a quote or
        // backslash itself: such a (rare) name is read by decoding the body instead.
        let quotable = sumProperty.map { !$0.contains("\"") && !$0.contains("\\") } ?? true
        let value: String
        if let sumProperty, quotable {
            let fallback = sumProperty == "revenue" && name == EventName.orderCompleted
                ? """
                    , json_extract(body, '$.properties.total'),
                    (SELECT sum(coalesce(json_extract(line.value, '$.quantity'), 1) * coalesce(json_extract(line.value, '$.price'), 0))
                        FROM json_each(body, '$.properties.products') AS line)
                    """
                : ""
            value = fallback.isEmpty ? "json_extract(body, ?) AS value, NULL AS body" : "coalesce(json_extract(body, ?)\(fallback)) AS value, NULL AS body"
        } else {
            value = sumProperty == nil ? "NULL AS value, NULL AS body" : "NULL AS value, body"
        }
        let path = sumProperty.flatMap { quotable ? "$.properties.\"\($0)\"" : nil }
        return try await writer.read { db in
            var arguments: [any DatabaseValueConvertible] = []
            if let path { arguments.append(path) }
            arguments += [after, through, site.rawValue, name, limit]
            return try Row.fetchAll(
                db, sql: """
                    SELECT seq, profile_id, timestamp, \(value) FROM events
                    WHERE seq > ? AND seq <= ? AND +site_id = ? AND type = 'track' AND name = ? ORDER BY seq LIMIT ?  -- by rowid: see logPageSQL
                    """,
                arguments: StatementArguments(arguments)
            ).map { row in
                var number: Double?
                if let body: String = row["body"], let sumProperty {
                    number = Event(stored: try JSON.parse(Array(body.utf8)))?.numericValue(of: sumProperty)
                } else {
                    switch row["value"] as DatabaseValue? {
                    case .some(let stored):
                        switch stored.storage {
                        case .double(let d): number = d
                        case .int64(let i): number = Double(i)
                        case .string(let text): number = Double(text)
                        default: number = nil
                        }
                    case nil: number = nil
                    }
                }
                return EventOccurrence(seq: row["seq"], profileID: ProfileID(row["profile_id"]), timestamp: Date(timeIntervalSince1970: row["timestamp"]), value: number)
            }
        }
    }

    /// Every stored event of `profiles`, oldest first: the by-profile index, plus a scan of the log after it.
    public func events(site: SiteID, profiles: [ProfileID]) async throws -> [StoredEvent] {
        guard !profiles.isEmpty else { return [] }
        return try await writer.read { db in
            let marks = Array(repeating: "?", count: profiles.count).joined(separator: ",")
            let ids = profiles.map(\.rawValue)
            return try Row.fetchAll(
                db, sql: """
                    \(Self.bucketsCTE)
                    SELECT e.* FROM buckets b
                    JOIN event_index i ON i.site_id = ? AND i.bucket = b.n AND i.profile_id IN (\(marks))
                    JOIN events e ON e.seq = i.seq
                    UNION ALL
                    SELECT * FROM events WHERE seq > \(Self.indexedSQL) AND +site_id = ? AND profile_id IN (\(marks))
                    ORDER BY seq
                    """,
                arguments: StatementArguments([site.rawValue] + ids + [site.rawValue] + ids)
            ).map { try Self.storedEvent($0) }
        }
    }

    /// Log positions per index bucket (2^17).
    static let bucketShift = 17

    /// `buckets(n)`: every bucket number the index may hold.
    static let bucketsCTE = """
        WITH RECURSIVE buckets(n) AS (
            SELECT 0 UNION ALL SELECT n + 1 FROM buckets WHERE n < (SELECT seq FROM event_index_state WHERE id = 1) >> \(bucketShift))
        """

    /// How far `event_index` reaches, as a subquery: events after it are found by scanning the log tail.
    static let indexedSQL = "(SELECT seq FROM event_index_state WHERE id = 1)"

    /// Events indexed per maintenance step: small enough to keep each write short.
    static let indexStep = 250_000

    /// Indexes up to 250,000 more events by profile in one short write; returns whether unindexed events are left.
    public func performMaintenance() async throws -> Bool {
        try await writer.write { db in
            let from = try Int64.fetchOne(db, sql: "SELECT seq FROM event_index_state WHERE id = 1") ?? 0
            guard let to = try Int64.fetchOne(
                db, sql: "SELECT max(seq) FROM (SELECT seq FROM events WHERE seq > ? ORDER BY seq LIMIT ?)",
                arguments: [from, Self.indexStep])
            else { return false }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO event_index (site_id, bucket, profile_id, seq)
                    SELECT site_id, seq >> \(Self.bucketShift), profile_id, seq FROM events WHERE seq > ? AND seq <= ?
                    ORDER BY site_id, seq >> \(Self.bucketShift), profile_id, seq
                    """,
                arguments: [from, to])
            try db.execute(sql: "UPDATE event_index_state SET seq = ? WHERE id = 1", arguments: [to])
            let left = try Bool.fetchOne(db, sql: "SELECT 1 FROM events WHERE seq > ? LIMIT 1", arguments: [to]) ?? false
            return left
        }
    }

    /// Every identity link of `site`.
    public func identityLinks(site: SiteID) async throws -> [IdentityLink] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, value, profile_id FROM identities WHERE site_id = ?", arguments: [site.rawValue])
                .compactMap { row in
                    guard let kind = IdentityKind(rawValue: row["kind"]) else { return nil }
                    return IdentityLink(kind: kind, value: row["value"], profileID: ProfileID(row["profile_id"] as String))
                }
        }
    }

    /// Deletes the events, index entries, identity links, checkpointed state, and recommendation impressions and
    /// outcomes of `profiles` in one transaction.
    public func erase(site: SiteID, profiles: [ProfileID]) async throws -> ErasureCounts {
        guard !profiles.isEmpty else { return ErasureCounts(events: 0, identities: 0) }
        return try await writer.write { db in
            let marks = Array(repeating: "?", count: profiles.count).joined(separator: ",")
            let ids = profiles.map(\.rawValue)
            let arguments = StatementArguments([site.rawValue] + ids)
            try db.execute(
                sql: """
                    \(Self.bucketsCTE)
                    DELETE FROM events WHERE seq IN (
                        SELECT i.seq FROM buckets b JOIN event_index i ON i.site_id = ? AND i.bucket = b.n AND i.profile_id IN (\(marks)))
                    """, arguments: arguments)
            var events = db.changesCount
            try db.execute(
                sql: "DELETE FROM events WHERE seq > \(Self.indexedSQL) AND +site_id = ? AND profile_id IN (\(marks))",
                arguments: arguments)
            events += db.changesCount
            try db.execute(
                sql: """
                    \(Self.bucketsCTE)
                    DELETE FROM event_index WHERE site_id = ? AND bucket IN (SELECT n FROM buckets) AND profile_id IN (\(marks))
                    """, arguments: arguments)
            try db.execute(sql: "DELETE FROM identities WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            let identities = db.changesCount
            try db.execute(sql: "DELETE FROM profiles WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            try db.execute(sql: "DELETE FROM recommendation_outcomes WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            try db.execute(sql: "DELETE FROM decisions WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            try db.execute(sql: "DELETE FROM decision_conversions WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            try db.execute(sql: "DELETE FROM outbox WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            return ErasureCounts(events: events, identities: identities)
        }
    }

    static func storedEvent(_ row: Row) throws -> StoredEvent {
        let body: String = row["body"]
        guard let event = Event(stored: try JSON.parse(Array(body.utf8))) else {
            throw BaristaError.unavailable("event \(row["seq"] as Int64) in the log cannot be read")
        }
        return StoredEvent(
            seq: row["seq"], siteID: SiteID(row["site_id"] as String), profileID: ProfileID(row["profile_id"] as String),
            mergedProfileID: (row["merged_profile_id"] as String?).map { ProfileID($0) }, event: event)
    }
}

extension SQLiteStore {
    /// The checkpointed profiles of `site` and the log position they include (0 before the first checkpoint).
    public func loadProfiles(site: SiteID) async throws -> (checkpoint: Int64, profiles: [Profile]) {
        let (checkpoint, blobs) = try await writer.read { db in
            let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM checkpoints WHERE site_id = ?", arguments: [site.rawValue]) ?? 0
            let blobs = try Data.fetchAll(db, sql: "SELECT state FROM profiles WHERE site_id = ?", arguments: [site.rawValue])
            return (seq, blobs)
        }
        return (checkpoint, try blobs.map { blob in
            guard let profile = Profile(storage: try JSON.parse(blob)) else { throw BaristaError.unavailable("a stored profile cannot be read") }
            return profile
        })
    }

    /// Upserts `changed`, deletes `removed` and raises the checkpoint to `checkpoint` (never lowers it), in one transaction.
    public func saveProfiles(site: SiteID, changed: [EncodedProfile], removed: [ProfileID], checkpoint: Int64) async throws {
        let blobs = changed.map { ($0.id.rawValue, Data($0.state)) }
        try await writer.write { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO profiles (site_id, profile_id, state) VALUES (?, ?, ?)
                ON CONFLICT (site_id, profile_id) DO UPDATE SET state = excluded.state
                """)
            for (id, blob) in blobs { try upsert.execute(arguments: [site.rawValue, id, blob]) }
            let delete = try db.cachedStatement(sql: "DELETE FROM profiles WHERE site_id = ? AND profile_id = ?")
            for id in removed { try delete.execute(arguments: [site.rawValue, id.rawValue]) }
            try db.execute(
                sql: """
                    INSERT INTO checkpoints (site_id, seq) VALUES (?, ?)
                    ON CONFLICT (site_id) DO UPDATE SET seq = max(seq, excluded.seq)
                    """,
                arguments: [site.rawValue, checkpoint])
        }
    }
}

extension SQLiteStore {
    /// Inserts or replaces `items`; returns for each whether it was new.
    public func upsertItems(_ items: [Item], site: SiteID) async throws -> [Bool] {
        let blobs = items.map { ($0.id.rawValue, Data(JSON.serialize($0.json))) }
        return try await writer.write { db in
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM items WHERE site_id = ? AND item_id = ?")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO items (site_id, item_id, body) VALUES (?, ?, ?)
                ON CONFLICT (site_id, item_id) DO UPDATE SET body = excluded.body
                """)
            return try blobs.map { id, blob in
                let existed = try Bool.fetchOne(exists, arguments: [site.rawValue, id]) == true
                try upsert.execute(arguments: [site.rawValue, id, blob])
                return !existed
            }
        }
    }

    /// Deletes an item; returns whether it existed.
    public func deleteItem(_ id: ItemID, site: SiteID) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM items WHERE site_id = ? AND item_id = ?", arguments: [site.rawValue, id.rawValue])
            return db.changesCount > 0
        }
    }

    /// Every item of `site`, in `item_id` order.
    public func items(site: SiteID) async throws -> [Item] {
        let blobs = try await writer.read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM items WHERE site_id = ? ORDER BY item_id", arguments: [site.rawValue])
        }
        return try blobs.map { blob in
            guard let item = Item(stored: try JSON.parse(blob)) else { throw BaristaError.unavailable("a stored item cannot be read") }
            return item
        }
    }
}
