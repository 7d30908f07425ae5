import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Inserts or replaces a definition, keeping its first `created_at`.
    public func saveDefinition(_ definition: StoredDefinition, site: SiteID) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO definitions (site_id, kind, key, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (site_id, kind, key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                    """,
                arguments: [site.rawValue, definition.kind, definition.key, definition.body,
                    definition.createdAt.timeIntervalSince1970, definition.updatedAt.timeIntervalSince1970])
        }
    }

    /// Deletes a definition; returns whether it existed.
    public func deleteDefinition(kind: String, key: String, site: SiteID) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM definitions WHERE site_id = ? AND kind = ? AND key = ?", arguments: [site.rawValue, kind, key])
            return db.changesCount > 0
        }
    }

    /// Every definition of `kind`, in key order.
    public func definitions(kind: String, site: SiteID) async throws -> [StoredDefinition] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM definitions WHERE site_id = ? AND kind = ? ORDER BY key", arguments: [site.rawValue, kind]
            ).map { row in
                StoredDefinition(
                    kind: row["kind"], key: row["key"], body: row["body"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
            }
        }
    }
}
