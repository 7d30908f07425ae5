import BaristaCore

/// Which profile each user id, anonymous id and merged-away profile id leads to.
///
/// Resolution follows Segment's rules with one guard: a profile never takes a second user id
/// implicitly (a shared device does not merge two people); only an explicit `alias` merges known people.
public struct IdentityIndex: Sendable {
    struct Key: Hashable, Sendable {
        var kind: IdentityKind
        var value: String
    }

    private(set) var forward: [Key: ProfileID] = [:]
    private(set) var byProfile: [ProfileID: [Key]] = [:]

    /// An index holding `links`, as the store returns them; empty by default.
    public init(links: [IdentityLink] = []) {
        for link in links { set(Key(kind: link.kind, value: link.value), link.profileID) }
    }

    /// The profile an id of `kind` leads to.
    public func profile(_ kind: IdentityKind, _ value: String) -> ProfileID? {
        forward[Key(kind: kind, value: value)]
    }

    /// The ids of `kind` that lead to `profile`, in the order they were linked.
    public func ids(of profile: ProfileID, kind: IdentityKind) -> [String] {
        (byProfile[profile] ?? []).filter { $0.kind == kind }.map(\.value)
    }

    /// Whether `profile` exists (has at least one id or was created).
    public func contains(_ profile: ProfileID) -> Bool { byProfile[profile] != nil }

    /// Every live profile id.
    var profileIDs: Dictionary<ProfileID, [Key]>.Keys { byProfile.keys }

    mutating func set(_ key: Key, _ profile: ProfileID) {
        if let old = forward[key] {
            if old == profile { return }
            byProfile[old]?.removeAll { $0 == key }
        }
        forward[key] = profile
        byProfile[profile, default: []].append(key)
    }

    /// Removes the id `key` wherever it leads.
    mutating func unset(_ key: Key) {
        guard let old = forward.removeValue(forKey: key) else { return }
        byProfile[old]?.removeAll { $0 == key }
    }

    /// Brings ids and profiles in line with the store, when other nodes may have linked them.
    ///
    /// `links` are what the store holds for the ids `keys` and for `profiles` (every link of each,
    /// and of the profiles the ids lead to): an asked id the store lacks was erased; an id this
    /// index gives one of those profiles that the store does not was re-pointed or erased; a
    /// profile the store redirects (a `profile` link from it) was merged away.
    mutating func adopt(_ links: [IdentityLink], keys: [IdentityLink.Key], profiles: [ProfileID]) {
        let stored = Set(links.map { Key(kind: $0.kind, value: $0.value) })
        for key in keys.lazy.map({ Key(kind: $0.kind, value: $0.value) }) where !stored.contains(key) { unset(key) }
        var involved = Set(profiles)
        for link in links { involved.insert(link.profileID) }
        for profile in involved {
            for key in byProfile[profile] ?? [] where !stored.contains(key) { unset(key) }
        }
        for link in links { set(Key(kind: link.kind, value: link.value), link.profileID) }
        for link in links where link.kind == .profile {
            let loser = ProfileID(link.value)
            if byProfile[loser]?.isEmpty ?? false { byProfile[loser] = nil }
        }
    }

    /// The ids an event names, which its resolution reads.
    static func keys(of event: Event) -> [IdentityLink.Key] {
        var keys: [IdentityLink.Key] = []
        if let user = event.userID { keys.append(IdentityLink.Key(kind: .user, value: user)) }
        if let anonymous = event.anonymousID { keys.append(IdentityLink.Key(kind: .anonymous, value: anonymous)) }
        if event.kind == .alias, let previous = event.previousID {
            keys.append(IdentityLink.Key(kind: .user, value: previous))
            keys.append(IdentityLink.Key(kind: .anonymous, value: previous))
        }
        return keys
    }

    /// Registers a profile that has no ids yet (one created from a profile-id path).
    mutating func register(_ profile: ProfileID) {
        if byProfile[profile] == nil { byProfile[profile] = [] }
    }

    /// Removes a profile and every id leading to it; returns the profile ids merged into it earlier.
    mutating func remove(_ profile: ProfileID) -> [ProfileID] {
        let keys = byProfile.removeValue(forKey: profile) ?? []
        for key in keys { forward[key] = nil }
        return keys.filter { $0.kind == .profile }.map { ProfileID($0.value) }
    }

