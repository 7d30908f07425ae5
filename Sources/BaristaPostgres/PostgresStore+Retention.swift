import BaristaCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Deletes what `retention_days` no longer keeps, a batch of 10,000 events per transaction so
    /// that a site's appends wait at most for one batch.
    public func purge(site: SiteID, before: Date) async throws -> PurgeCounts {
        let site = site.rawValue, cutoff = before.seconds
        var events = 0
        while true {
            // Only events both checkpoints include: a restart replays nothing before them. The
            // oldest first, by a range of `events_by_time` (v6), not a walk of the log by position.
            let deleted = try await scalar("""
                WITH through AS (
                    SELECT least(c.seq, coalesce(l.seq, 0)) AS seq FROM checkpoints c LEFT JOIN live_models l ON l.site_id = c.site_id
                    WHERE c.site_id = \(site)),
                doomed AS (
                    SELECT e.seq FROM events e, through t
                    WHERE e.site_id = \(site) AND e."timestamp" < \(cutoff) AND e.seq <= t.seq ORDER BY e."timestamp" LIMIT 10000),
                gone AS (DELETE FROM events WHERE site_id = \(site) AND seq IN (SELECT seq FROM doomed) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """, as: Int.self) ?? 0
            events += deleted
            if deleted < 10_000 { break }
        }
        let logger = self.logger
        let derived = try await client.withTransaction(logger: logger) { transaction -> Int in
            var count = 0
            let statements: [PostgresQuery] = [
                """
                WITH gone AS (DELETE FROM recommendation_impressions WHERE site_id = \(site) AND created_at < \(cutoff) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """,
                """
                WITH gone AS (DELETE FROM recommendation_outcomes WHERE site_id = \(site) AND at < \(cutoff) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """,
                """
                WITH gone AS (DELETE FROM decision_conversions WHERE site_id = \(site) AND at < \(cutoff) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """,
                """
                WITH gone AS (DELETE FROM decisions WHERE site_id = \(site) AND at < \(cutoff) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """,
                """
                WITH gone AS (
                    DELETE FROM outbox WHERE site_id = \(site) AND updated_at < \(cutoff)
                        AND status IN ('delivered', 'cancelled', 'suppressed', 'dead')
                    RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """,
            ]
            for statement in statements {
                count += try await transaction.scalar(statement, as: Int.self, logger: logger) ?? 0
            }
            return count
        }
        return PurgeCounts(events: events, derived: derived)
    }
}
