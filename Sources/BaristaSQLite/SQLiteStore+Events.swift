import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    public func append(_ batch: EventAppend) async throws -> [Int64?] {
        // Encode outside the writer: the single write connection is the bottleneck.
        let bodies = batch.events.map { JSON.string($0.event.json) }
        return try await writer.write { db in
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

    public func events(site: SiteID, after: Int64, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE site_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [site.rawValue, after, limit]
            ).map { try Self.storedEvent($0) }
        }
    }

    public func events(site: SiteID, profiles: [ProfileID]) async throws -> [StoredEvent] {
        guard !profiles.isEmpty else { return [] }
        return try await writer.read { db in
            let marks = Array(repeating: "?", count: profiles.count).joined(separator: ",")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE site_id = ? AND profile_id IN (\(marks)) ORDER BY seq",
                arguments: StatementArguments([site.rawValue] + profiles.map(\.rawValue))
            ).map { try Self.storedEvent($0) }
        }
    }

    public func identityLinks(site: SiteID) async throws -> [IdentityLink] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, value, profile_id FROM identities WHERE site_id = ?", arguments: [site.rawValue])
                .compactMap { row in
                    guard let kind = IdentityKind(rawValue: row["kind"]) else { return nil }
                    return IdentityLink(kind: kind, value: row["value"], profileID: ProfileID(row["profile_id"] as String))
                }
        }
    }

    public func erase(site: SiteID, profiles: [ProfileID]) async throws -> ErasureCounts {
        guard !profiles.isEmpty else { return ErasureCounts(events: 0, identities: 0) }
        return try await writer.write { db in
            let marks = Array(repeating: "?", count: profiles.count).joined(separator: ",")
            let arguments = StatementArguments([site.rawValue] + profiles.map(\.rawValue))
            try db.execute(sql: "DELETE FROM events WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            let events = db.changesCount
            try db.execute(sql: "DELETE FROM identities WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
            let identities = db.changesCount
            try db.execute(sql: "DELETE FROM profiles WHERE site_id = ? AND profile_id IN (\(marks))", arguments: arguments)
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
    public func loadProfiles(site: SiteID) async throws -> (checkpoint: Int64, profiles: [Profile]) {
        let (checkpoint, blobs) = try await writer.read { db in
            let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM checkpoints WHERE site_id = ?", arguments: [site.rawValue]) ?? 0
            let blobs = try Data.fetchAll(db, sql: "SELECT state FROM profiles WHERE site_id = ?", arguments: [site.rawValue])
            return (seq, blobs)
        }
        let decoder = JSONDecoder()
        return (checkpoint, try blobs.map { try decoder.decode(Profile.self, from: $0) })
    }

    public func saveProfiles(site: SiteID, changed: [Profile], removed: [ProfileID], checkpoint: Int64) async throws {
        let encoder = JSONEncoder()
        let blobs = try changed.map { ($0.id.rawValue, try encoder.encode($0)) }
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
    public func upsertItems(_ items: [Item], site: SiteID) async throws -> [Bool] {
        let encoder = JSONEncoder()
        let blobs = try items.map { ($0.id.rawValue, try encoder.encode($0)) }
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

    public func deleteItem(_ id: ItemID, site: SiteID) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM items WHERE site_id = ? AND item_id = ?", arguments: [site.rawValue, id.rawValue])
            return db.changesCount > 0
        }
    }

    public func items(site: SiteID) async throws -> [Item] {
        let blobs = try await writer.read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM items WHERE site_id = ? ORDER BY item_id", arguments: [site.rawValue])
        }
        let decoder = JSONDecoder()
        return try blobs.map { try decoder.decode(Item.self, from: $0) }
    }
}
