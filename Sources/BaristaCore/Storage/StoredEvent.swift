import Foundation

/// An event as the log holds it: the event, the profile it was applied to, and its place in the log.
public struct StoredEvent: Sendable, Hashable {
    /// The position in the log, increasing with every commit (nil before it is stored).
    public var seq: Int64?
    /// The site whose log holds the event.
    public var siteID: SiteID
    /// The profile the event was applied to when it was accepted.
    public var profileID: ProfileID
    /// When accepting this event merged another profile into ``profileID``: that profile.
    public var mergedProfileID: ProfileID?
    /// The event as accepted, normalised.
    public var event: Event
    /// The event's stored text (`JSON.string(event.json)`), when the caller already made it:
    /// encoding happens on the request's thread so the single committer does not do it.
    public var body: String?

    /// A log entry; `seq` stays nil until the store assigns it, `body` nil unless already encoded.
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
    /// A `user_id` or an `anonymous_id`, as events carry them.
    case user, anonymous
    /// A profile id merged away, pointing at the survivor.
    case profile
}

/// One id → profile link.
public struct IdentityLink: Sendable, Hashable {
    /// Which kind of id ``value`` is.
    public var kind: IdentityKind
    /// The id itself: a `user_id`, an `anonymous_id`, or a merged-away `profile_id`.
    public var value: String
    /// The profile the id leads to.
    public var profileID: ProfileID

    /// A link from `value`, an id of `kind`, to `profileID`.
    public init(kind: IdentityKind, value: String, profileID: ProfileID) {
        self.kind = kind
        self.value = value
        self.profileID = profileID
    }
}

/// One commit of the ingestion pipeline: new events and the identity links they created or moved.
public struct EventAppend: Sendable {
    /// The site whose log receives the events and links.
    public var site: SiteID
    /// The events to store, in order; one whose `message_id` is already stored is skipped as a duplicate.
    public var events: [StoredEvent]
    /// Links to insert or re-point (a merge re-points every id of the profile merged away).
    public var links: [IdentityLink]

    /// One commit's events and identity links for `site`.
    public init(site: SiteID, events: [StoredEvent], links: [IdentityLink]) {
        self.site = site
        self.events = events
        self.links = links
    }
}

/// What an erasure removed.
public struct ErasureCounts: Sendable, Hashable {
    /// How many events were deleted.
    public var events: Int
    /// How many identity links were deleted.
    public var identities: Int
    /// Counts of erased events and identity links.
    public init(events: Int, identities: Int) {
        self.events = events
        self.identities = identities
    }
}
