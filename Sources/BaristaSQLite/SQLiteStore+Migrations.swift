import GRDB

extension SQLiteStore {
    /// The schema, as named append-only migrations: never edit one that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sites, keys, events, identities, profiles, items") { db in
            try db.execute(sql: """
                CREATE TABLE sites (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at REAL NOT NULL, settings TEXT NOT NULL);
                CREATE TABLE api_keys (
                    prefix TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
                    scope TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at REAL NOT NULL, revoked_at REAL);
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, message_id TEXT NOT NULL,
                    profile_id TEXT NOT NULL, merged_profile_id TEXT, type TEXT NOT NULL, name TEXT,
                    timestamp REAL NOT NULL, body TEXT NOT NULL, UNIQUE (site_id, message_id));
                CREATE INDEX events_by_profile ON events (site_id, profile_id, seq);
                CREATE TABLE identities (
                    site_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, profile_id TEXT NOT NULL,
                    PRIMARY KEY (site_id, kind, value)) WITHOUT ROWID;
                CREATE INDEX identities_by_profile ON identities (site_id, profile_id);
                CREATE TABLE profiles (
                    site_id TEXT NOT NULL, profile_id TEXT NOT NULL, state BLOB NOT NULL,
                    PRIMARY KEY (site_id, profile_id)) WITHOUT ROWID;
                CREATE TABLE checkpoints (site_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
                CREATE TABLE items (
                    site_id TEXT NOT NULL, item_id TEXT NOT NULL, body BLOB NOT NULL,
                    PRIMARY KEY (site_id, item_id)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2: by-profile index built at checkpoints") { db in
            // An index on (site, profile, seq) takes random inserts: every commit dirtied a page per
            // person and ingestion fell to a third. The index is now filled at each checkpoint, in
            // one sorted insert, and reads scan the short log tail after the checkpoint.
            try db.execute(sql: """
                DROP INDEX events_by_profile;
                CREATE TABLE event_index (
                    site_id TEXT NOT NULL, profile_id TEXT NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (site_id, profile_id, seq)) WITHOUT ROWID;
                INSERT INTO event_index (site_id, profile_id, seq)
                    SELECT e.site_id, e.profile_id, e.seq FROM events e JOIN checkpoints c ON c.site_id = e.site_id
                    WHERE e.seq <= c.seq;
                """)
        }
        return migrator
    }
}
