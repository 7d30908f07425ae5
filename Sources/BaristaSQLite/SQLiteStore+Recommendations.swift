import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Appends `impressions` in one transaction; an impression whose id is already stored is ignored.
    ///
    /// The items are kept as a JSON array of ids, `item_count` beside them for the report.
    public func recordImpressions(_ impressions: [RecommendationImpression], site: SiteID) async throws {
        guard !impressions.isEmpty else { return }
        // Encode outside the writer: the single write connection is the bottleneck.
        // Impressions are a lossy log (the engine buffers them for a second anyway), so their commit
        // does not wait for the disk: synchronous=NORMAL for this transaction only. The next event
        // commit (synchronous=FULL) syncs the log with them in it.
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            try db.inTransaction {
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO recommendation_impressions (site_id, recommendation_id, strategy, items, item_count, created_at)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, recommendation_id) DO NOTHING
                    """)
                for impression in impressions {
                    try insert.execute(arguments: [
                        site.rawValue, impression.id, impression.strategy, impression.itemsJSON,
                        impression.items.count, impression.at.timeIntervalSince1970,
                    ])
                }
                return .commit
            }
        }
    }

    /// Appends `outcomes` in one transaction; one whose (`message_id`, `item_id`) is already stored is ignored.
    ///
    /// An outcome without an item is stored with item `''`. An order is recorded once per event, with
    /// no item (or its first one) and the order's revenue; the report counts each order `message_id`
    /// once, with its revenue once, however many rows name it.
    public func recordOutcomes(_ outcomes: [RecommendationOutcome], site: SiteID) async throws {
        guard !outcomes.isEmpty else { return }
        try await writer.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO recommendation_outcomes (site_id, recommendation_id, message_id, item_id, kind, revenue, profile_id, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, message_id, item_id) DO NOTHING
                """)
            for outcome in outcomes {
                try insert.execute(arguments: [
                    site.rawValue, outcome.recommendationID, outcome.messageID, outcome.itemID?.rawValue ?? "",
                    outcome.kind.rawValue, outcome.revenue, outcome.profileID.rawValue, outcome.at.timeIntervalSince1970,
                ])
            }
        }
    }

    /// Per strategy, the answers given in `[from, to)` and the outcomes attributed to them, by strategy name.
    ///
    /// Clicks and adds count distinct (answer, item) pairs; orders count distinct order events, whose
    /// revenue is summed once each. Outcomes of answers outside the range, or unknown, are ignored.
    public func recommendationReport(site: SiteID, from: Date, to: Date) async throws -> [StrategyReport] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: Self.reportSQL, arguments: [
                "site": site.rawValue, "from": from.timeIntervalSince1970, "to": to.timeIntervalSince1970,
            ]).map { row in
                StrategyReport(
                    strategy: row["strategy"], requests: row["requests"], impressions: row["impressions"],
                    clicks: row["clicks"], adds: row["adds"], orders: row["orders"], revenue: row["revenue"])
            }
        }
    }

    /// The report in one statement: the range of the by-time index (which covers `shown`), then a probe
    /// of the outcomes of each answer in it by `(site_id, recommendation_id)`.
    ///
    /// `pairs` keeps one row per clicked or added (answer, item); `orders` one row per order `message_id`
    /// and strategy, with `max(revenue)` so that an order named by several rows is summed once.
    static let reportSQL = """
        WITH shown AS (
            SELECT recommendation_id, strategy, item_count FROM recommendation_impressions
            WHERE site_id = :site AND created_at >= :from AND created_at < :to),
        served AS (
            SELECT strategy, count(*) AS requests, sum(item_count) AS impressions FROM shown GROUP BY strategy),
        results AS (
            SELECT s.strategy, o.recommendation_id, o.message_id, o.item_id, o.kind, o.revenue FROM shown s
            JOIN recommendation_outcomes o ON o.site_id = :site AND o.recommendation_id = s.recommendation_id),
        pairs AS (
            SELECT strategy, sum(kind = 'click') AS clicks, sum(kind = 'add') AS adds FROM (
                SELECT DISTINCT strategy, kind, recommendation_id, item_id FROM results WHERE kind IN ('click', 'add'))
            GROUP BY strategy),
        orders AS (
            SELECT strategy, count(*) AS orders, sum(revenue) AS revenue FROM (
                SELECT strategy, message_id, max(revenue) AS revenue FROM results WHERE kind = 'order'
                GROUP BY strategy, message_id)
            GROUP BY strategy)
        SELECT v.strategy, v.requests, v.impressions, coalesce(p.clicks, 0) AS clicks, coalesce(p.adds, 0) AS adds,
            coalesce(o.orders, 0) AS orders, coalesce(o.revenue, 0.0) AS revenue
        FROM served v LEFT JOIN pairs p ON p.strategy = v.strategy LEFT JOIN orders o ON o.strategy = v.strategy
        ORDER BY v.strategy
        """

    /// Replaces the stored model of `site`.
    public func saveModel(_ model: StoredModel, site: SiteID) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO models (site_id, version, trained_through, created_at, bytes) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (site_id) DO UPDATE SET version = excluded.version, trained_through = excluded.trained_through,
                        created_at = excluded.created_at, bytes = excluded.bytes
                    """,
                arguments: [site.rawValue, model.version, model.trainedThrough, model.createdAt.timeIntervalSince1970, Data(model.bytes)])
        }
    }

    /// The stored model of `site`, or nil before the first training.
    public func loadModel(site: SiteID) async throws -> StoredModel? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM models WHERE site_id = ?", arguments: [site.rawValue]).map { row in
                StoredModel(
                    version: row["version"], trainedThrough: row["trained_through"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]), bytes: [UInt8](row["bytes"] as Data))
            }
        }
    }

    /// Replaces the checkpoint of the live models of `site`.
    public func saveLiveModels(_ bytes: [UInt8], through seq: Int64, site: SiteID) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO live_models (site_id, seq, bytes) VALUES (?, ?, ?)
                    ON CONFLICT (site_id) DO UPDATE SET seq = excluded.seq, bytes = excluded.bytes
                    """,
                arguments: [site.rawValue, seq, Data(bytes)])
        }
    }

    /// The checkpoint of the live models of `site`, or nil before the first.
    public func loadLiveModels(site: SiteID) async throws -> (seq: Int64, bytes: [UInt8])? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, bytes FROM live_models WHERE site_id = ?", arguments: [site.rawValue]).map { row in
                (row["seq"] as Int64, [UInt8](row["bytes"] as Data))
            }
        }
    }
}
