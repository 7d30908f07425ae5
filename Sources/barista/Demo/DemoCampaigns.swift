import BaristaCore
import BaristaEngine
import Foundation

/// The demo shop's campaigns: a home-page experiment and its triggers.
enum DemoCampaigns {
    /// `home_hero`: two headlines against a 10% control, measured on orders.
    static let experience: JSONValue = [
        "key": "home-hero", "name": "Home hero headline", "placement": "home_hero", "status": "running", "control_percent": 10,
        "variants": [
            ["key": "new-in", "payload": ["headline": "New in this week", "cta": "Shop new"]],
            ["key": "for-you", "payload": ["headline": "Picked for you"], "recommendations": ["strategy": "for_you", "limit": 4]],
        ],
    ]

    /// The triggers: two in-app messages that work as they are, and an abandoned-cart email that
    /// waits, paused, for the shop's email provider (`PUT` it with a real webhook, then `start`).
    static let triggers: [JSONValue] = [
        [
            "key": "cart-reminder", "name": "Cart reminder in app", "channel": "in_app",
            "when": ["event": "Product Added", "no_event": "Order Completed", "after": "30m"],
            "content": ["payload": ["headline": "Still thinking it over?"], "recommendations": ["strategy": "bought_together", "limit": 3]],
        ],
        [
            "key": "help-tip", "name": "Help tip after three help pages", "channel": "in_app",
            "when": [
                "sequence": [["event": "Page Viewed", "where": ["path": "/help"]], ["event": "Page Viewed", "where": ["path": "/help"]],
                    ["event": "Page Viewed", "where": ["path": "/help"]]],
                "within": "30m",
            ],
            "content": ["payload": ["headline": "Need a hand? Chat with us"]],
        ],
        [
            "key": "cart-abandoned", "name": "Abandoned cart email", "status": "paused", "channel": "email",
            "when": ["event": "Product Added", "no_event": "Order Completed", "after": "1h"],
            "content": ["payload": ["subject": "You left something in your cart"], "recommendations": ["strategy": "bought_together", "limit": 4]],
            "deliver": ["webhook": "https://esp.example/barista-hook"],
        ],
    ]

    /// The rewards programme: 10 points a unit spent, gold at 2,000 points a year, two rewards.
    static let rewards: JSONValue = [
        "earn": [["event": "Order Completed", "points_per_unit": 10, "unit": "revenue"]],
        "tiers": [["key": "silver", "min_points": 500, "window": "365d"], ["key": "gold", "min_points": 2000, "window": "365d", "benefits": ["free_shipping": true]]],
        "rewards": [["key": "gift-card-5", "points": 500, "title": "A 5.00 gift card"], ["key": "gift-card-25", "points": 2000, "title": "A 25.00 gift card"]],
    ]

    /// Saves the rewards programme (before the history is loaded, so the shoppers' orders earn).
    static func createRewards(engine: Engine, site: SiteID) async throws {
        let program = try RewardsProgram.parse(rewards, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
        _ = try await engine.replaceRewardsProgram(program, site: site)
    }

    /// Creates them; returns the trigger keys.
    static func create(engine: Engine, site: SiteID) async throws -> [String] {
        let now = engine.currentTime
        _ = try await engine.createExperience(try Experience.parse(experience, now: now).mapError { BaristaError.invalid($0.errors) }.get(), site: site)
        var keys: [String] = []
        for json in triggers {
            let trigger = try Trigger.parse(json, now: now).mapError { BaristaError.invalid($0.errors) }.get()
            keys.append(try await engine.createTrigger(trigger, site: site).key)
        }
        return keys
    }
}
