import BaristaCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Creates a site; throws ``BaristaError/conflict(_:)`` when its name is taken.
    public func createSite(_ site: Site) async throws {
        let settings = try StoredJSON.encode(site.settings)
        let created = try await rows("""
            INSERT INTO sites (id, name, created_at, settings) VALUES (\(site.id.rawValue), \(site.name), \(site.createdAt.seconds), \(settings))
            ON CONFLICT DO NOTHING RETURNING id
            """)
        if created.isEmpty { throw BaristaError.conflict("a site named \(site.name) already exists") }
    }

    /// Every site, in name order.
    public func sites() async throws -> [Site] {
        try await rows("SELECT id, name, created_at, settings FROM sites ORDER BY name").map { row in
            Site(id: SiteID(try row.get("id", as: String.self)), name: try row.get("name"), createdAt: try row.date("created_at"),
                settings: try StoredJSON.decode(SiteSettings.self, from: try row.get("settings")))
        }
    }

    /// Replaces the stored settings of `site`; an unknown site is left as it is.
    public func updateSettings(_ settings: SiteSettings, site: SiteID) async throws {
        let text = try StoredJSON.encode(settings)
        try await execute("UPDATE sites SET settings = \(text) WHERE id = \(site.rawValue)")
    }

    /// Stores a key record (the key's hash, never the key).
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await execute("""
            INSERT INTO api_keys (prefix, site_id, scope, hash, created_at, revoked_at)
            VALUES (\(key.prefix), \(key.siteID.rawValue), \(key.scope.rawValue), \(key.hash), \(key.createdAt.seconds), \(key.revokedAt?.seconds))
            """)
    }

    /// Every key, revoked ones included, oldest first.
    public func keys() async throws -> [APIKeyRecord] {
        try await rows("SELECT prefix, site_id, scope, hash, created_at, revoked_at FROM api_keys ORDER BY created_at").map { row in
            APIKeyRecord(
                prefix: try row.get("prefix"), siteID: SiteID(try row.get("site_id", as: String.self)),
                scope: KeyScope(rawValue: try row.get("scope")) ?? .publishable, hash: try row.get("hash"),
                createdAt: try row.date("created_at"),
                revokedAt: try row.get("revoked_at", as: Double?.self).map { Date(timeIntervalSince1970: $0) })
        }
    }

    /// Revokes, as of `at`, the unrevoked keys whose prefix starts with `prefix`; returns how many.
    public func revokeKeys(prefix: String, at: Date) async throws -> Int {
        try await scalar("""
            WITH revoked AS (
                UPDATE api_keys SET revoked_at = \(at.seconds) WHERE revoked_at IS NULL AND starts_with(prefix, \(prefix)) RETURNING 1)
            SELECT count(*)::bigint FROM revoked
            """, as: Int.self) ?? 0
    }
}

/// JSON for values the store keeps as text (settings).
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
