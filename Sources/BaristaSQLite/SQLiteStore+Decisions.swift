import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Appends decisions in one transaction.
    public func recordDecisions(_ decisions: [Decision], site: SiteID) async throws {
        guard !decisions.isEmpty else { return }
        try await writer.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO decisions
                    (site_id, decision_id, experience, placement, variant, control, holdout, probability, profile_id, at, features)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for d in decisions {
                let features = d.features.isEmpty ? nil : JSON.string(.array(d.features.map(JSONValue.number)))
                try statement.execute(arguments: [site.rawValue, d.id, d.experience, d.placement, d.variant, d.control, d.holdout, d.probability,
                    d.profileID.rawValue, d.at.timeIntervalSince1970, features])
            }
        }
    }

    /// Records conversions; a repeated (decision, message) pair is ignored.
    public func recordConversions(_ conversions: [DecisionConversion], site: SiteID) async throws {
        guard !conversions.isEmpty else { return }
        try await writer.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO decision_conversions (site_id, decision_id, message_id, experience, value, profile_id, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for c in conversions {
                try statement.execute(arguments: [site.rawValue, c.decisionID, c.messageID, c.experience, c.value, c.profileID.rawValue,
                    c.at.timeIntervalSince1970])
            }
        }
    }

    /// Per arm: exposures, converted decisions, their value and its squares (per decision).
    public func armTotals(experience: String, site: SiteID, from: Date, to: Date) async throws -> [ArmTotals] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT CASE WHEN d.control THEN 'control' ELSE d.variant END AS arm, count(*) AS exposures,
                        sum(c.decision_id IS NOT NULL) AS conversions, total(c.value) AS revenue, total(c.value * c.value) AS squares
                    FROM decisions d
                    LEFT JOIN (SELECT decision_id, sum(value) AS value FROM decision_conversions
                               WHERE site_id = ? AND experience = ? GROUP BY decision_id) c ON c.decision_id = d.decision_id
                    WHERE d.site_id = ? AND d.experience = ? AND d.holdout = 0 AND d.at >= ? AND d.at < ?
                    GROUP BY arm ORDER BY arm
                    """,
                arguments: [site.rawValue, experience, site.rawValue, experience, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { row in
                ArmTotals(arm: row["arm"] ?? "control", exposures: row["exposures"], conversions: row["conversions"] ?? 0,
                    revenue: row["revenue"], revenueSquares: row["squares"])
            }
        }
    }

    /// Per placement and overall: people decided for, converted people and per-person value, by side of the holdout.
    /// Overall, a conversion attributed to decisions of several placements counts once.
    public func valueTotals(site: SiteID, from: Date, to: Date) async throws -> [ValueTotals] {
        try await writer.read { db in
            let range: [any DatabaseValueConvertible] = [site.rawValue, from.timeIntervalSince1970, to.timeIntervalSince1970]
            let perPlacement = try Row.fetchAll(
                db, sql: """
                    WITH person AS (
                        SELECT d.placement, d.holdout, d.profile_id, max(c.decision_id IS NOT NULL) AS converted, total(c.value) AS value
                        FROM decisions d LEFT JOIN decision_conversions c ON c.site_id = d.site_id AND c.experience = d.experience
                            AND c.decision_id = d.decision_id
                        WHERE d.site_id = ? AND d.at >= ? AND d.at < ?
                        GROUP BY d.placement, d.holdout, d.profile_id)
                    SELECT placement, holdout, count(*) AS people, sum(converted) AS converted, total(value) AS revenue,
                        total(value * value) AS squares
                    FROM person GROUP BY placement, holdout ORDER BY placement, holdout
                    """,
                arguments: StatementArguments(range))
            let overall = try Row.fetchAll(
                db, sql: """
                    WITH decided AS (
                        SELECT DISTINCT profile_id, holdout FROM decisions WHERE site_id = ? AND at >= ? AND at < ?),
                    converted AS (
                        SELECT profile_id, sum(value) AS value FROM (
                            SELECT DISTINCT c.profile_id, c.message_id, c.value FROM decision_conversions c
                            JOIN decisions d ON d.site_id = c.site_id AND d.decision_id = c.decision_id
                            WHERE d.site_id = ? AND d.at >= ? AND d.at < ?)
                        GROUP BY profile_id)
                    SELECT p.holdout, count(*) AS people, sum(v.profile_id IS NOT NULL) AS converted, total(v.value) AS revenue,
                        total(v.value * v.value) AS squares
                    FROM decided p LEFT JOIN converted v ON v.profile_id = p.profile_id
                    GROUP BY p.holdout ORDER BY p.holdout
                    """,
                arguments: StatementArguments(range + range))
            func totals(_ row: Row, placement: String?) -> ValueTotals {
                ValueTotals(placement: placement, holdout: row["holdout"], profiles: row["people"], converted: row["converted"] ?? 0,
                    revenue: row["revenue"], revenueSquares: row["squares"])
            }
            return overall.map { totals($0, placement: nil) } + perPlacement.map { totals($0, placement: $0["placement"]) }
        }
    }

    /// Every decision of these profiles, oldest first.
    public func decisions(site: SiteID, profiles: [ProfileID]) async throws -> [Decision] {
        guard !profiles.isEmpty else { return [] }
        return try await writer.read { db in
            let marks = Array(repeating: "?", count: profiles.count).joined(separator: ",")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM decisions WHERE site_id = ? AND profile_id IN (\(marks)) ORDER BY at, decision_id",
                arguments: StatementArguments([site.rawValue] + profiles.map(\.rawValue))
            ).map(Self.decision)
        }
    }

    /// Decisions made at or after `since`, oldest first, each with whether it converted.
    public func decisions(site: SiteID, since: Date) async throws -> [(decision: Decision, converted: Bool)] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT d.*, EXISTS (SELECT 1 FROM decision_conversions c WHERE c.site_id = d.site_id AND c.experience = d.experience
                        AND c.decision_id = d.decision_id) AS converted
                    FROM decisions d WHERE d.site_id = ? AND d.at >= ? ORDER BY d.at, d.decision_id
                    """,
                arguments: [site.rawValue, since.timeIntervalSince1970]
            ).map { row in (Self.decision(row), row["converted"]) }
        }
    }

    static func decision(_ row: Row) -> Decision {
        let features = (row["features"] as String?).flatMap { try? JSON.parse($0) }?.arrayValue?.compactMap(\.doubleValue) ?? []
        return Decision(
            id: row["decision_id"], experience: row["experience"], placement: row["placement"], variant: row["variant"],
            control: row["control"], holdout: row["holdout"], probability: row["probability"], profileID: ProfileID(row["profile_id"]),
            at: Date(timeIntervalSince1970: row["at"]), features: features)
    }
}
