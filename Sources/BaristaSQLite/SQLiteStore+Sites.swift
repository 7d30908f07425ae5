import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Creates a site; throws ``BaristaError/conflict(_:)`` when its name is taken.
    public func createSite(_ site: Site) async throws {
        let settings = try StoredJSON.encode(site.settings)
        try await writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM sites WHERE name = ?", arguments: [site.name]) == true {
                throw BaristaError.conflict("a site named \(site.name) already exists")
            }
            try db.execute(
                sql: "INSERT INTO sites (id, name, created_at, settings) VALUES (?, ?, ?, ?)",
                arguments: [site.id.rawValue, site.name, site.createdAt.timeIntervalSince1970, settings])
        }
    }

    /// Every site, in name order.
    public func sites() async throws -> [Site] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sites ORDER BY name").map { row in
                Site(id: SiteID(row["id"] as String), name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    settings: try StoredJSON.decode(SiteSettings.self, from: row["settings"] as String))
            }
        }
    }

    /// Replaces the stored settings of `site`; an unknown site is left as it is.
    public func updateSettings(_ settings: SiteSettings, site: SiteID) async throws {
        let text = try StoredJSON.encode(settings)
        try await writer.write { db in
            try db.execute(sql: "UPDATE sites SET settings = ? WHERE id = ?", arguments: [text, site.rawValue])
        }
    }

    /// Stores a key record (the key's hash, never the key).
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (prefix, site_id, scope, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [key.prefix, key.siteID.rawValue, key.scope.rawValue, key.hash, key.createdAt.timeIntervalSince1970,
                    key.revokedAt?.timeIntervalSince1970])
        }
    }

    /// Every key, revoked ones included, oldest first.
    public func keys() async throws -> [APIKeyRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at").map { row in
                APIKeyRecord(
                    prefix: row["prefix"], siteID: SiteID(row["site_id"] as String),
                    scope: KeyScope(rawValue: row["scope"]) ?? .publishable, hash: row["hash"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    revokedAt: (row["revoked_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    /// Revokes, as of `at`, the unrevoked keys whose prefix starts with `prefix`; returns how many.
    public func revokeKeys(prefix: String, at: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE revoked_at IS NULL AND substr(prefix, 1, ?) = ?",
                arguments: [at.timeIntervalSince1970, prefix.count, prefix])
            return db.changesCount
        }
    }
}

/// JSON for values the store keeps as text (settings, items, profile checkpoints).
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
