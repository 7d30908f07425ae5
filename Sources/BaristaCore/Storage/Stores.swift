import Foundation

/// Sites, their settings and their API keys.
public protocol SiteStore: Sendable {
    /// Creates a site; throws ``BaristaError/conflict(_:)`` when the name is taken.
    func createSite(_ site: Site) async throws
    func sites() async throws -> [Site]
    func updateSettings(_ settings: SiteSettings, site: SiteID) async throws
    func insertKey(_ key: APIKeyRecord) async throws
    /// Every key, revoked ones included.
    func keys() async throws -> [APIKeyRecord]
    /// Revokes the keys whose prefix starts with `prefix`; returns how many.
    func revokeKeys(prefix: String, at: Date) async throws -> Int
}

/// The append-only event log and the identity links, the source of truth of every profile.
public protocol EventStore: Sendable {
    /// Stores new events and identity links in one durable transaction.
    /// - Returns: for each event, its sequence number, or nil when its `message_id` was already stored (a duplicate).
    func append(_ batch: EventAppend) async throws -> [Int64?]
    /// A site's events with `seq > after`, oldest first, at most `limit`.
    func events(site: SiteID, after: Int64, limit: Int) async throws -> [StoredEvent]
    /// Every stored event of these profiles, oldest first.
    func events(site: SiteID, profiles: [ProfileID]) async throws -> [StoredEvent]
    /// The `track` events named `name` with `after < seq ≤ through`, oldest first, at most `limit`,
    /// each as its log position, profile, time and (when `sumProperty` is given) that property's
    /// number: what segment conditions on events are built from, read without decoding events.
    func eventOccurrences(
        site: SiteID, name: String, sumProperty: String?, after: Int64, through: Int64, limit: Int
    ) async throws -> [EventOccurrence]
    /// A site's log after `after`, at most `limit` positions, oldest first, as the `for_you`
    /// trainer reads it (``InteractionRecord``): the same positions as ``events(site:after:limit:)``
    /// without decoding whole events. A store without a leaner read returns
    /// ``interactionRecords(site:after:limit:)``.
    func interactions(site: SiteID, after: Int64, limit: Int) async throws -> [InteractionRecord]
    /// Every identity link of a site.
    func identityLinks(site: SiteID) async throws -> [IdentityLink]
    /// Deletes what is older than `before` (`retention_days`): events the profile and live-model
    /// checkpoints already include (so no replay needs them), the recommendation log, decisions
    /// and conversions, and finished outbox messages. Profiles keep what they folded in.
    func purge(site: SiteID, before: Date) async throws -> PurgeCounts
    /// Removes these profiles' events, identity links and stored state, the outcomes of the
    /// recommendation log that name them, their decisions and conversions, and their outbox messages.
    func erase(site: SiteID, profiles: [ProfileID]) async throws -> ErasureCounts
}

/// Checkpoints of profile state: the fold of the log up to a sequence number.
public protocol ProfileStore: Sendable {
    /// The saved profiles and the log position they include.
    func loadProfiles(site: SiteID) async throws -> (checkpoint: Int64, profiles: [Profile])
    /// Saves changed profiles, deletes removed ones and records the log position, in one transaction.
    func saveProfiles(site: SiteID, changed: [EncodedProfile], removed: [ProfileID], checkpoint: Int64) async throws
}

/// A profile as a checkpoint stores it: its id and its state as JSON text. Encoding is the costly
/// part of a checkpoint, so the engine does it before the checkpoint's turn in the commit order.
public struct EncodedProfile: Sendable, Hashable {
    /// The profile's id.
    public var id: ProfileID
    /// `profile.storageJSON`, serialized.
    public var state: [UInt8]

    /// Encodes `profile`.
    public init(_ profile: Profile) {
        id = profile.id
        state = JSON.serialize(profile.storageJSON)
    }
}

/// A site's catalog.
public protocol CatalogStore: Sendable {
    /// Inserts or replaces items; returns for each whether it was new.
    func upsertItems(_ items: [Item], site: SiteID) async throws -> [Bool]
    /// Deletes an item; returns whether it existed.
    func deleteItem(_ id: ItemID, site: SiteID) async throws -> Bool
    func items(site: SiteID) async throws -> [Item]
}

/// What a retention purge deleted.
public struct PurgeCounts: Sendable, Hashable {
    /// Events deleted from the log.
    public var events: Int
    /// Recommendation impressions and outcomes, decisions and conversions, and finished messages deleted.
    public var derived: Int

    /// Counts of deleted rows.
    public init(events: Int, derived: Int) {
        self.events = events
        self.derived = derived
    }
}

extension EventStore {
    /// ``events(site:after:limit:)``, each event made an ``InteractionRecord``: what a store
    /// without a leaner read answers ``interactions(site:after:limit:)`` with, and what a leaner
    /// read must equal.
    public func interactionRecords(site: SiteID, after: Int64, limit: Int) async throws -> [InteractionRecord] {
        try await events(site: site, after: after, limit: limit).compactMap(InteractionRecord.init)
    }
}

