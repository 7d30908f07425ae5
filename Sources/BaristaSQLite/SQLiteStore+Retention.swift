import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Deletes what `retention_days` no longer keeps, a batch of 10,000 events per transaction so
    /// that ingestion waits at most for one batch.
    public func purge(site: SiteID, before: Date) async throws -> PurgeCounts {
        let cutoff = before.timeIntervalSince1970
        var events = 0
        while true {
            let deleted = try await writer.write { db -> Int in
                // Only events both checkpoints include: a restart replays nothing before them.
                let through = try Int64.fetchOne(db, sql: """
                    SELECT min(c.seq, coalesce(l.seq, 0)) FROM checkpoints c LEFT JOIN live_models l ON l.site_id = c.site_id
                    WHERE c.site_id = ?
                    """, arguments: [site.rawValue]) ?? 0
                // The oldest first, through `events_by_time` (v7): a range of that index, not a
                // scan of the log (EXPLAIN QUERY PLAN: SEARCH events USING INDEX events_by_time).
                let rows = try Row.fetchAll(db, sql: """
                    SELECT seq, profile_id FROM events WHERE site_id = ? AND timestamp < ? AND seq <= ? ORDER BY timestamp LIMIT 10000
                    """, arguments: [site.rawValue, cutoff, through])
                guard !rows.isEmpty else { return 0 }
                let seqs: [Int64] = rows.map { $0["seq"] }
                try db.execute(sql: "DELETE FROM events WHERE seq IN (\(seqs.map(String.init).joined(separator: ",")))")
                // By the index's whole key: `seq IN (…)` alone would scan the site's entries.
                let entry = try db.cachedStatement(sql: "DELETE FROM event_index WHERE site_id = ? AND bucket = ? AND profile_id = ? AND seq = ?")
                for row in rows {
                    let seq: Int64 = row["seq"], profile: String = row["profile_id"]
                    try entry.execute(arguments: [site.rawValue, seq >> Self.bucketShift, profile, seq])
                }
                return seqs.count
            }
            events += deleted
            if deleted < 10_000 { break }
        }
        let derived = try await writer.write { db -> Int in
            var count = 0
            let statements = [
                "DELETE FROM recommendation_impressions WHERE site_id = ? AND created_at < ?",
                "DELETE FROM recommendation_outcomes WHERE site_id = ? AND at < ?",
                "DELETE FROM decision_conversions WHERE site_id = ? AND at < ?",
                "DELETE FROM decisions WHERE site_id = ? AND at < ?",
                "DELETE FROM outbox WHERE site_id = ? AND updated_at < ? AND status IN ('delivered', 'cancelled', 'suppressed', 'dead')",
            ]
            for sql in statements {
                try db.execute(sql: sql, arguments: [site.rawValue, cutoff])
                count += db.changesCount
            }
            return count
        }
        return PurgeCounts(events: events, derived: derived)
    }
}
