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
        migrator.registerMigration("v2: by-profile index built in the background, bucketed by log position") { db in
            // An index on (site, profile, seq) takes a random insert per event: every commit dirtied a
            // page per person and ingestion fell to a third as the log grew. Instead, maintenance
            // fills `event_index` a batch at a time, and entries are grouped in buckets of 2^17 log
            // positions so that a batch only touches the newest bucket's pages. Reads seek each
            // bucket and scan the log tail after `event_index_state.seq`.
            try db.execute(sql: """
                DROP INDEX events_by_profile;
                CREATE TABLE event_index (
                    site_id TEXT NOT NULL, bucket INTEGER NOT NULL, profile_id TEXT NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (site_id, bucket, profile_id, seq)) WITHOUT ROWID;
                CREATE TABLE event_index_state (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
                INSERT INTO event_index_state (id, seq) VALUES (1, 0);
                """)
        }
        migrator.registerMigration("v3: recommendation impressions, outcomes, trained and live models") { db in
            // Every key starts with the site, so a backend that distributes by site keeps a site's
            // log together. Impressions keep their rowid: rows (with their items) are appended in
            // arrival order rather than inserted at random by id. The report scans the by-time index and
            // probes the by-recommendation one, both covering it (without `kind, revenue`, SQLite seeks
            // the outcomes' primary key by site alone). Impressions name no profile (erasure has
            // nothing to find there) and their ids start with the time, so every index of theirs is
            // appended to, never written at random, at thousands of answers a second; erasure finds
            // outcomes by profile.
            try db.execute(sql: """
                CREATE TABLE recommendation_impressions (
                    site_id TEXT NOT NULL, recommendation_id TEXT NOT NULL, strategy TEXT NOT NULL,
                    items TEXT NOT NULL, item_count INTEGER NOT NULL, created_at REAL NOT NULL,
                    PRIMARY KEY (site_id, recommendation_id));
                CREATE INDEX recommendation_impressions_by_time
                    ON recommendation_impressions (site_id, created_at, strategy, item_count, recommendation_id);
                CREATE TABLE recommendation_outcomes (
                    site_id TEXT NOT NULL, recommendation_id TEXT NOT NULL, message_id TEXT NOT NULL, item_id TEXT NOT NULL,
                    kind TEXT NOT NULL, revenue REAL NOT NULL, profile_id TEXT NOT NULL, at REAL NOT NULL,
                    PRIMARY KEY (site_id, message_id, item_id)) WITHOUT ROWID;
                CREATE INDEX recommendation_outcomes_by_recommendation
                    ON recommendation_outcomes (site_id, recommendation_id, kind, revenue);
                CREATE INDEX recommendation_outcomes_by_profile ON recommendation_outcomes (site_id, profile_id);
                CREATE TABLE models (
                    site_id TEXT PRIMARY KEY, version TEXT NOT NULL, trained_through INTEGER NOT NULL,
                    created_at REAL NOT NULL, bytes BLOB NOT NULL);
                CREATE TABLE live_models (site_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, bytes BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("v4: definitions (segments, quizzes)") { db in
            try db.execute(sql: """
                CREATE TABLE definitions (
                    site_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
                    created_at REAL NOT NULL, updated_at REAL NOT NULL,
                    PRIMARY KEY (site_id, kind, key)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5: the decision log and its conversions") { db in
            // Decision ids start with their time, so the primary key is appended to; reports read
            // an experience's decisions by time, erasure finds a person's by profile.
            try db.execute(sql: """
                CREATE TABLE decisions (
                    site_id TEXT NOT NULL, decision_id TEXT NOT NULL, experience TEXT NOT NULL, placement TEXT NOT NULL, variant TEXT,
                    control INTEGER NOT NULL, holdout INTEGER NOT NULL, probability REAL NOT NULL, profile_id TEXT NOT NULL,
                    at REAL NOT NULL, features TEXT,
                    PRIMARY KEY (site_id, decision_id)) WITHOUT ROWID;
                CREATE INDEX decisions_by_experience ON decisions (site_id, experience, at);
                CREATE INDEX decisions_by_profile ON decisions (site_id, profile_id);
                CREATE INDEX decisions_by_time ON decisions (site_id, at);
                CREATE TABLE decision_conversions (
                    site_id TEXT NOT NULL, decision_id TEXT NOT NULL, message_id TEXT NOT NULL, experience TEXT NOT NULL,
                    value REAL NOT NULL, profile_id TEXT NOT NULL, at REAL NOT NULL,
                    PRIMARY KEY (site_id, decision_id, message_id)) WITHOUT ROWID;
                CREATE INDEX decision_conversions_by_experience ON decision_conversions (site_id, experience, decision_id);
                CREATE INDEX decision_conversions_by_profile ON decision_conversions (site_id, profile_id);
                """)
        }
        migrator.registerMigration("v6: the outbox of triggered messages") { db in
            // The scheduler reads pending messages by due time, lists read by creation (newest
            // first), erasure and the cadence check by person.
            try db.execute(sql: """
                CREATE TABLE outbox (
                    site_id TEXT NOT NULL, message_id TEXT NOT NULL, trigger_key TEXT NOT NULL, channel TEXT NOT NULL,
                    profile_id TEXT NOT NULL, status TEXT NOT NULL, due_at REAL NOT NULL, scheduled_for REAL NOT NULL,
                    items TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, body TEXT,
                    created_at REAL NOT NULL, updated_at REAL NOT NULL, delivered_at REAL,
                    PRIMARY KEY (site_id, message_id)) WITHOUT ROWID;
                CREATE INDEX outbox_pending ON outbox (site_id, due_at) WHERE status IN ('scheduled', 'retrying');
                CREATE INDEX outbox_by_profile ON outbox (site_id, profile_id, channel, status);
                CREATE INDEX outbox_by_time ON outbox (site_id, created_at, message_id);
                CREATE INDEX outbox_by_status ON outbox (site_id, status, created_at, message_id);
                """)
        }
        migrator.registerMigration("v7: time indexes for the retention purge") { db in
            // `retention_days` deletes by time: without these, each hourly purge read every event
            // of the site (1M events: 0.9 s holding the writer with nothing to delete, 18 s for
            // 100k old ones), and the outcome, conversion and outbox deletes read their whole tables.
            try db.execute(sql: """
                CREATE INDEX events_by_time ON events (site_id, timestamp);
                CREATE INDEX recommendation_outcomes_by_time ON recommendation_outcomes (site_id, at);
                CREATE INDEX decision_conversions_by_time ON decision_conversions (site_id, at);
                CREATE INDEX outbox_by_update ON outbox (site_id, updated_at);
                """)
        }
        return migrator
    }
}
