import BaristaCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Applies outbox changes in order, in one transaction.
    public func applyOutbox(_ changes: [OutboxChange], site: SiteID) async throws {
        guard !changes.isEmpty else { return }
        try await writer.write { db in
            for change in changes {
                switch change {
                case .schedule(let message):
                    try Self.insert(message, site: site, db: db)
                case .reschedule(let message):
                    try db.execute(
                        sql: """
                            UPDATE outbox SET due_at = ?, scheduled_for = ?, items = ?, updated_at = ?
                            WHERE site_id = ? AND message_id = ? AND status = 'scheduled' AND due_at <= ?
                            """,
                        arguments: [message.dueAt.timeIntervalSince1970, message.scheduledFor.timeIntervalSince1970, Self.itemsText(message.items),
                            message.updatedAt.timeIntervalSince1970, site.rawValue, message.id, message.dueAt.timeIntervalSince1970])
                    try Self.insert(message, site: site, db: db)
                case .cancel(let trigger, let profile, let reason, let at):
                    var sql = "UPDATE outbox SET status = 'cancelled', last_error = ?, updated_at = ? WHERE site_id = ? AND status = 'scheduled'"
                    var arguments: StatementArguments = [reason, at.timeIntervalSince1970, site.rawValue]
                    if let trigger {
                        sql += " AND trigger_key = ?"
                        arguments += [trigger]
                    }
                    if let profile {
                        sql += " AND profile_id = ?"
                        arguments += [profile.rawValue]
                    }
                    try db.execute(sql: sql, arguments: arguments)
                case .reassign(let from, let to):
                    try db.execute(
                        sql: "UPDATE outbox SET profile_id = ? WHERE site_id = ? AND profile_id = ? AND status IN ('scheduled', 'retrying', 'ready')",
                        arguments: [to.rawValue, site.rawValue, from.rawValue])
                case .update(let m):
                    try db.execute(
                        sql: """
                            UPDATE outbox SET status = ?, due_at = ?, attempts = ?, last_error = ?, body = ?, updated_at = ?, delivered_at = ?
                            WHERE site_id = ? AND message_id = ?
                            """,
                        arguments: [m.status.rawValue, m.dueAt.timeIntervalSince1970, m.attempts, m.lastError, m.body,
                            m.updatedAt.timeIntervalSince1970, m.deliveredAt?.timeIntervalSince1970, site.rawValue, m.id])
                }
            }
        }
    }

    private static func insert(_ m: OutboxMessage, site: SiteID, db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO outbox (site_id, message_id, trigger_key, channel, profile_id, status, due_at, scheduled_for, items,
                    attempts, last_error, body, created_at, updated_at, delivered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [site.rawValue, m.id, m.trigger, m.channel, m.profileID.rawValue, m.status.rawValue, m.dueAt.timeIntervalSince1970,
                m.scheduledFor.timeIntervalSince1970, itemsText(m.items), m.attempts, m.lastError, m.body, m.createdAt.timeIntervalSince1970,
                m.updatedAt.timeIntervalSince1970, m.deliveredAt?.timeIntervalSince1970])
    }

    private static func itemsText(_ items: [ItemID]) -> String {
        JSON.string(.array(items.map { .string($0.rawValue) }))
    }

    private static func message(_ row: Row) -> OutboxMessage {
        let itemsText: String = row["items"]
        let items = ((try? JSON.parse(Array(itemsText.utf8)))?.arrayValue ?? []).compactMap { $0.stringValue.map { ItemID($0) } }
        return OutboxMessage(
            id: row["message_id"], trigger: row["trigger_key"], channel: row["channel"], profileID: ProfileID(row["profile_id"] as String),
            status: MessageStatus(rawValue: row["status"]) ?? .dead, dueAt: Date(timeIntervalSince1970: row["due_at"]),
            scheduledFor: Date(timeIntervalSince1970: row["scheduled_for"]), items: items, attempts: row["attempts"], lastError: row["last_error"],
            body: row["body"], createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            deliveredAt: (row["delivered_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }

    /// The pending messages due at `now`, earliest first.
    public func dueMessages(site: SiteID, now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT * FROM outbox WHERE site_id = ? AND status IN ('scheduled', 'retrying') AND due_at <= ?
                    ORDER BY due_at, message_id LIMIT ?
                    """,
                arguments: [site.rawValue, now.timeIntervalSince1970, limit]
            ).map(Self.message)
        }
    }

    /// The in-app messages waiting to be shown.
    public func readyMessages(site: SiteID) async throws -> [OutboxMessage] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE site_id = ? AND status = 'ready' ORDER BY message_id", arguments: [site.rawValue])
                .map(Self.message)
        }
    }

    /// One message by id.
    public func message(_ id: String, site: SiteID) async throws -> OutboxMessage? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE site_id = ? AND message_id = ?", arguments: [site.rawValue, id]).map(Self.message)
        }
    }

    /// Messages newest first, optionally of one status, before the cursor id.
    public func messages(site: SiteID, status: MessageStatus?, before cursor: String?, limit: Int) async throws -> [OutboxMessage] {
        try await writer.read { db in
            var sql = "SELECT * FROM outbox WHERE site_id = ?"
            var arguments: StatementArguments = [site.rawValue]
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            if let cursor {
                let parts = cursor.split(separator: "~", maxSplits: 1)
                guard parts.count == 2, let time = Double(parts[0]) else { throw BaristaError.invalid("cursor", "is not a cursor this list gave") }
                sql += " AND (created_at < ? OR (created_at = ? AND message_id < ?))"
                arguments += [time, time, String(parts[1])]
            }
            sql += " ORDER BY created_at DESC, message_id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.message)
        }
    }

    /// When the person's messages on `channel` were delivered since `since`, oldest first.
    public func deliveries(site: SiteID, profile: ProfileID, channel: String, since: Date) async throws -> [Date] {
        try await writer.read { db in
            try Double.fetchAll(
                db, sql: """
                    SELECT delivered_at FROM outbox
                    WHERE site_id = ? AND profile_id = ? AND channel = ? AND status = 'delivered' AND delivered_at >= ?
                    ORDER BY delivered_at
                    """,
                arguments: [site.rawValue, profile.rawValue, channel, since.timeIntervalSince1970]
            ).map { Date(timeIntervalSince1970: $0) }
        }
    }
}
