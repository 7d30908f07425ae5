import BaristaCore
import BaristaTesting
import Foundation
import Testing

struct ProfileTests {
    let catalog: [ItemID: Item] = [
        ItemID("runner"): Fixtures.item("runner", category: "shoes", brand: "Nimbus", color: "black"),
        ItemID("jacket"): Fixtures.item("jacket", category: "jackets", brand: "Fjell", color: "red"),
    ]

    var context: ApplyContext {
        let catalog = self.catalog
        return ApplyContext(feedbackWeights: SiteSettings.defaultFeedbackWeights, halfLife: 30 * 86_400, item: { catalog[$0] })
    }

    @Test func aPurchaseWeighsMoreThanAView() {
        var profile = Profile(id: ProfileID("p"))
        profile.apply(Fixtures.track("Product Viewed", user: "u", properties: ["product_id": "runner"]), context: context)
        profile.apply(Fixtures.track("Order Completed", user: "u",
            properties: ["products": [["product_id": "jacket", "quantity": 1, "price": 120]], "revenue": 120]), context: context)
        let shares = profile.affinities.shares(at: Fixtures.now, halfLife: 30 * 86_400)
        #expect(shares[.category]?["jackets"] == 5.0 / 6.0)
        #expect(shares[.category]?["shoes"] == 1.0 / 6.0)
        #expect(profile.orders == 1 && profile.revenue == 120)
        #expect(profile.purchased == [ItemID("jacket")])
    }

    @Test func emailEngagementIsKeptPerWeekAndSurvivesStorageAndMerges() throws {
        var profile = Profile(id: ProfileID("p"))
        let week = 7.0 * 86_400
        for offset in 0..<30 {
            let at = Fixtures.now.addingTimeInterval(-Double(offset) * week)
            profile.apply(Fixtures.track("Email Delivered", user: "u", at: at), context: context)
            profile.apply(Fixtures.track("Email Delivered", user: "u", at: at.addingTimeInterval(60)), context: context)
            if offset % 2 == 0 { profile.apply(Fixtures.track("Email Opened", user: "u", at: at.addingTimeInterval(120)), context: context) }
        }
        profile.apply(Fixtures.track("Email Link Clicked", user: "u"), context: context)
        #expect(profile.emailWeeks.count == Profile.emailWeeksLimit, "the latest 26 weeks, oldest first")
        #expect(profile.emailWeeks == profile.emailWeeks.sorted { $0.week < $1.week })
        let latest = try #require(profile.emailWeeks.last)
        #expect(latest.sends == 2 && latest.opens == 1 && latest.clicks == 1)
        profile.apply(Fixtures.track("Unsubscribed", user: "u"), context: context)
        #expect(profile.unsubscribedAt == Fixtures.now)

        let stored = try #require(Profile(storage: profile.storageJSON))
        #expect(stored.emailWeeks == profile.emailWeeks && stored.unsubscribedAt == profile.unsubscribedAt)

        var other = Profile(id: ProfileID("q"))
        other.apply(Fixtures.track("Email Delivered", user: "v"), context: context)
        var merged = profile
        merged.merge(other, halfLife: 30 * 86_400)
        #expect(merged.emailWeeks.last?.sends == 3 && merged.emailWeeks.count == Profile.emailWeeksLimit)

        let optIn = Event(kind: .consent, userID: "u", messageID: "c", timestamp: Fixtures.now.addingTimeInterval(60),
            receivedAt: Fixtures.now.addingTimeInterval(60), properties: ["email": true])
        profile.apply(optIn, context: context)
        #expect(profile.unsubscribedAt == nil, "opting in again lifts the unsubscribe")
    }

    @Test func oldInterestFadesWithTheHalfLife() {
        var profile = Profile(id: ProfileID("p"))
        let monthAgo = Fixtures.now.addingTimeInterval(-30 * 86_400)
        profile.apply(Fixtures.track("Product Viewed", user: "u", at: monthAgo, properties: ["product_id": "runner"]), context: context)
        profile.apply(Fixtures.track("Product Viewed", user: "u", properties: ["product_id": "jacket"]), context: context)
        let shares = profile.affinities.shares(at: Fixtures.now, halfLife: 30 * 86_400)
        #expect(abs((shares[.brand]?["Fjell"] ?? 0) - 2.0 / 3.0) < 1e-9)
    }

    @Test func eventsArrivingOutOfOrderGiveTheSameTaste() {
        let early = Fixtures.track("Product Viewed", user: "u", at: Fixtures.now.addingTimeInterval(-86_400 * 10), properties: ["product_id": "runner"])
        let late = Fixtures.track("Product Added", user: "u", properties: ["product_id": "jacket"])
        var inOrder = Profile(id: ProfileID("p"))
        inOrder.apply(early, context: context)
        inOrder.apply(late, context: context)
        var reversed = Profile(id: ProfileID("p"))
        reversed.apply(late, context: context)
        reversed.apply(early, context: context)
        let a = inOrder.affinities.shares(at: Fixtures.now, halfLife: 30 * 86_400)
        let b = reversed.affinities.shares(at: Fixtures.now, halfLife: 30 * 86_400)
        #expect(abs(a[.category]!["shoes"]! - b[.category]!["shoes"]!) < 1e-12)
        #expect(inOrder.recentlyViewed == reversed.recentlyViewed)
    }

