import BaristaCore
import Foundation

/// A profile as read at one moment, with the identities and settings needed to show it.
public struct ProfileSnapshot: Sendable {
    /// The profile's state at the moment it was read.
    public var profile: Profile
    /// `user_ids` leading to the profile, in the order they were linked.
    public var userIDs: [String]
    /// `anonymous_ids` leading to the profile, in the order they were linked.
    public var anonymousIDs: [String]
    /// The site's settings at that moment, for the consent defaults and the affinity half-life.
    public var settings: SiteSettings
    /// `predictions` as of the moment it was read.
    public var predictions: ProfilePredictions
    /// `segments`: the keys of the segments the profile belongs to, in key order.
    public var segments: [String]
    /// `persona`: its highest-priority persona segment, if any.
    public var persona: String?
    /// `email_cadence_per_week` and its explanation: the person's learned email cadence; nil while the site has no email data.
    public var emailCadence: (perWeek: Double, explanation: String)?
    /// `rewards`: balance, tier and the next reward, under the site's programme at that moment.
    public var rewards: RewardsStatus?

    /// The 360° view of API.md, as of `now`.
    public func json(at now: Date) -> JSONValue {
        let p = profile
        let intent = p.intentReading(at: now)
        let shares = p.affinities.shares(at: now, halfLife: settings.halfLifeSeconds)
        var affinities: [String: JSONValue] = [:]
        for dimension in AffinityDimension.allCases {
            affinities[dimension.rawValue] = .object((shares[dimension] ?? [:]).mapValues { .number(($0 * 10_000).rounded() / 10_000) })
        }
        return [
            "profile_id": .string(p.id.rawValue),
            "user_ids": .array(userIDs.map(JSONValue.string)),
            "anonymous_ids": .array(anonymousIDs.map(JSONValue.string)),
            "traits": .object(p.traits),
            "consent": p.consent.resolved(with: settings.defaultConsent).json,
            "preferences": p.preferences.json,
            "first_seen": p.firstSeen.map { .string(Timestamp.format($0)) } ?? .null,
            "last_seen": p.lastSeen.map { .string(Timestamp.format($0)) } ?? .null,
            "channels": .array(p.channels.map(JSONValue.string)),
            "affinities": .object(affinities),
            "intent": .string(intent.intent),
            "intent_signals": .array(intent.signals.map(JSONValue.string)),
            "cart": .array(p.cart.map { line in
                ["item_id": .string(line.itemID.rawValue), "quantity": .number(line.quantity),
                    "price": line.price.map(JSONValue.number) ?? .null, "added_at": .string(Timestamp.format(line.addedAt))]
            }),
            "recently_viewed": .array(p.recentlyViewed.map { ["item_id": .string($0.itemID.rawValue), "at": .string(Timestamp.format($0.at))] }),
            "orders": .number(Double(p.orders)),
            "revenue": .number((p.revenue * 100).rounded() / 100),
            "segments": .array(segments.map(JSONValue.string)),
            "persona": persona.map(JSONValue.string) ?? .null,
            "predictions": predictions.json,
            "rewards": (rewards ?? RewardsStatus(ledger: p.rewards, program: nil, now: now)).json,
            "email_cadence_per_week": emailCadence.map { .number(($0.perWeek * 100).rounded() / 100) } ?? .null,
            "email_cadence_reason": emailCadence.map { .string($0.explanation) } ?? .null,
            "preferred_send_hour_utc": p.preferredSendHour.map { .number(Double($0)) } ?? .null,
            "event_counts": .object(p.eventCounts.mapValues { .number(Double($0)) }),
            "recent_events": .array(p.recentEvents.map { e in
                var o: [String: JSONValue] = ["type": .string(e.type), "message_id": .string(e.messageID),
                    "timestamp": .string(Timestamp.format(e.at)), "channel": .string(e.channel), "properties": .object(e.properties)]
                if let name = e.event { o["event"] = .string(name) }
                return .object(o)
            }),
        ]
    }

