import BaristaCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Inserts or replaces a definition, keeping its first `created_at`.
    public func saveDefinition(_ definition: StoredDefinition, site: SiteID) async throws {
        try await execute("""
            INSERT INTO definitions (site_id, kind, key, body, created_at, updated_at)
            VALUES (\(site.rawValue), \(definition.kind), \(definition.key), \(definition.body),
                \(definition.createdAt.seconds), \(definition.updatedAt.seconds))
            ON CONFLICT (site_id, kind, key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
            """)
    }

    /// Deletes a definition; returns whether it existed.
    public func deleteDefinition(kind: String, key: String, site: SiteID) async throws -> Bool {
        try await !rows("""
            DELETE FROM definitions WHERE site_id = \(site.rawValue) AND kind = \(kind) AND key = \(key) RETURNING 1
            """).isEmpty
    }

    /// Every definition of `kind`, in key order.
    public func definitions(kind: String, site: SiteID) async throws -> [StoredDefinition] {
        try await rows("""
            SELECT kind, key, body, created_at, updated_at FROM definitions WHERE site_id = \(site.rawValue) AND kind = \(kind) ORDER BY key
            """).map { row in
            StoredDefinition(
                kind: try row.get("kind"), key: try row.get("key"), body: try row.get("body"), createdAt: try row.date("created_at"),
                updatedAt: try row.date("updated_at"))
        }
    }
}
