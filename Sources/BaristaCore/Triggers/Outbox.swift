import Foundation

/// One message in the outbox: scheduled by a trigger, then delivered, cancelled, suppressed or dead-lettered.
///
/// Its id is derived from what caused it (the trigger, the person and the event, year or purchase
/// history that fired it), so replaying the log after a crash schedules the same message again
/// rather than a second one, and a receiver can drop repeats of a delivery by `message_id`.
public struct OutboxMessage: Sendable, Hashable {
    /// `message_id`: stable across retries.
    public var id: String
    /// The trigger's key.
    public var trigger: String
    /// `email` or `in_app`.
    public var channel: String
    /// The person it is for.
    public var profileID: ProfileID
    /// Where it stands.
    public var status: MessageStatus
    /// When it is (next) due: the send time while scheduled, the next attempt while retrying.
    public var dueAt: Date
    /// The due time it was first given (delays for quiet hours and cadence count from it).
    public var scheduledFor: Date
    /// The items that triggered it (the products of an order, the viewed item whose price fell), newest first.
    public var items: [ItemID]
    /// Delivery attempts made.
    public var attempts: Int
    /// Why the last attempt failed, or why it was suppressed or cancelled.
    public var lastError: String?
    /// The delivered body, fixed at the first attempt so retries send the same bytes; nil before.
    public var body: String?
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// When a receiver accepted it (or the person was shown it, in app).
    public var deliveredAt: Date?

    /// A message with every field given.
    public init(
        id: String, trigger: String, channel: String, profileID: ProfileID, status: MessageStatus, dueAt: Date, scheduledFor: Date? = nil,
        items: [ItemID] = [], attempts: Int = 0, lastError: String? = nil, body: String? = nil, createdAt: Date, updatedAt: Date? = nil,
        deliveredAt: Date? = nil
    ) {
        self.id = id
        self.trigger = trigger
        self.channel = channel
        self.profileID = profileID
        self.status = status
        self.dueAt = dueAt
        self.scheduledFor = scheduledFor ?? dueAt
        self.items = items
        self.attempts = attempts
        self.lastError = lastError
        self.body = body
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.deliveredAt = deliveredAt
    }

    /// The id of the message `trigger` schedules for `profile` because of `cause` (stable: the same
    /// inputs always give the same id, on every node and after every restart).
    public static func id(trigger: String, profile: ProfileID, cause: String) -> String {
        let hash = StableHash.fnv1a("outbox", trigger, profile.rawValue, cause)
        return "msg_" + Hex.encode((0..<8).reversed().map { UInt8(truncatingIfNeeded: hash >> ($0 * 8)) })
    }

    /// The position of this message in the newest-first list, as an opaque cursor.
    public var cursor: String { "\(createdAt.timeIntervalSince1970)~\(id)" }

    /// The API form (`GET /v1/messages`).
    public var json: JSONValue {
        [
            "message_id": .string(id), "trigger": .string(trigger), "channel": .string(channel), "profile_id": .string(profileID.rawValue),
            "status": .string(status.rawValue), "attempts": .number(Double(attempts)), "last_error": lastError.map(JSONValue.string) ?? .null,
            "due_at": .string(Timestamp.format(dueAt)), "scheduled_for": .string(Timestamp.format(scheduledFor)),
            "items": .array(items.map { .string($0.rawValue) }),
            "created_at": .string(Timestamp.format(createdAt)), "updated_at": .string(Timestamp.format(updatedAt)),
            "delivered_at": deliveredAt.map { .string(Timestamp.format($0)) } ?? .null,
        ]
    }
}

/// Where an outbox message stands.
public enum MessageStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its due time; its cancelling event cancels it.
    case scheduled
    /// A delivery failed; it is tried again at its due time.
    case retrying
    /// An in-app message waiting for the person's next `POST /v1/decide` of the `in_app` placement.
    case ready
    /// The receiver accepted it (2xx), or the person was shown it.
    case delivered
    /// Its cancelling event came first, or its trigger was paused or deleted.
    case cancelled
    /// Not sent: no consent, no email address, an unsubscribe, or no room in the person's cadence in time.
    case suppressed
    /// Every attempt failed: kept for inspection, never retried.
    case dead

    /// Whether the scheduler still has something to do with it.
    public var isPending: Bool { self == .scheduled || self == .retrying }
}

/// One change to the outbox, applied in order with the others of a flush.
public enum OutboxChange: Sendable, Hashable {
    /// Adds a message unless one with its id exists.
    case schedule(OutboxMessage)
    /// Moves a still-scheduled message to a later due time with these items (a repeat of its event:
    /// another item added to the abandoned cart); adds it when no message has its id.
    case reschedule(OutboxMessage)
    /// Cancels the scheduled messages of `trigger` (every trigger when nil) for `profile` (everyone when nil).
    case cancel(trigger: String?, profile: ProfileID?, reason: String, at: Date)
    /// Moves the pending messages of a merged-away profile to the one it was merged into.
    case reassign(from: ProfileID, to: ProfileID)
    /// Replaces a message's state after an attempt (status, attempts, error, due time, body, delivery time).
    case update(OutboxMessage)
}

/// The durable outbox of triggered messages.
public protocol OutboxStore: Sendable {
    /// Applies changes in order, in one transaction.
    func applyOutbox(_ changes: [OutboxChange], site: SiteID) async throws
    /// The pending (scheduled or retrying) messages due at `now`, earliest first, at most `limit`.
    func dueMessages(site: SiteID, now: Date, limit: Int) async throws -> [OutboxMessage]
    /// The messages waiting in app (`ready`), for loading a site.
    func readyMessages(site: SiteID) async throws -> [OutboxMessage]
    /// One message by id.
    func message(_ id: String, site: SiteID) async throws -> OutboxMessage?
    /// Messages newest first (by creation, then id), optionally of one status, after the given
    /// ``OutboxMessage/cursor``, at most `limit`. A malformed cursor is a 422 on `cursor`.
    func messages(site: SiteID, status: MessageStatus?, before cursor: String?, limit: Int) async throws -> [OutboxMessage]
    /// The delivery times of the person's delivered messages on `channel` since `since`, oldest first.
    func deliveries(site: SiteID, profile: ProfileID, channel: String, since: Date) async throws -> [Date]
}
