import BaristaCore
import Foundation
import Logging
import PostgresNIO

/// One numbered step of the schema. Append-only: never edit one that has shipped.
struct PostgresMigration: Sendable {
    /// Its number in `barista_migrations.version`; migrations run in this order.
    var version: Int
    /// What it does, as `barista_migrations.name` records it.
    var name: String
    /// Its statements, run in one transaction (one statement per query).
    var statements: [String]
}

extension PostgresStore {
    /// The advisory lock every node takes while migrating, so that nodes starting together migrate once.
    static let migrationLock: Int64 = 0x6261_7269_7374_61  // "barista"

    /// The schema version this build migrates to.
    public static var latestSchemaVersion: Int { migrations.last?.version ?? 0 }

    /// Brings the schema up to ``latestSchemaVersion`` under a session advisory lock; returns the version.
    ///
    /// Each missing migration runs in its own transaction and is recorded in `barista_migrations`. A node
    /// that finds the lock taken waits for it, then finds the migrations done.
    /// - Throws: when a migration fails (its transaction is rolled back), or when the database's schema
    ///   is newer than this build knows (upgrade every node's `barista` before starting an older one).
    @discardableResult
    public func migrate() async throws -> Int {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.execute("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
            do {
                let version = try await Self.migrate(connection, logger: logger)
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
                return version
            } catch {
                try? await connection.execute("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
                throw error
            }
        }
    }

    /// The newest migration applied to the database (0 for an empty one).
    public func schemaVersion() async throws -> Int {
        try await scalar("SELECT coalesce(max(version), 0)::bigint FROM barista_migrations", as: Int.self) ?? 0
    }

    private static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.execute("""
            CREATE TABLE IF NOT EXISTS barista_migrations (
                version integer PRIMARY KEY, name text COLLATE "C" NOT NULL, applied_at double precision NOT NULL)
            """, logger: logger)
        let applied = Set(try await connection.rows("SELECT version::bigint FROM barista_migrations", logger: logger)
            .map { try $0[0].decode(Int.self) })
        if let newest = applied.max(), newest > latestSchemaVersion {
            throw BaristaError.unavailable(
                "the database's schema is version \(newest), newer than this barista knows (\(latestSchemaVersion)): upgrade barista")
        }
        for migration in migrations where !applied.contains(migration.version) {
            logger.info("migrating", metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in migration.statements {
                    try await transaction.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await transaction.execute("""
                    INSERT INTO barista_migrations (version, name, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(Date().seconds))
                    """, logger: logger)
            }
        }
        return latestSchemaVersion
    }

    /// The schema, as numbered append-only migrations. Every key and index starts with `site_id`, and
    /// the event and profile tables continue with `profile_id`, so that a site's rows stay together
    /// and the tables distribute by `site_id` unchanged. Text columns use the `"C"` collation: byte
    /// order, as SQLite compares, whatever the database's locale (and cheaper to index).
    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "sites, keys, events, identities, profiles, items", statements: [
            """
            CREATE TABLE sites (
                id text COLLATE "C" PRIMARY KEY, name text COLLATE "C" NOT NULL UNIQUE, created_at double precision NOT NULL, settings text COLLATE "C" NOT NULL)
            """,
            """
            CREATE TABLE api_keys (
                prefix text COLLATE "C" PRIMARY KEY, site_id text COLLATE "C" NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
                scope text COLLATE "C" NOT NULL, hash text COLLATE "C" NOT NULL UNIQUE, created_at double precision NOT NULL, revoked_at double precision)
            """,
            // The log position of each site's last event: appends lock this row until they commit,
            // so a site's positions are handed out, and become visible, in commit order.
            "CREATE TABLE event_sequences (site_id text COLLATE \"C\" PRIMARY KEY, seq bigint NOT NULL)",
            """
            CREATE TABLE events (
                site_id text COLLATE "C" NOT NULL, seq bigint NOT NULL, message_id text COLLATE "C" NOT NULL, profile_id text COLLATE "C" NOT NULL,
                merged_profile_id text COLLATE "C", type text COLLATE "C" NOT NULL, name text COLLATE "C", "timestamp" double precision NOT NULL, body text COLLATE "C" NOT NULL,
                PRIMARY KEY (site_id, seq), UNIQUE (site_id, message_id))
            """,
            "CREATE INDEX events_by_profile ON events (site_id, profile_id, seq)",
            "CREATE INDEX events_by_name ON events (site_id, name, seq) WHERE type = 'track'",
            """
            CREATE TABLE identities (
                site_id text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, value text COLLATE "C" NOT NULL, profile_id text COLLATE "C" NOT NULL,
                PRIMARY KEY (site_id, kind, value))
            """,
            "CREATE INDEX identities_by_profile ON identities (site_id, profile_id)",
            """
            CREATE TABLE profiles (
                site_id text COLLATE "C" NOT NULL, profile_id text COLLATE "C" NOT NULL, state bytea NOT NULL, PRIMARY KEY (site_id, profile_id))
            """,
            "CREATE TABLE checkpoints (site_id text COLLATE \"C\" PRIMARY KEY, seq bigint NOT NULL)",
            """
            CREATE TABLE items (
                site_id text COLLATE "C" NOT NULL, item_id text COLLATE "C" NOT NULL, body bytea NOT NULL, PRIMARY KEY (site_id, item_id))
            """,
        ]),
        PostgresMigration(version: 2, name: "recommendation impressions, outcomes, trained and live models", statements: [
            """
            CREATE TABLE recommendation_impressions (
                site_id text COLLATE "C" NOT NULL, recommendation_id text COLLATE "C" NOT NULL, strategy text COLLATE "C" NOT NULL,
                items text COLLATE "C" NOT NULL, item_count integer NOT NULL, created_at double precision NOT NULL,
                PRIMARY KEY (site_id, recommendation_id))
            """,
            """
            CREATE INDEX recommendation_impressions_by_time
                ON recommendation_impressions (site_id, created_at, strategy, item_count, recommendation_id)
            """,
            """
            CREATE TABLE recommendation_outcomes (
                site_id text COLLATE "C" NOT NULL, recommendation_id text COLLATE "C" NOT NULL, message_id text COLLATE "C" NOT NULL, item_id text COLLATE "C" NOT NULL,
                kind text COLLATE "C" NOT NULL, revenue double precision NOT NULL, profile_id text COLLATE "C" NOT NULL, at double precision NOT NULL,
                PRIMARY KEY (site_id, message_id, item_id))
            """,
            """
            CREATE INDEX recommendation_outcomes_by_recommendation
                ON recommendation_outcomes (site_id, recommendation_id, kind, revenue)
            """,
            "CREATE INDEX recommendation_outcomes_by_profile ON recommendation_outcomes (site_id, profile_id)",
            """
            CREATE TABLE models (
                site_id text COLLATE "C" PRIMARY KEY, version text COLLATE "C" NOT NULL, trained_through bigint NOT NULL,
                created_at double precision NOT NULL, bytes bytea NOT NULL)
            """,
            "CREATE TABLE live_models (site_id text COLLATE \"C\" PRIMARY KEY, seq bigint NOT NULL, bytes bytea NOT NULL)",
        ]),
        PostgresMigration(version: 3, name: "definitions (segments, quizzes, experiences, triggers)", statements: [
            """
            CREATE TABLE definitions (
                site_id text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, body text COLLATE "C" NOT NULL,
                created_at double precision NOT NULL, updated_at double precision NOT NULL,
                PRIMARY KEY (site_id, kind, key))
            """,
        ]),
        PostgresMigration(version: 4, name: "the decision log and its conversions", statements: [
            """
            CREATE TABLE decisions (
                site_id text COLLATE "C" NOT NULL, decision_id text COLLATE "C" NOT NULL, experience text COLLATE "C" NOT NULL, placement text COLLATE "C" NOT NULL, variant text COLLATE "C",
                control boolean NOT NULL, holdout boolean NOT NULL, probability double precision NOT NULL, profile_id text COLLATE "C" NOT NULL,
                at double precision NOT NULL, features text COLLATE "C",
                PRIMARY KEY (site_id, decision_id))
            """,
            "CREATE INDEX decisions_by_experience ON decisions (site_id, experience, at)",
            "CREATE INDEX decisions_by_profile ON decisions (site_id, profile_id)",
            "CREATE INDEX decisions_by_time ON decisions (site_id, at)",
            """
            CREATE TABLE decision_conversions (
                site_id text COLLATE "C" NOT NULL, decision_id text COLLATE "C" NOT NULL, message_id text COLLATE "C" NOT NULL, experience text COLLATE "C" NOT NULL,
                value double precision NOT NULL, profile_id text COLLATE "C" NOT NULL, at double precision NOT NULL,
                PRIMARY KEY (site_id, decision_id, message_id))
            """,
            "CREATE INDEX decision_conversions_by_experience ON decision_conversions (site_id, experience, decision_id)",
            "CREATE INDEX decision_conversions_by_profile ON decision_conversions (site_id, profile_id)",
        ]),
        PostgresMigration(version: 5, name: "the outbox of triggered messages", statements: [
            """
            CREATE TABLE outbox (
                site_id text COLLATE "C" NOT NULL, message_id text COLLATE "C" NOT NULL, trigger_key text COLLATE "C" NOT NULL, channel text COLLATE "C" NOT NULL,
                profile_id text COLLATE "C" NOT NULL, status text COLLATE "C" NOT NULL, due_at double precision NOT NULL, scheduled_for double precision NOT NULL,
                items text COLLATE "C" NOT NULL, attempts integer NOT NULL, last_error text COLLATE "C", body text COLLATE "C",
                created_at double precision NOT NULL, updated_at double precision NOT NULL, delivered_at double precision,
                PRIMARY KEY (site_id, message_id))
            """,
            "CREATE INDEX outbox_pending ON outbox (site_id, due_at) WHERE status IN ('scheduled', 'retrying')",
            "CREATE INDEX outbox_by_profile ON outbox (site_id, profile_id, channel, status)",
            "CREATE INDEX outbox_by_time ON outbox (site_id, created_at, message_id)",
            "CREATE INDEX outbox_by_status ON outbox (site_id, status, created_at, message_id)",
        ]),
        PostgresMigration(version: 6, name: "decision and conversion positions, which nodes follow each other's by", statements: [
            "ALTER TABLE decisions ADD COLUMN seq bigint",
            "CREATE INDEX decisions_by_position ON decisions (site_id, seq) WHERE seq IS NOT NULL",
            "ALTER TABLE decision_conversions ADD COLUMN seq bigint",
            "CREATE INDEX decision_conversions_by_position ON decision_conversions (site_id, seq) WHERE seq IS NOT NULL",
            "CREATE TABLE decision_sequences (site_id text COLLATE \"C\" PRIMARY KEY, seq bigint NOT NULL)",
        ]),
        // `retention_days` deletes by time: without these the hourly purge walked every event of
        // the site by position (and the outcome, conversion and outbox deletes their whole tables).
        PostgresMigration(version: 7, name: "time indexes for the retention purge", statements: [
            "CREATE INDEX events_by_time ON events (site_id, \"timestamp\", seq)",
            "CREATE INDEX recommendation_outcomes_by_time ON recommendation_outcomes (site_id, at)",
            "CREATE INDEX decision_conversions_by_time ON decision_conversions (site_id, at)",
            "CREATE INDEX outbox_by_update ON outbox (site_id, updated_at)",
        ]),
    ]
}