    /// The short form used in lists.
    public func summaryJSON(at now: Date) -> JSONValue {
        [
            "profile_id": .string(profile.id.rawValue),
            "user_ids": .array(userIDs.map(JSONValue.string)),
            "anonymous_ids": .array(anonymousIDs.map(JSONValue.string)),
            "traits": .object(profile.traits),
            "first_seen": profile.firstSeen.map { .string(Timestamp.format($0)) } ?? .null,
            "last_seen": profile.lastSeen.map { .string(Timestamp.format($0)) } ?? .null,
            "orders": .number(Double(profile.orders)),
            "revenue": .number((profile.revenue * 100).rounded() / 100),
            "intent": .string(profile.intent(at: now)),
            "segments": .array(segments.map(JSONValue.string)),
            "persona": persona.map(JSONValue.string) ?? .null,
        ]
    }
}

/// What an erasure leaves behind: proof it happened.
public struct ErasureReceipt: Sendable {
    /// `profile_id` of the erased profile.
    public var profileID: ProfileID
    /// `events_deleted`: how many events were removed, those of profiles merged into it included.
    public var eventsDeleted: Int
    /// `at`: when the erasure was committed.
    public var at: Date
}

extension Engine {
    /// The profile an id names (profile id, then user id, then anonymous id, unless `by` says which).
    public func profile(_ id: String, by: ProfileLookup? = nil, site: SiteID) async throws -> ProfileSnapshot? {
        let runtime = try await runtime(site)
        return runtime.state.withLock { state in
            guard let profileID = state.lookup(id, by: by) else { return nil }
            return state.snapshot(profileID, now: now())
        }
    }

    /// Lists profiles in id order after `cursor`, matching `query` (an id, or text in the traits) when given.
    public func profiles(site: SiteID, query: String?, after cursor: String?, limit: Int) async throws -> (profiles: [ProfileSnapshot], next: String?) {
        let runtime = try await runtime(site)
        let time = now()
        return runtime.state.withLock { state in
            let needle = query?.lowercased()
            var ids = state.profiles.keys.filter { cursor == nil || $0.rawValue > cursor! }
            ids.sort()
            var page: [ProfileSnapshot] = []
            var more = false
            for id in ids {
                // Match on the stored fields; the snapshot (predictions, cadence) is built only for the page.
                if let needle, !needle.isEmpty, !state.profile(id, matches: needle) { continue }
                if page.count == limit {
                    more = true
                    break
                }
                if let snapshot = state.snapshot(id, now: time) { page.append(snapshot) }
            }
            return (page, more ? page.last?.profile.id.rawValue : nil)
        }
    }

    /// How many profiles a site has.
    public func profileCount(site: SiteID) async throws -> Int {
        try await runtime(site).state.withLock { $0.profiles.count }
    }

    /// Records a consent change (as an event in the log) and returns the profile after it.
    ///
    /// An id no profile has yet starts one: as a `user_id`, or as an `anonymous_id` when `by`
    /// says so (the browser tag records a visitor's consent before anything else).
    public func setConsent(_ consent: Consent, for id: String, by: ProfileLookup? = nil, site: SiteID) async throws -> ProfileSnapshot {
        try await recordProfileChange(.consent, properties: consent.json.objectValue ?? [:], for: id, by: by, site: site)
    }

    /// Records a preferences change (as an event in the log) and returns the profile after it.
    public func setPreferences(_ preferences: Preferences, for id: String, site: SiteID) async throws -> ProfileSnapshot {
        try await recordProfileChange(.preferences, properties: preferences.json.objectValue ?? [:], for: id, site: site)
    }

