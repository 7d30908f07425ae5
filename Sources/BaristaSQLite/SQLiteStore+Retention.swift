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
                let seqs = try Int64.fetchAll(db, sql: """
                    SELECT seq FROM events WHERE site_id = ? AND seq <= ? AND timestamp < ? ORDER BY seq LIMIT 10000
                    """, arguments: [site.rawValue, through, cutoff])
                guard !seqs.isEmpty else { return 0 }
                let list = seqs.map(String.init).joined(separator: ",")
                try db.execute(sql: "DELETE FROM events WHERE seq IN (\(list))")
                try db.execute(sql: "DELETE FROM event_index WHERE site_id = ? AND seq IN (\(list))", arguments: [site.rawValue])
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
