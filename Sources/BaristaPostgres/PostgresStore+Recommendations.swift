import BaristaCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Appends `impressions` in one transaction; an impression whose id is already stored is ignored.
    ///
    /// The items are kept as a JSON array of ids, `item_count` beside them for the report. Impressions
    /// are a lossy log (the engine buffers them for a second anyway), so their commit does not wait for
    /// the disk (`synchronous_commit = off` for this transaction only).
    public func recordImpressions(_ impressions: [RecommendationImpression], site: SiteID) async throws {
        guard !impressions.isEmpty else { return }
        let site = site.rawValue, logger = self.logger
        let ids = impressions.map(\.id), strategies = impressions.map(\.strategy), items = impressions.map(\.itemsJSON)
        let counts = impressions.map(\.items.count), times = impressions.map(\.at.seconds)
        try await client.withTransaction(logger: logger) { transaction in
            try await transaction.execute("SET LOCAL synchronous_commit = off", logger: logger)
            try await transaction.execute("""
                INSERT INTO recommendation_impressions (site_id, recommendation_id, strategy, items, item_count, created_at)
                SELECT \(site), r.id, r.strategy, r.items, r.item_count, r.at
                FROM unnest(\(ids)::text[], \(strategies)::text[], \(items)::text[], \(counts)::integer[], \(times)::float8[])
                    WITH ORDINALITY AS r(id, strategy, items, item_count, at, ord)
                ORDER BY r.ord
                ON CONFLICT (site_id, recommendation_id) DO NOTHING
                """, logger: logger)
        }
    }

    /// Appends `outcomes`; one whose (`message_id`, `item_id`) is already stored is ignored.
    ///
    /// An outcome without an item is stored with item `''`. An order is recorded once per event, with
    /// no item (or its first one) and the order's revenue; the report counts each order `message_id`
    /// once, with its revenue once, however many rows name it.
    public func recordOutcomes(_ outcomes: [RecommendationOutcome], site: SiteID) async throws {
        guard !outcomes.isEmpty else { return }
        try await execute("""
            INSERT INTO recommendation_outcomes (site_id, recommendation_id, message_id, item_id, kind, revenue, profile_id, at)
            SELECT \(site.rawValue), o.recommendation_id, o.message_id, o.item_id, o.kind, o.revenue, o.profile_id, o.at
            FROM unnest(\(outcomes.map(\.recommendationID))::text[], \(outcomes.map(\.messageID))::text[],
                \(outcomes.map { $0.itemID?.rawValue ?? "" })::text[], \(outcomes.map(\.kind.rawValue))::text[],
                \(outcomes.map(\.revenue))::float8[], \(outcomes.map(\.profileID.rawValue))::text[], \(outcomes.map(\.at.seconds))::float8[])
                WITH ORDINALITY AS o(recommendation_id, message_id, item_id, kind, revenue, profile_id, at, ord)
            ORDER BY o.ord
            ON CONFLICT (site_id, message_id, item_id) DO NOTHING
            """)
    }

    /// Per strategy, the answers given in `[from, to)` and the outcomes attributed to them, by strategy name.
    ///
    /// Clicks and adds count distinct (answer, item) pairs; orders count distinct order events, whose
    /// revenue is summed once each (`max(revenue)` per order and strategy). Outcomes of answers outside
    /// the range, or unknown, are ignored.
    public func recommendationReport(site: SiteID, from: Date, to: Date) async throws -> [StrategyReport] {
        let site = site.rawValue
        return try await rows("""
            WITH shown AS (
                SELECT recommendation_id, strategy, item_count FROM recommendation_impressions
                WHERE site_id = \(site) AND created_at >= \(from.seconds) AND created_at < \(to.seconds)),
            served AS (
                SELECT strategy, count(*) AS requests, sum(item_count) AS impressions FROM shown GROUP BY strategy),
            results AS (
                SELECT s.strategy, o.recommendation_id, o.message_id, o.item_id, o.kind, o.revenue FROM shown s
                JOIN recommendation_outcomes o ON o.site_id = \(site) AND o.recommendation_id = s.recommendation_id),
            pairs AS (
                SELECT strategy, count(*) FILTER (WHERE kind = 'click') AS clicks, count(*) FILTER (WHERE kind = 'add') AS adds FROM (
                    SELECT DISTINCT strategy, kind, recommendation_id, item_id FROM results WHERE kind IN ('click', 'add')) AS d
                GROUP BY strategy),
            orders AS (
                SELECT strategy, count(*) AS orders, sum(revenue) AS revenue FROM (
                    SELECT strategy, message_id, max(revenue) AS revenue FROM results WHERE kind = 'order'
                    GROUP BY strategy, message_id) AS m
                GROUP BY strategy)
            SELECT v.strategy, v.requests::bigint AS requests, v.impressions::bigint AS impressions,
                coalesce(p.clicks, 0)::bigint AS clicks, coalesce(p.adds, 0)::bigint AS adds,
                coalesce(o.orders, 0)::bigint AS orders, coalesce(o.revenue, 0)::float8 AS revenue
            FROM served v LEFT JOIN pairs p ON p.strategy = v.strategy LEFT JOIN orders o ON o.strategy = v.strategy
            ORDER BY v.strategy
            """).map { row in
            StrategyReport(
                strategy: try row.get("strategy"), requests: try row.get("requests"), impressions: try row.get("impressions"),
                clicks: try row.get("clicks"), adds: try row.get("adds"), orders: try row.get("orders"), revenue: try row.get("revenue"))
        }
    }

    /// Replaces the stored model of `site`.
    public func saveModel(_ model: StoredModel, site: SiteID) async throws {
        try await execute("""
            INSERT INTO models (site_id, version, trained_through, created_at, bytes)
            VALUES (\(site.rawValue), \(model.version), \(model.trainedThrough), \(model.createdAt.seconds), \(ByteBuffer(bytes: model.bytes)))
            ON CONFLICT (site_id) DO UPDATE SET version = excluded.version, trained_through = excluded.trained_through,
                created_at = excluded.created_at, bytes = excluded.bytes
            """)
    }

    /// The stored model of `site`, or nil before the first training.
    public func loadModel(site: SiteID) async throws -> StoredModel? {
        try await rows("SELECT version, trained_through, created_at, bytes FROM models WHERE site_id = \(site.rawValue)").first.map { row in
            StoredModel(
                version: try row.get("version"), trainedThrough: try row.get("trained_through"), createdAt: try row.date("created_at"),
                bytes: try row.get("bytes", as: ByteBuffer.self).bytes)
        }
    }

    /// Replaces the checkpoint of the live models of `site`.
    public func saveLiveModels(_ bytes: [UInt8], through seq: Int64, site: SiteID) async throws {
        try await execute("""
            INSERT INTO live_models (site_id, seq, bytes) VALUES (\(site.rawValue), \(seq), \(ByteBuffer(bytes: bytes)))
            ON CONFLICT (site_id) DO UPDATE SET seq = excluded.seq, bytes = excluded.bytes
            """)
    }

    /// The checkpoint of the live models of `site`, or nil before the first.
    public func loadLiveModels(site: SiteID) async throws -> (seq: Int64, bytes: [UInt8])? {
        try await rows("SELECT seq, bytes FROM live_models WHERE site_id = \(site.rawValue)").first.map { row in
            (try row.get("seq", as: Int64.self), try row.get("bytes", as: ByteBuffer.self).bytes)
        }
    }
}
