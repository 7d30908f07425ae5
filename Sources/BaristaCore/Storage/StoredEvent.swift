import Foundation

/// An event as the log holds it: the event, the profile it was applied to, and its place in the log.
public struct StoredEvent: Sendable, Hashable {
    /// The position in the log, increasing with every commit (nil before it is stored).
    public var seq: Int64?
    public var siteID: SiteID
    /// The profile the event was applied to when it was accepted.
    public var profileID: ProfileID
    /// When accepting this event merged another profile into ``profileID``: that profile.
    public var mergedProfileID: ProfileID?
    public var event: Event
    /// The event's stored text (`JSON.string(event.json)`), when the caller already made it:
    /// encoding happens on the request's thread so the single committer does not do it.
    public var body: String?

    public init(seq: Int64? = nil, siteID: SiteID, profileID: ProfileID, mergedProfileID: ProfileID? = nil, event: Event, body: String? = nil) {
        self.seq = seq
        self.siteID = siteID
        self.profileID = profileID
        self.mergedProfileID = mergedProfileID
        self.event = event
        self.body = body
    }
}

/// The kinds of id that lead to a profile.
public enum IdentityKind: String, Sendable, Hashable, Codable {
    case user, anonymous
    /// A profile id merged away, pointing at the survivor.
    case profile
}

/// One id → profile link.
public struct IdentityLink: Sendable, Hashable {
    public var kind: IdentityKind
    public var value: String
    public var profileID: ProfileID

    public init(kind: IdentityKind, value: String, profileID: ProfileID) {
        self.kind = kind
        self.value = value
        self.profileID = profileID
    }
}

/// One commit of the ingestion pipeline: new events and the identity links they created or moved.
public struct EventAppend: Sendable {
    public var site: SiteID
    public var events: [StoredEvent]
    /// Links to insert or re-point (a merge re-points every id of the profile merged away).
    public var links: [IdentityLink]

    public init(site: SiteID, events: [StoredEvent], links: [IdentityLink]) {
        self.site = site
        self.events = events
        self.links = links
    }
}

/// What an erasure removed.
public struct ErasureCounts: Sendable, Hashable {
    public var events: Int
    public var identities: Int
    public init(events: Int, identities: Int) {
        self.events = events
        self.identities = identities
    }
}