    @Test func theCartFollowsAddsRemovesAndTheOrder() {
        var profile = Profile(id: ProfileID("p"))
        profile.apply(Fixtures.track("Product Added", user: "u", properties: ["product_id": "runner", "quantity": 2]), context: context)
        profile.apply(Fixtures.track("Product Added", user: "u", properties: ["product_id": "jacket"]), context: context)
        profile.apply(Fixtures.track("Product Removed", user: "u", properties: ["product_id": "runner", "quantity": 1]), context: context)
        #expect(profile.cart.map(\.itemID) == [ItemID("runner"), ItemID("jacket")])
        #expect(profile.cart[0].quantity == 1)
        #expect(profile.cart[0].price == 50)
        #expect(profile.intent(at: Fixtures.now) == "shopping")
        profile.apply(Fixtures.track("Checkout Started", user: "u"), context: context)
        #expect(profile.intent(at: Fixtures.now) == "buying")
        profile.apply(Fixtures.track("Order Completed", user: "u", properties: ["products": [["product_id": "jacket"]], "revenue": 50]), context: context)
        #expect(profile.cart.isEmpty)
        #expect(profile.intent(at: Fixtures.now) == "browsing")
        #expect(profile.intent(at: Fixtures.now.addingTimeInterval(3600)) == "browsing")
    }

    @Test func recentlyViewedIsNewestFirstWithoutRepeats() {
        var profile = Profile(id: ProfileID("p"))
        for (i, item) in ["runner", "jacket", "runner"].enumerated() {
            profile.apply(Fixtures.track("Product Viewed", user: "u", at: Fixtures.now.addingTimeInterval(Double(i)),
                properties: ["product_id": .string(item)]), context: context)
        }
        #expect(profile.recentlyViewed.map(\.itemID) == [ItemID("runner"), ItemID("jacket")])
    }

    @Test func identifyMergesNestedTraitsAndNullRemoves() {
        var profile = Profile(id: ProfileID("p"))
        profile.apply(Fixtures.identify(user: "u", traits: ["name": "Ada", "address": ["city": "London", "country": "GB"]]), context: context)
        profile.apply(Fixtures.identify(user: "u", traits: ["address": ["city": "Leeds"], "name": nil, "plan": "gold"]), context: context)
        #expect(JSONValue.object(profile.traits) == ["address": ["city": "Leeds", "country": "GB"], "plan": "gold"])
    }

    @Test func mergingCombinesCountersCartsAndTastes() {
        var known = Profile(id: ProfileID("known"))
        known.apply(Fixtures.track("Order Completed", user: "u", properties: ["products": [["product_id": "jacket"]], "revenue": 80]), context: context)
        var anonymous = Profile(id: ProfileID("anon"))
        anonymous.apply(Fixtures.track("Product Added", anonymous: "a", properties: ["product_id": "runner"]), context: context)
        anonymous.apply(Fixtures.track("Product Viewed", anonymous: "a", properties: ["product_id": "runner"], channel: "app"), context: context)
        known.merge(anonymous, halfLife: 30 * 86_400)
        #expect(known.orders == 1 && known.revenue == 80)
        #expect(known.cart.map(\.itemID) == [ItemID("runner")])
        #expect(known.recentlyViewed.map(\.itemID) == [ItemID("runner")])
        #expect(Set(known.channels) == ["web", "app"])
        #expect(known.eventCounts["Product Added"] == 1 && known.eventCounts["Order Completed"] == 1)
        #expect(known.affinities.shares(at: Fixtures.now, halfLife: 30 * 86_400)[.category]?["shoes"] != nil)
    }

    @Test func consentAndPreferencesAreEventsToo() {
        var profile = Profile(id: ProfileID("p"))
        profile.apply(Event(kind: .consent, messageID: "c", timestamp: Fixtures.now, receivedAt: Fixtures.now, properties: ["email": true]), context: context)
        profile.apply(Event(kind: .preferences, messageID: "q", timestamp: Fixtures.now, receivedAt: Fixtures.now, properties: ["brands": ["Fjell"]]), context: context)
        #expect(profile.consent == Consent(email: true))
        #expect(profile.consent.resolved(with: SiteSettings().defaultConsent) == Consent(personalization: true, email: true, analytics: true))
        #expect(profile.preferences.brands == ["Fjell"])
    }
}

struct SettingsTests {
    @Test func aPatchChangesOnlyWhatItNames() throws {
        let patched = try SiteSettings().patched(with: ["global_holdout_percent": 10, "affinity_half_life": "14d",
            "default_consent": ["email": true]]).get()
        #expect(patched.globalHoldoutPercent == 10)
        #expect(patched.halfLifeSeconds == 14 * 86_400)
        #expect(patched.defaultConsent == Consent(personalization: true, email: true, analytics: true))
        #expect(patched.feedbackWeights == SiteSettings.defaultFeedbackWeights)
    }

    @Test func everyBadFieldIsReported() {
        let result = SiteSettings().patched(with: ["global_holdout_percent": 150, "affinity_half_life": "soon", "colour": "blue",
            "webhook_secret": "short"])
        guard case .failure(let failure) = result else {
            Issue.record("accepted bad settings")
            return
        }
        #expect(failure.errors.map(\.field) == ["/affinity_half_life", "/colour", "/global_holdout_percent", "/webhook_secret"])
    }

    @Test func secretsAreNeverShown() throws {
        let settings = try SiteSettings().patched(with: ["webhook_secret": "0123456789abcdef0123"]).get()
        #expect(settings.json["webhook_secret"] == ["set": true])
        #expect(!JSON.string(settings.json).contains("0123456789abcdef"))
    }
}
