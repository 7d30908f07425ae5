import BaristaCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Applies outbox changes in order, in one transaction.
    public func applyOutbox(_ changes: [OutboxChange], site: SiteID) async throws {
        guard !changes.isEmpty else { return }
        let site = site.rawValue, logger = self.logger
        try await client.withTransaction(logger: logger) { transaction in
            for change in changes {
                switch change {
                case .schedule(let message):
                    try await Self.insert(message, site: site, into: transaction, logger: logger)
                case .reschedule(let m):
                    try await transaction.execute("""
                        UPDATE outbox SET due_at = \(m.dueAt.seconds), scheduled_for = \(m.scheduledFor.seconds), items = \(Self.itemsText(m.items)),
                            updated_at = \(m.updatedAt.seconds)
                        WHERE site_id = \(site) AND message_id = \(m.id) AND status = 'scheduled' AND due_at <= \(m.dueAt.seconds)
                        """, logger: logger)
                    try await Self.insert(m, site: site, into: transaction, logger: logger)
                case .cancel(let trigger, let profile, let reason, let at):
                    try await transaction.execute("""
                        UPDATE outbox SET status = 'cancelled', last_error = \(reason), updated_at = \(at.seconds)
                        WHERE site_id = \(site) AND status = 'scheduled'
                            AND (\(trigger)::text IS NULL OR trigger_key = \(trigger))
                            AND (\(profile?.rawValue)::text IS NULL OR profile_id = \(profile?.rawValue))
                        """, logger: logger)
                case .reassign(let from, let to):
                    try await transaction.execute("""
                        UPDATE outbox SET profile_id = \(to.rawValue)
                        WHERE site_id = \(site) AND profile_id = \(from.rawValue) AND status IN ('scheduled', 'retrying', 'ready')
                        """, logger: logger)
                case .update(let m):
                    try await transaction.execute("""
                        UPDATE outbox SET status = \(m.status.rawValue), due_at = \(m.dueAt.seconds), attempts = \(m.attempts),
                            last_error = \(m.lastError), body = \(m.body), updated_at = \(m.updatedAt.seconds),
                            delivered_at = \(m.deliveredAt?.seconds)
                        WHERE site_id = \(site) AND message_id = \(m.id)
                        """, logger: logger)
                }
            }
        }
    }

    private static func insert(_ m: OutboxMessage, site: String, into transaction: PostgresConnection, logger: Logger) async throws {
        try await transaction.execute("""
            INSERT INTO outbox (site_id, message_id, trigger_key, channel, profile_id, status, due_at, scheduled_for, items,
                attempts, last_error, body, created_at, updated_at, delivered_at)
            VALUES (\(site), \(m.id), \(m.trigger), \(m.channel), \(m.profileID.rawValue), \(m.status.rawValue), \(m.dueAt.seconds),
                \(m.scheduledFor.seconds), \(itemsText(m.items)), \(m.attempts), \(m.lastError), \(m.body), \(m.createdAt.seconds),
                \(m.updatedAt.seconds), \(m.deliveredAt?.seconds))
            ON CONFLICT (site_id, message_id) DO NOTHING
            """, logger: logger)
    }

    private static func itemsText(_ items: [ItemID]) -> String {
        JSON.string(.array(items.map { .string($0.rawValue) }))
    }

    private static let columns = """
        message_id, trigger_key, channel, profile_id, status, due_at, scheduled_for, items, attempts, last_error, body,
        created_at, updated_at, delivered_at
        """

    private static func message(_ row: PostgresRandomAccessRow) throws -> OutboxMessage {
        let itemsText: String = try row.get("items")
        let items = ((try? JSON.parse(Array(itemsText.utf8)))?.arrayValue ?? []).compactMap { $0.stringValue.map { ItemID($0) } }
        return OutboxMessage(
            id: try row.get("message_id"), trigger: try row.get("trigger_key"), channel: try row.get("channel"),
            profileID: ProfileID(try row.get("profile_id", as: String.self)),
            status: MessageStatus(rawValue: try row.get("status")) ?? .dead, dueAt: try row.date("due_at"),
            scheduledFor: try row.date("scheduled_for"), items: items, attempts: try row.get("attempts"),
            lastError: try row.get("last_error"), body: try row.get("body"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"),
            deliveredAt: try row.get("delivered_at", as: Double?.self).map { Date(timeIntervalSince1970: $0) })
    }

    /// The pending messages due at `now`, earliest first.
    public func dueMessages(site: SiteID, now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await rows("""
            SELECT \(unescaped: Self.columns) FROM outbox
            WHERE site_id = \(site.rawValue) AND status IN ('scheduled', 'retrying') AND due_at <= \(now.seconds)
            ORDER BY due_at, message_id LIMIT \(limit)
            """).map(Self.message)
    }

    /// The in-app messages waiting to be shown.
    public func readyMessages(site: SiteID) async throws -> [OutboxMessage] {
        try await rows("""
            SELECT \(unescaped: Self.columns) FROM outbox WHERE site_id = \(site.rawValue) AND status = 'ready' ORDER BY message_id
            """).map(Self.message)
    }

    /// One message by id.
    public func message(_ id: String, site: SiteID) async throws -> OutboxMessage? {
        try await rows("""
            SELECT \(unescaped: Self.columns) FROM outbox WHERE site_id = \(site.rawValue) AND message_id = \(id)
            """).first.map(Self.message)
    }

    /// Messages newest first, optionally of one status, before the cursor id.
    /// - Throws: ``BaristaError`` on `cursor` when it is not one this list gave.
    public func messages(site: SiteID, status: MessageStatus?, before cursor: String?, limit: Int) async throws -> [OutboxMessage] {
        var time: Double?
        var id: String?
        if let cursor {
            let parts = cursor.split(separator: "~", maxSplits: 1)
            guard parts.count == 2, let seconds = Double(parts[0]) else { throw BaristaError.invalid("cursor", "is not a cursor this list gave") }
            time = seconds
            id = String(parts[1])
        }
        return try await rows("""
            SELECT \(unescaped: Self.columns) FROM outbox
            WHERE site_id = \(site.rawValue) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                AND (\(time)::float8 IS NULL OR created_at < \(time) OR (created_at = \(time) AND message_id < \(id)))
            ORDER BY created_at DESC, message_id DESC LIMIT \(limit)
            """).map(Self.message)
    }

    /// When the person's messages on `channel` were delivered since `since`, oldest first.
    public func deliveries(site: SiteID, profile: ProfileID, channel: String, since: Date) async throws -> [Date] {
        try await rows("""
            SELECT delivered_at FROM outbox
            WHERE site_id = \(site.rawValue) AND profile_id = \(profile.rawValue) AND channel = \(channel) AND status = 'delivered'
                AND delivered_at >= \(since.seconds)
            ORDER BY delivered_at
            """).map { try $0.date("delivered_at") }
    }
}