/// One position of the log as the `for_you` trainer reads it: who, a merge, which items, how and when.
public struct InteractionRecord: Sendable, Hashable {
    /// The event's log position.
    public var seq: Int64
    /// The profile it was stored under.
    public var profileID: ProfileID
    /// The profile the event merged into ``profileID``, if any.
    public var mergedProfileID: ProfileID?
    /// The event's name when it is a `track` event, else nil.
    public var name: String?
    /// When it happened, in seconds since 1970.
    public var timestamp: Double
    /// The items it was about: the `product_id` of each of an `Order Completed`'s `products`,
    /// else its `product_id` (ids as ``JSONValue/idString`` reads them; lines without one left out).
    public var items: [String]

    /// A record with every field given.
    public init(seq: Int64, profileID: ProfileID, mergedProfileID: ProfileID?, name: String?, timestamp: Double, items: [String]) {
        self.seq = seq
        self.profileID = profileID
        self.mergedProfileID = mergedProfileID
        self.name = name
        self.timestamp = timestamp
        self.items = items
    }

    /// The record of a stored event; nil before it has a position.
    public init?(_ stored: StoredEvent) {
        guard let seq = stored.seq else { return nil }
        let event = stored.event
        let track = event.kind == .track ? event.name : nil
        self.init(
            seq: seq, profileID: stored.profileID, mergedProfileID: stored.mergedProfileID, name: track,
            timestamp: event.timestamp.timeIntervalSince1970, items: track == nil ? [] : Self.items(of: event.properties, name: track))
    }

    /// The items of a `track` event named `name` with these properties.
    public static func items(of properties: [String: JSONValue], name: String?) -> [String] {
        if name == EventName.orderCompleted {
            return (properties["products"]?.arrayValue ?? []).compactMap { $0["product_id"]?.idString }
        }
        return properties["product_id"]?.idString.map { [$0] } ?? []
    }
}

/// One occurrence of a named event, as a segment's tally counts it.
public struct EventOccurrence: Sendable, Hashable {
    /// The event's log position.
    public var seq: Int64
    /// The profile it was stored under (which may since have been merged into another).
    public var profileID: ProfileID
    /// When it happened.
    public var timestamp: Date
    /// The summed property's number: the property when it is a number or a numeric string; for an
    /// order's `revenue`, its `total`, else the sum of its lines' price × quantity, when `revenue`
    /// is absent; nil otherwise (and when no property was asked for).
    public var value: Double?

    /// An occurrence at log position `seq`.
    public init(seq: Int64, profileID: ProfileID, timestamp: Date, value: Double?) {
        self.seq = seq
        self.profileID = profileID
        self.timestamp = timestamp
        self.value = value
    }
}

/// What a site's people define and Barista keeps as written: segments, quizzes, and later
/// experiences and triggers. Each is a JSON document under a kind and a key.
public protocol DefinitionStore: Sendable {
    /// Inserts or replaces the definition of `definition.kind` and `definition.key`.
    func saveDefinition(_ definition: StoredDefinition, site: SiteID) async throws
    /// Deletes a definition; returns whether it existed.
    func deleteDefinition(kind: String, key: String, site: SiteID) async throws -> Bool
    /// Every definition of one kind, in key order.
    func definitions(kind: String, site: SiteID) async throws -> [StoredDefinition]
}

/// One stored definition: its kind (`segment`, `quiz`, …), key and JSON body.
public struct StoredDefinition: Sendable, Hashable {
    /// What it defines: `segment`, `quiz`, ….
    public var kind: String
    /// The key the API names it by, unique within its kind and site.
    public var key: String
    /// The definition as compact JSON text.
    public var body: String
    /// When it was first created.
    public var createdAt: Date
    /// When it was last changed.
    public var updatedAt: Date

    /// A definition of `kind` under `key`, with its JSON `body` and times.
    public init(kind: String, key: String, body: String, createdAt: Date, updatedAt: Date) {
        self.kind = kind
        self.key = key
        self.body = body
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Everything Barista stores. SQLite and PostgreSQL each implement it, and pass `StoreCompatTests`.
public protocol BaristaStore: SiteStore, EventStore, ProfileStore, CatalogStore, RecommendationStore, DefinitionStore, DecisionStore, OutboxStore {
    /// Whether the store is open and answering.
    func isReady() async -> Bool

    /// Why the store cannot take writes now (its disk is full, it does not answer); nil when it can.
    func notReadyReason() async -> String?

    /// A short step of background upkeep (building indexes off the write path, …), called about
    /// every few seconds by the engine. Returns whether work is left, so a caller may call again soon.
    func performMaintenance() async throws -> Bool
}

extension BaristaStore {
    /// "the store is not answering" when ``isReady()`` is false: what a store that knows no more says.
    public func notReadyReason() async -> String? {
        await isReady() ? nil : "the store is not answering"
    }
}