    private func recordProfileChange(
        _ kind: Event.Kind, properties: [String: JSONValue], for id: String, by: ProfileLookup? = nil, site: SiteID
    ) async throws -> ProfileSnapshot {
        let runtime = try await runtime(site)
        let existing = runtime.state.withLock { $0.lookup(id, by: by) }
        let time = now()
        let anonymous = existing == nil && by == .anonymousID
        let event = Event(
            kind: kind, userID: existing == nil && !anonymous ? id : nil, anonymousID: anonymous ? id : nil,
            messageID: kind.rawValue + "-" + RandomID.string(length: 24),
            timestamp: time, receivedAt: time, properties: properties, context: ["channel": "api"])
        let results = try await ingest([IngestItem(event: event, fixedProfile: existing)], runtime: runtime)
        let profileID = results[0].profileID
        guard let snapshot = runtime.state.withLock({ $0.snapshot(profileID, now: now()) }) else {
            throw BaristaError.notFound("profile \(id) was erased meanwhile")
        }
        return snapshot
    }

    /// Erases a person: profile, identities, events and derived state. Returns nil when the id is unknown.
    public func erase(_ id: String, by: ProfileLookup? = nil, site: SiteID) async throws -> ErasureReceipt? {
        let runtime = try await runtime(site)
        guard let profileID = runtime.state.withLock({ $0.lookup(id, by: by) }) else { return nil }
        guard case .erased(let counts) = try await committer.submit(.erase(runtime, profileID)) else {
            preconditionFailure("an erase commit answered with another output")
        }
        await announce(ClusterChange(site: site, kind: .erased, keys: [profileID.rawValue]))
        logger.info("profile erased", metadata: ["site.id": "\(site)", "profile.id": "\(profileID)", "events": "\(counts.events)"])
        return ErasureReceipt(profileID: profileID, eventsDeleted: counts.events, at: now())
    }

    /// Every decision made for a person (including profiles merged into it), oldest first.
    public func decisions(of profile: ProfileID, site: SiteID) async throws -> [Decision] {
        let runtime = try await runtime(site)
        try await flushDecisionLog()
        let ids = runtime.state.withLock { [profile] + $0.identities.ids(of: profile, kind: .profile).map { ProfileID($0) } }
        return try await store.decisions(site: site, profiles: ids)
    }

    /// Every stored event of a person (including those of profiles merged into it), oldest first.
    public func events(of profile: ProfileID, site: SiteID) async throws -> [StoredEvent] {
        let runtime = try await runtime(site)
        let ids = runtime.state.withLock { [profile] + $0.identities.ids(of: profile, kind: .profile).map { ProfileID($0) } }
        return try await store.events(site: site, profiles: ids)
    }
}

extension SiteState {
    func snapshot(_ id: ProfileID, now: Date) -> ProfileSnapshot? {
        guard let profile = profiles[id] else { return nil }
        return ProfileSnapshot(
            profile: profile, userIDs: identities.ids(of: id, kind: .user), anonymousIDs: identities.ids(of: id, kind: .anonymous),
            settings: site.settings, predictions: profileModels?.predictions(for: profile, now: now) ?? ProfilePredictions(),
            segments: segmentKeys(of: id), persona: persona(of: id),
            emailCadence: profileModels?.cadence(for: profile, cap: site.settings.emailFrequencyCapPerWeek),
            rewards: RewardsStatus(ledger: profile.rewards, program: rewards.program, now: now))
    }
}

extension SiteState {
    /// Whether `needle` (lowercased) is in the profile's id, one of its user or anonymous ids, or a string trait.
    func profile(_ id: ProfileID, matches needle: String) -> Bool {
        guard let profile = profiles[id] else { return false }
        if id.rawValue.lowercased().contains(needle) { return true }
        for kind in [IdentityKind.user, .anonymous] where identities.ids(of: id, kind: kind).contains(where: { $0.lowercased().contains(needle) }) {
            return true
        }
        return profile.traits.values.contains { value in
            if case .string(let s) = value { return s.lowercased().contains(needle) }
            return false
        }
    }
}
