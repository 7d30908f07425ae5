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
