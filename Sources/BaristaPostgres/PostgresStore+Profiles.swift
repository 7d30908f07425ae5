import BaristaCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// The checkpointed profiles of `site` and the log position they include (0 before the first checkpoint).
    public func loadProfiles(site: SiteID) async throws -> (checkpoint: Int64, profiles: [Profile]) {
        let logger = self.logger
        // One snapshot for both reads, so the profiles match the position.
        let (checkpoint, blobs) = try await client.withTransaction(logger: logger) { transaction in
            try await transaction.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            let seq = try await transaction.scalar(
                "SELECT seq FROM checkpoints WHERE site_id = \(site.rawValue)", as: Int64.self, logger: logger) ?? 0
            let blobs = try await transaction.rows("SELECT state FROM profiles WHERE site_id = \(site.rawValue)", logger: logger)
                .map { try $0[0].decode(ByteBuffer.self).bytes }
            return (seq, blobs)
        }
        return (checkpoint, try blobs.map { blob in
            guard let profile = Profile(storage: try JSON.parse(blob)) else { throw BaristaError.unavailable("a stored profile cannot be read") }
            return profile
        })
    }

    /// Upserts `changed`, deletes `removed` and raises the checkpoint to `checkpoint` (never lowers it), in one transaction.
    public func saveProfiles(site: SiteID, changed: [EncodedProfile], removed: [ProfileID], checkpoint: Int64) async throws {
        // The last state of each profile: one statement may not update a row twice.
        var latest: [String: ByteBuffer] = [:]
        var order: [String] = []
        for profile in changed {
            if latest.updateValue(ByteBuffer(bytes: profile.state), forKey: profile.id.rawValue) == nil {
                order.append(profile.id.rawValue)
            }
        }
        let states = order.compactMap { latest[$0] }
        let site = site.rawValue, removed = removed.map(\.rawValue), logger = self.logger
        try await client.withTransaction(logger: logger) { transaction in
            if !order.isEmpty {
                try await transaction.execute("""
                    INSERT INTO profiles (site_id, profile_id, state)
                    SELECT \(site), p.id, p.state FROM unnest(\(order)::text[], \(states)::bytea[]) AS p(id, state)
                    ON CONFLICT (site_id, profile_id) DO UPDATE SET state = excluded.state
                    """, logger: logger)
            }
            if !removed.isEmpty {
                try await transaction.execute(
                    "DELETE FROM profiles WHERE site_id = \(site) AND profile_id = ANY(\(removed)::text[])", logger: logger)
            }
            try await transaction.execute("""
                INSERT INTO checkpoints (site_id, seq) VALUES (\(site), \(checkpoint))
                ON CONFLICT (site_id) DO UPDATE SET seq = greatest(checkpoints.seq, excluded.seq)
                """, logger: logger)
        }
    }
}

extension PostgresStore {
    /// Inserts or replaces `items` in one transaction; returns for each whether it was new (an id
    /// repeated in the batch is new only the first time).
    public func upsertItems(_ items: [Item], site: SiteID) async throws -> [Bool] {
        guard !items.isEmpty else { return [] }
        let site = site.rawValue
        let ids = items.map(\.id.rawValue)
        let bodies = items.map { ByteBuffer(bytes: JSON.serialize($0.json)) }
        // The last body of each id is the one kept, as upserting them in turn would.
        var last: [String: ByteBuffer] = [:]
        for (id, body) in zip(ids, bodies) { last[id] = body }
        var unique: [String] = []
        var seenIDs = Set<String>()
        for id in ids where seenIDs.insert(id).inserted { unique.append(id) }
        let uniqueBodies = unique.compactMap { last[$0] }
        let logger = self.logger
        let existing = try await client.withTransaction(logger: logger) { transaction in
            let existed = try await transaction.rows("""
                SELECT item_id FROM items WHERE site_id = \(site) AND item_id = ANY(\(unique)::text[]) FOR UPDATE
                """, logger: logger).map { try $0[0].decode(String.self) }
            try await transaction.execute("""
                INSERT INTO items (site_id, item_id, body)
                SELECT \(site), i.id, i.body FROM unnest(\(unique)::text[], \(uniqueBodies)::bytea[]) AS i(id, body)
                ON CONFLICT (site_id, item_id) DO UPDATE SET body = excluded.body
                """, logger: logger)
            return Set(existed)
        }
        var seen = existing
        return ids.map { seen.insert($0).inserted }
    }

    /// Deletes an item; returns whether it existed.
    public func deleteItem(_ id: ItemID, site: SiteID) async throws -> Bool {
        try await !rows("DELETE FROM items WHERE site_id = \(site.rawValue) AND item_id = \(id.rawValue) RETURNING 1").isEmpty
    }

    /// Every item of `site`, in `item_id` order.
    public func items(site: SiteID) async throws -> [Item] {
        try await rows("SELECT body FROM items WHERE site_id = \(site.rawValue) ORDER BY item_id").map { row in
            guard let item = Item(stored: try JSON.parse(try row[0].decode(ByteBuffer.self).bytes)) else {
                throw BaristaError.unavailable("a stored item cannot be read")
            }
            return item
        }
    }
}
