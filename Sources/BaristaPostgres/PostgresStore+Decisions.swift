import BaristaCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Appends decisions in one transaction; a decision whose id is already stored is ignored.
    ///
    /// Each gets a position from the site's row in `decision_sequences`, reserved and kept locked
    /// until commit as the event log's are, so positions become visible in increasing order and
    /// other nodes can follow the decisions of this one (``decisions(site:after:limit:)``).
    public func recordDecisions(_ decisions: [Decision], site: SiteID) async throws {
        guard !decisions.isEmpty else { return }
        let features = decisions.map { $0.features.isEmpty ? "" : JSON.string(.array($0.features.map(JSONValue.number))) }
        let count = Int64(decisions.count), logger = self.logger
        try await client.withTransaction(logger: logger) { transaction in
            let base = try await Self.reserveDecisionPositions(count, site: site, transaction, logger: logger)
            try await transaction.execute("""
                INSERT INTO decisions (site_id, decision_id, experience, placement, variant, control, holdout, probability, profile_id, at, features, seq)
                SELECT \(site.rawValue), d.id, d.experience, d.placement, CASE WHEN d.has_variant THEN d.variant END, d.control, d.holdout,
                    d.probability, d.profile_id, d.at, CASE WHEN d.features <> '' THEN d.features END, \(base) + d.ord
                FROM unnest(\(decisions.map(\.id))::text[], \(decisions.map(\.experience))::text[], \(decisions.map(\.placement))::text[],
                    \(decisions.map { $0.variant ?? "" })::text[], \(decisions.map { $0.variant != nil })::boolean[],
                    \(decisions.map(\.control))::boolean[], \(decisions.map(\.holdout))::boolean[], \(decisions.map(\.probability))::float8[],
                    \(decisions.map(\.profileID.rawValue))::text[], \(decisions.map(\.at.seconds))::float8[], \(features)::text[])
                    WITH ORDINALITY AS d(id, experience, placement, variant, has_variant, control, holdout, probability, profile_id, at, features, ord)
                ORDER BY d.ord
                ON CONFLICT (site_id, decision_id) DO NOTHING
                """, logger: logger)
        }
    }

    /// Records conversions; a repeated (decision, message) pair is ignored. Positions come from
    /// the same `decision_sequences` row as decisions', so one cursor follows both.
    public func recordConversions(_ conversions: [DecisionConversion], site: SiteID) async throws {
        guard !conversions.isEmpty else { return }
        let count = Int64(conversions.count), logger = self.logger
        try await client.withTransaction(logger: logger) { transaction in
            let base = try await Self.reserveDecisionPositions(count, site: site, transaction, logger: logger)
            try await transaction.execute("""
                INSERT INTO decision_conversions (site_id, decision_id, message_id, experience, value, profile_id, at, seq)
                SELECT \(site.rawValue), c.decision_id, c.message_id, c.experience, c.value, c.profile_id, c.at, \(base) + c.ord
                FROM unnest(\(conversions.map(\.decisionID))::text[], \(conversions.map(\.messageID))::text[],
                    \(conversions.map(\.experience))::text[], \(conversions.map(\.value))::float8[],
                    \(conversions.map(\.profileID.rawValue))::text[], \(conversions.map(\.at.seconds))::float8[])
                    WITH ORDINALITY AS c(decision_id, message_id, experience, value, profile_id, at, ord)
                ORDER BY c.ord
                ON CONFLICT (site_id, decision_id, message_id) DO NOTHING
                """, logger: logger)
        }
    }

    /// Reserves `count` positions among the site's decisions and conversions and returns the one
    /// before them; the site's `decision_sequences` row stays locked until the transaction ends.
    static func reserveDecisionPositions(_ count: Int64, site: SiteID, _ transaction: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await transaction.scalar("""
            INSERT INTO decision_sequences (site_id, seq) VALUES (\(site.rawValue), \(count))
            ON CONFLICT (site_id) DO UPDATE SET seq = decision_sequences.seq + excluded.seq
            RETURNING seq - \(count)
            """, as: Int64.self, logger: logger) ?? 0
    }

    /// Per arm: exposures, converted decisions, their value and its squares (per decision).
    public func armTotals(experience: String, site: SiteID, from: Date, to: Date) async throws -> [ArmTotals] {
        try await rows("""
            SELECT CASE WHEN d.control THEN 'control' ELSE d.variant END AS arm, count(*)::bigint AS exposures,
                count(c.decision_id)::bigint AS conversions, coalesce(sum(c.value), 0)::float8 AS revenue,
                coalesce(sum(c.value * c.value), 0)::float8 AS squares
            FROM decisions d
            LEFT JOIN (SELECT decision_id, sum(value) AS value FROM decision_conversions
                       WHERE site_id = \(site.rawValue) AND experience = \(experience) GROUP BY decision_id) c ON c.decision_id = d.decision_id
            WHERE d.site_id = \(site.rawValue) AND d.experience = \(experience) AND NOT d.holdout
                AND d.at >= \(from.seconds) AND d.at < \(to.seconds)
            GROUP BY arm ORDER BY arm NULLS FIRST
            """).map { row in
            ArmTotals(arm: try row.get("arm", as: String?.self) ?? "control", exposures: try row.get("exposures"),
                conversions: try row.get("conversions"), revenue: try row.get("revenue"), revenueSquares: try row.get("squares"))
        }
    }

    /// Per placement and overall: people decided for, converted people and per-person value, by side of the holdout.
    /// Overall, a conversion attributed to decisions of several placements counts once.
    public func valueTotals(site: SiteID, from: Date, to: Date) async throws -> [ValueTotals] {
        let site = site.rawValue, from = from.seconds, to = to.seconds
        let perPlacement = try await rows("""
            WITH person AS (
                SELECT d.placement, d.holdout, d.profile_id, bool_or(c.decision_id IS NOT NULL) AS converted,
                    coalesce(sum(c.value), 0) AS value
                FROM decisions d LEFT JOIN decision_conversions c ON c.site_id = d.site_id AND c.experience = d.experience
                    AND c.decision_id = d.decision_id
                WHERE d.site_id = \(site) AND d.at >= \(from) AND d.at < \(to)
                GROUP BY d.placement, d.holdout, d.profile_id)
            SELECT placement, holdout, count(*)::bigint AS people, count(*) FILTER (WHERE converted)::bigint AS converted,
                coalesce(sum(value), 0)::float8 AS revenue, coalesce(sum(value * value), 0)::float8 AS squares
            FROM person GROUP BY placement, holdout ORDER BY placement, holdout
            """)
        let overall = try await rows("""
            WITH decided AS (
                SELECT DISTINCT profile_id, holdout FROM decisions WHERE site_id = \(site) AND at >= \(from) AND at < \(to)),
            converted AS (
                SELECT profile_id, sum(value) AS value FROM (
                    SELECT DISTINCT c.profile_id, c.message_id, c.value FROM decision_conversions c
                    JOIN decisions d ON d.site_id = c.site_id AND d.decision_id = c.decision_id
                    WHERE d.site_id = \(site) AND d.at >= \(from) AND d.at < \(to)) AS m
                GROUP BY profile_id)
            SELECT p.holdout, count(*)::bigint AS people, count(v.profile_id)::bigint AS converted,
                coalesce(sum(v.value), 0)::float8 AS revenue, coalesce(sum(v.value * v.value), 0)::float8 AS squares
            FROM decided p LEFT JOIN converted v ON v.profile_id = p.profile_id
            GROUP BY p.holdout ORDER BY p.holdout
            """)
        func totals(_ row: PostgresRandomAccessRow, placement: String?) throws -> ValueTotals {
            ValueTotals(placement: placement, holdout: try row.get("holdout"), profiles: try row.get("people"),
                converted: try row.get("converted"), revenue: try row.get("revenue"), revenueSquares: try row.get("squares"))
        }
        return try overall.map { try totals($0, placement: nil) } + perPlacement.map { try totals($0, placement: try $0.get("placement")) }
    }

    /// Every decision of these profiles, oldest first.
    public func decisions(site: SiteID, profiles: [ProfileID]) async throws -> [Decision] {
        guard !profiles.isEmpty else { return [] }
        return try await rows("""
            SELECT \(unescaped: Self.decisionColumns) FROM decisions
            WHERE site_id = \(site.rawValue) AND profile_id = ANY(\(profiles.map(\.rawValue))::text[]) ORDER BY at, decision_id
            """).map(Self.decision)
    }

    /// Decisions made at or after `since`, oldest first, each with whether it converted.
    public func decisions(site: SiteID, since: Date) async throws -> [(decision: Decision, converted: Bool)] {
        try await rows("""
            SELECT \(unescaped: Self.decisionColumns), EXISTS (
                SELECT 1 FROM decision_conversions c WHERE c.site_id = decisions.site_id AND c.experience = decisions.experience
                    AND c.decision_id = decisions.decision_id) AS converted
            FROM decisions WHERE site_id = \(site.rawValue) AND at >= \(since.seconds) ORDER BY at, decision_id
            """).map { row in (try Self.decision(row), try row.get("converted", as: Bool.self)) }
    }

    static let decisionColumns =
        "decision_id, experience, placement, variant, control, holdout, probability, profile_id, at, features"

    static func decision(_ row: PostgresRandomAccessRow) throws -> Decision {
        let features = try row.get("features", as: String?.self).flatMap { try? JSON.parse($0) }?.arrayValue?.compactMap(\.doubleValue) ?? []
        return Decision(
            id: try row.get("decision_id"), experience: try row.get("experience"), placement: try row.get("placement"),
            variant: try row.get("variant"), control: try row.get("control"), holdout: try row.get("holdout"),
            probability: try row.get("probability"), profileID: ProfileID(try row.get("profile_id", as: String.self)),
            at: try row.date("at"), features: features)
    }
}