    /// The outcome of resolving one event.
    public struct Resolution: Sendable {
        /// The profile the event applies to.
        public var profileID: ProfileID
        /// The profile this event merged into ``profileID``; nil when it merged none.
        public var mergedProfileID: ProfileID?
        /// The identity links the event created or re-pointed, to be stored with it.
        public var links: [IdentityLink]
    }

    /// Finds (or creates) the profile of `event`, linking and merging as the event implies.
    mutating func resolve(_ event: Event, fixed: ProfileID? = nil) -> Resolution {
        var links: [IdentityLink] = []
        func link(_ kind: IdentityKind, _ value: String, _ profile: ProfileID) {
            let key = Key(kind: kind, value: value)
            guard forward[key] != profile else { return }
            set(key, profile)
            links.append(IdentityLink(kind: kind, value: value, profileID: profile))
        }
        if let fixed {
            register(fixed)
            return Resolution(profileID: fixed, mergedProfileID: nil, links: [])
        }
        if event.kind == .alias, let userID = event.userID, let previous = event.previousID {
            let previousProfile = profile(.user, previous) ?? profile(.anonymous, previous)
            let survivor = profile(.user, userID)
            switch (survivor, previousProfile) {
            case (let s?, let p?) where s != p:
                let merged = merge(p, into: s, links: &links)
                return Resolution(profileID: s, mergedProfileID: merged, links: links)
            case (let s?, _):
                if previousProfile == nil { link(.anonymous, previous, s) }
                return Resolution(profileID: s, mergedProfileID: nil, links: links)
            case (nil, let p?):
                link(.user, userID, p)
                return Resolution(profileID: p, mergedProfileID: nil, links: links)
            case (nil, nil):
                let created = ProfileID.generate()
                register(created)
                link(.user, userID, created)
                link(.anonymous, previous, created)
                return Resolution(profileID: created, mergedProfileID: nil, links: links)
            }
        }
        let byUser = event.userID.flatMap { profile(.user, $0) }
        let byAnonymous = event.anonymousID.flatMap { profile(.anonymous, $0) }
        switch (byUser, byAnonymous) {
        case (let u?, nil):
            if let anonymous = event.anonymousID { link(.anonymous, anonymous, u) }
            return Resolution(profileID: u, mergedProfileID: nil, links: links)
        case (nil, let a?):
            if let userID = event.userID {
                if ids(of: a, kind: .user).isEmpty {
                    link(.user, userID, a)
                } else {
                    // The anonymous id belongs to someone else (a shared device): a new person, and
                    // the device's id follows whoever uses it now.
                    let created = ProfileID.generate()
                    register(created)
                    link(.user, userID, created)
                    link(.anonymous, event.anonymousID!, created)
                    return Resolution(profileID: created, mergedProfileID: nil, links: links)
                }
            }
            return Resolution(profileID: a, mergedProfileID: nil, links: links)
        case (let u?, let a?) where u != a:
            if ids(of: a, kind: .user).isEmpty {
                let merged = merge(a, into: u, links: &links)
                return Resolution(profileID: u, mergedProfileID: merged, links: links)
            }
            link(.anonymous, event.anonymousID!, u)
            return Resolution(profileID: u, mergedProfileID: nil, links: links)
        case (let u?, _?):
            return Resolution(profileID: u, mergedProfileID: nil, links: links)
        case (nil, nil):
            let created = ProfileID.generate()
            register(created)
            if let userID = event.userID { link(.user, userID, created) }
            if let anonymous = event.anonymousID { link(.anonymous, anonymous, created) }
            return Resolution(profileID: created, mergedProfileID: nil, links: links)
        }
    }

    /// Re-points every id of `loser` to `survivor` and remembers `loser` as a redirect.
    private mutating func merge(_ loser: ProfileID, into survivor: ProfileID, links: inout [IdentityLink]) -> ProfileID {
        for key in byProfile[loser] ?? [] {
            set(key, survivor)
            links.append(IdentityLink(kind: key.kind, value: key.value, profileID: survivor))
        }
        byProfile[loser] = nil
        let redirect = Key(kind: .profile, value: loser.rawValue)
        set(redirect, survivor)
        links.append(IdentityLink(kind: .profile, value: loser.rawValue, profileID: survivor))
        return loser
    }
}
