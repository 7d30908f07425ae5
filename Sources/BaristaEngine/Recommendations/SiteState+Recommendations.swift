import BaristaCore
import BaristaModels
import Foundation

extension SiteState {
    /// The profile a request names and its version, when it exists and may be personalized; read
    /// without copying the profile (the cache lookup of every `for_you` request).
    func personalizedProfile(for request: RecommendationRequest) -> (id: ProfileID, version: Int64)? {
        guard let user = request.user,
            let id = user.userID.flatMap({ identities.profile(.user, $0) }) ?? user.anonymousID.flatMap({ identities.profile(.anonymous, $0) }),
            let index = profiles.index(forKey: id)
        else { return nil }
        guard profiles.values[index].consent.resolved(with: site.settings.defaultConsent).personalization ?? true, !inGlobalHoldout(id) else { return nil }
        return (id, profileVersions[id] ?? 0)
    }

    /// The person a request names, their consent and their history in live item numbers.
    func person(for request: RecommendationRequest) -> PersonView { person(for: request.user) }

    /// The person `user` names (nobody when nil or unknown), their consent and their history in live item numbers.
    func person(for user: UserReference?) -> PersonView {
        let defaultConsent = site.settings.defaultConsent.personalization ?? true
        guard let user,
            let id = user.userID.flatMap({ identities.profile(.user, $0) }) ?? user.anonymousID.flatMap({ identities.profile(.anonymous, $0) }),
            let profile = profiles[id]
        else {
            return PersonView(profileID: nil, profile: nil, personalized: defaultConsent, history: [])
        }
        // The global holdout gets what a person without consent gets: nothing personal, anywhere.
        let personalized = (profile.consent.resolved(with: site.settings.defaultConsent).personalization ?? true) && !inGlobalHoldout(id)
        let version = profileVersions[id] ?? 0
        guard personalized else { return PersonView(profileID: id, profile: profile, version: version, personalized: false, history: []) }
        return PersonView(profileID: id, profile: profile, version: version, personalized: true, history: history(of: profile))
    }

    /// A profile's items (purchases, cart, views), newest first, one per item with its strongest
    /// feedback weight, in live item numbers.
    func history(of profile: Profile) -> [HistoryEntry] {
        let weights = site.settings.feedbackWeights
        func weight(_ name: String, _ fallback: Double) -> Float { Float(weights[name] ?? fallback) }
        var entries: [ItemID: HistoryEntry] = [:]
        func note(_ id: ItemID, _ weight: Float, _ at: Date) {
            guard weight > 0, let item = live.vocabulary.existingIndex(of: id) else { return }
            let time = at.timeIntervalSince1970
            if var entry = entries[id] {
                entry.weight = max(entry.weight, weight)
                entry.timestamp = max(entry.timestamp, time)
                entries[id] = entry
            } else {
                entries[id] = HistoryEntry(item: item, weight: weight, timestamp: time)
            }
        }
        let purchase = weight(EventName.orderCompleted, 5), add = weight(EventName.productAdded, 3), view = weight(EventName.productViewed, 1)
        for bought in profile.recentPurchases { note(bought.itemID, purchase, bought.at) }
        for line in profile.cart { note(line.itemID, add, line.addedAt) }
        for viewed in profile.recentlyViewed { note(viewed.itemID, view, viewed.at) }
        return entries.values.sorted { ($0.timestamp, $1.item) > ($1.timestamp, $0.item) }
    }

    /// The items a request must not return: its exclusions, and the context items where they are the question.
    func exclusions(for request: RecommendationRequest, person: PersonView) -> Set<Int32> {
        var ids = Set(request.exclude.items)
        let profile = person.personalized ? person.profile : nil
        if request.exclude.purchased, let profile { ids.formUnion(profile.purchased) }
        if request.exclude.viewed, let profile { ids.formUnion(profile.recentlyViewed.map(\.itemID)) }
        if request.exclude.cart {
            ids.formUnion(request.contextCart)
            if let profile { ids.formUnion(profile.cart.map(\.itemID)) }
        }
        switch request.strategy {
        case .similar, .boughtTogether, .next:
            if let item = request.contextItem { ids.insert(item) }
            ids.formUnion(request.contextCart)
            if let profile = person.profile, request.strategy == .boughtTogether, person.personalized { ids.formUnion(profile.cart.map(\.itemID)) }
        case .forYou, .trending, .recentlyViewed, .becauseYouViewed:
            break
        }
        return Set(ids.compactMap { live.vocabulary.existingIndex(of: $0) })
    }
}
