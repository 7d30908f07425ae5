import BaristaCore
import BaristaTesting
import Foundation
import Testing

/// The programme's arithmetic and validation, and the ledger as a fold of events, without an engine.
struct RewardsTests {
    static func program(_ json: String) throws -> RewardsProgram {
        try RewardsProgram.parse(try JSON.parse(json), now: Fixtures.now).get()
    }

    static let coffeeShop = #"""
        {"earn":[{"event":"Order Completed","points_per_unit":10,"unit":"revenue"},{"event":"Review Written","points_per_unit":50,"unit":"event"}],
         "multipliers":[{"segment":"vip","factor":2},{"factor":1.5,"from":"2026-12-24T00:00:00Z","to":"2026-12-27T00:00:00Z"}],
         "tiers":[{"key":"gold","min_points":1000,"window":"365d","benefits":{"free_shipping":true}},{"key":"silver","min_points":300,"window":"30d"}],
         "rewards":[{"key":"free-drink","points":500,"title":"A free drink"},{"key":"cookie","points":150}]}
        """#

    static func order(_ revenue: JSONValue, order: String = "o-1", message: String = "m-" + RandomID.string(length: 8), at: Date = Fixtures.now) -> Event {
        Fixtures.track("Order Completed", user: "u", message: message, at: at, properties: ["order_id": .string(order), "revenue": revenue])
    }

    @Test(arguments: [
        ("19.99", Int64(1999)), ("0.1", 10), ("1e2", 10_000), ("-3.5", -350), ("12.345", 1234), ("0.29", 29), ("1000000.07", 100_000_007),
    ])
    func decimalsAreReadExactlyInHundredths(text: String, hundredths: Int64) throws {
        #expect(Decimal100.parse(text: text) == hundredths)
        // As a JSON number too: its shortest text is what was sent, not 0.28999… or 19.98999….
        let number = try #require(Double(text))
        #expect(Decimal100.parse(.number(number)) == hundredths)
    }

    @Test func anOrderEarnsExactlyItsRevenueTimesTheRate() throws {
        let program = try Self.program(Self.coffeeShop)
        var ledger = RewardsLedger()
        // 19.99 × 10 = 199.9, rounded down once: 199 (a Double would give 199.89999…, then 199 or 200 by luck).
        ledger.fold(Self.order(19.99), program: program, segments: [])
        #expect(ledger.balance == 199)
        // 0.29 × 10 = 2.9 → 2, though 0.29 × 100 is 28.999999999999996 in floating point.
        ledger.fold(Self.order(0.29, order: "o-2"), program: program, segments: [])
        #expect(ledger.balance == 201)
        // A per-event rule, and an event no rule names.
        ledger.fold(Fixtures.track("Review Written", user: "u"), program: program, segments: [])
        ledger.fold(Fixtures.track("Product Viewed", user: "u", properties: ["product_id": "x"]), program: program, segments: [])
        #expect(ledger.balance == 251)
        #expect(ledger.entries.map(\.kind) == [.earn, .earn, .earn])
    }

    @Test func anOrderWithoutRevenueEarnsOnItsTotalOrItsLines() throws {
        let program = try Self.program(Self.coffeeShop)
        var ledger = RewardsLedger()
        ledger.fold(Fixtures.track("Order Completed", user: "u", properties: ["total": 4.5]), program: program, segments: [])
        ledger.fold(Fixtures.track("Order Completed", user: "u", properties: [
            "products": [["product_id": "a", "price": 3.3, "quantity": 3], ["product_id": "b", "price": 0.7]],
        ]), program: program, segments: [])
        #expect(ledger.balance == 45 + 106, "4.50 → 45; 3 × 3.30 + 0.70 = 10.60 → 106")
    }

    @Test func theSameMessageEarnsOnce() throws {
        let program = try Self.program(Self.coffeeShop)
        var ledger = RewardsLedger()
        let event = Self.order(10, message: "m-dup")
        ledger.fold(event, program: program, segments: [])
        #expect(ledger.fold(event, program: program, segments: []) == nil)
        #expect(ledger.balance == 100 && ledger.entries.count == 1)
    }

    @Test func refundsReverseWhatTheOrderEarnedInFullOrInParts() throws {
        let program = try Self.program(Self.coffeeShop)
        var ledger = RewardsLedger()
        ledger.fold(Self.order(19.99, order: "o-1"), program: program, segments: [])
        ledger.fold(Self.order(5, order: "o-2"), program: program, segments: [])
        #expect(ledger.balance == 249)
        // A full refund (no revenue) of o-2.
        ledger.fold(Fixtures.track("Order Refunded", user: "u", properties: ["order_id": "o-2"]), program: program, segments: [])
        #expect(ledger.balance == 199)
        // Two partial refunds of o-1 that add up to it reverse exactly its 199 points.
        ledger.fold(Fixtures.track("Order Refunded", user: "u", properties: ["order_id": "o-1", "revenue": 10]), program: program, segments: [])
        #expect(ledger.balance == 199 - 99, "10.00 of 19.99: floor(199 × 1000 / 1999) = 99")
        ledger.fold(Fixtures.track("Order Refunded", user: "u", properties: ["order_id": "o-1", "revenue": 9.99]), program: program, segments: [])
        #expect(ledger.balance == 0)
        // Refunding more, or an order that earned nothing here, changes nothing.
        #expect(ledger.fold(Fixtures.track("Order Refunded", user: "u", properties: ["order_id": "o-1", "revenue": 5]), program: program, segments: []) == nil)
        #expect(ledger.fold(Fixtures.track("Order Refunded", user: "u", properties: ["order_id": "nope"]), program: program, segments: []) == nil)
        #expect(ledger.balance == 0)
        #expect(ledger.entries.map(\.points) == [199, 50, -50, -99, -100])
    }

    @Test func theHighestApplicableMultiplierApplies() throws {
        let program = try Self.program(Self.coffeeShop)
        let christmas = Timestamp.parse("2026-12-25T10:00:00Z")!
        var ledger = RewardsLedger()
        ledger.fold(Self.order(10, at: christmas), program: program, segments: [])
        #expect(ledger.balance == 150, "the period's ×1.5")
        ledger.fold(Self.order(10, order: "o-2", at: christmas), program: program, segments: ["vip"])
        #expect(ledger.balance == 150 + 200, "a VIP at Christmas gets the higher ×2, not ×3")
        ledger.fold(Self.order(10, order: "o-3", at: christmas.addingTimeInterval(3 * 86_400)), program: program, segments: [])
        #expect(ledger.balance == 350 + 100, "after the period: ×1")
    }

    @Test func tiersCountPointsInTheirRollingWindowAndTheNextRewardIsTheCheapestNotAffordable() throws {
        let program = try Self.program(Self.coffeeShop)
        var ledger = RewardsLedger()
        let day = 86_400.0
        ledger.fold(Self.order(80, order: "old", at: Fixtures.now.addingTimeInterval(-40 * day)), program: program, segments: [])
        ledger.fold(Self.order(35, order: "new", at: Fixtures.now.addingTimeInterval(-2 * day)), program: program, segments: [])
        var status = RewardsStatus(ledger: ledger, program: program, now: Fixtures.now)
        #expect(status.balance == 1150)
        #expect(status.tier?.key == "gold", "1150 in 365 days")
        #expect(status.nextReward == nil, "every reward is affordable")
        // A year later the 800 leave the gold window; 28 days later still the 350 reach silver.
        status = RewardsStatus(ledger: ledger, program: program, now: Fixtures.now.addingTimeInterval(326 * day))
        #expect(status.tier?.key == nil, "both orders are outside silver's 30 days and the 350 alone miss gold")
        status = RewardsStatus(ledger: ledger, program: program, now: Fixtures.now.addingTimeInterval(27 * day))
        #expect(status.tier?.key == "gold")
        ledger.fold(Fixtures.track("Order Refunded", user: "u", properties: ["order_id": "old"]), program: program, segments: [])
        status = RewardsStatus(ledger: ledger, program: program, now: Fixtures.now)
        #expect(status.tier?.key == "silver", "the refunded 800 no longer count: 350 in 30 days")
        #expect(status.nextReward?.reward.key == "free-drink" && status.pointsToNext == 150)
        #expect(status.changesAt == Fixtures.now.addingTimeInterval(28 * day), "when the 350 leave silver's window")
    }

    @Test func aMergedLedgerKeepsBothAndTheStoredFormReadsBack() throws {
        let program = try Self.program(Self.coffeeShop)
        var known = RewardsLedger(), anonymous = RewardsLedger()
        known.fold(Self.order(10, order: "a", at: Fixtures.now.addingTimeInterval(-60)), program: program, segments: [])
        anonymous.fold(Self.order(2.5, order: "b", at: Fixtures.now.addingTimeInterval(-120)), program: program, segments: [])
        known.merge(anonymous)
        #expect(known.balance == 125)
        #expect(known.entries.map(\.order) == ["b", "a"], "in time order")
        var twice = known
        twice.merge(known)
        #expect(twice == known, "an entry on both sides counts once")
        var profile = Profile(id: ProfileID("p"))
        profile.rewards = known
        let stored = try #require(Profile(storage: try JSON.parse(JSON.string(profile.storageJSON))))
        #expect(stored.rewards == known)
    }

    @Test(arguments: [
        (#"{"earn":[{"event":"Order Completed","points_per_unit":0}]}"#, "/earn/0/points_per_unit"),
        (#"{"earn":[{"event":"Order Completed","points_per_unit":"10"}]}"#, "/earn/0/points_per_unit"),
        (#"{"earn":[{"event":"Order Completed","points_per_unit":1.555}]}"#, "/earn/0/points_per_unit"),
        (#"{"earn":[{"event":"Order Completed","points_per_unit":1,"unit":"visit"}]}"#, "/earn/0/unit"),
        (#"{"earn":[{"points_per_unit":1}]}"#, "/earn/0/event"),
        (#"{"earn":[{"event":"A","points_per_unit":1},{"event":"A","points_per_unit":2}]}"#, "/earn/1/event"),
        (#"{"earn":[{"event":"Reward Redeemed","points_per_unit":1}]}"#, "/earn/0/event"),
        (#"{"multipliers":[{"segment":"vip","factor":-2}]}"#, "/multipliers/0/factor"),
        (#"{"multipliers":[{"factor":2,"from":"2026-12-27T00:00:00Z","to":"2026-12-24T00:00:00Z"}]}"#, "/multipliers/0/to"),
        (#"{"multipliers":[{"factor":2,"from":"yesterday"}]}"#, "/multipliers/0/from"),
        (#"{"tiers":[{"key":"gold","min_points":10,"window":"a year"}]}"#, "/tiers/0/window"),
        (#"{"tiers":[{"key":"gold","min_points":1.5}]}"#, "/tiers/0/min_points"),
        (#"{"tiers":[{"key":"gold","min_points":1},{"key":"gold","min_points":2}]}"#, "/tiers/1/key"),
        (#"{"rewards":[{"key":"free drink","points":100}]}"#, "/rewards/0/key"),
        (#"{"rewards":[{"key":"free-drink","points":0}]}"#, "/rewards/0/points"),
        (#"{"rewards":[{"key":"free-drink","points":10,"cost":3}]}"#, "/rewards/0/cost"),
        (#"{"earn":{}}"#, "/earn"),
        (#"{"bonus":[]}"#, "/bonus"),
    ])
    func anInvalidProgramNamesTheFieldAtFault(json: String, field: String) throws {
        let result = RewardsProgram.parse(try JSON.parse(json), now: Fixtures.now)
        guard case .failure(let problems) = result else {
            Issue.record("\(json) was accepted")
            return
        }
        #expect(problems.errors.map(\.field).contains(field), "\(problems.errors)")
    }

    @Test func aProgramReadsBackFromItsJSON() throws {
        let program = try Self.program(Self.coffeeShop)
        var again = try RewardsProgram.parse(program.json, now: Fixtures.now).get()
        again.updatedAt = program.updatedAt
        #expect(again == program)
        #expect(program.json["earn"]?.arrayValue?.first?["points_per_unit"] == 10)
        #expect(program.json["multipliers"]?.arrayValue?.last?["factor"] == 1.5)
    }
}

/// Personal offers: bonus points on a category, or on everything, while an offer runs.
struct PointsOfferTests {
    @Test func anOfferDoublesThePointsOfItsCategoryOnly() throws {
        let program = try RewardsTests.program(RewardsTests.coffeeShop)
        let categories = ["croissant": "Pastries", "beans": "coffee"]
        let order = Fixtures.track("Order Completed", user: "u", properties: [
            "revenue": 13.5, "products": [["product_id": "croissant", "price": 2.25, "quantity": 2], ["product_id": "beans", "price": 9]],
        ])
        var plain = RewardsLedger(), offered = RewardsLedger(), everything = RewardsLedger()
        plain.fold(order, program: program, segments: [])
        let offer = try #require(PointsOffer(payload: ["points_offer": ["factor": 2, "category": "pastries"]]))
        offered.fold(order, program: program, segments: [], offers: [offer], category: { categories[$0.rawValue] })
        everything.fold(order, program: program, segments: [], offers: [PointsOffer(factor: 300)])
        #expect(plain.balance == 135)
        #expect(offered.balance == 135 + 45, "4.50 of pastries earn 45 more")
        #expect(everything.balance == 405)
        // With a ×2 multiplier already on (a VIP), the pastry offer adds nothing: the higher factor wins, they do not stack.
        var vip = RewardsLedger()
        vip.fold(order, program: program, segments: ["vip"], offers: [offer], category: { categories[$0.rawValue] })
        #expect(vip.balance == 270)
        #expect(PointsOffer(payload: ["headline": "Hi"]) == nil && PointsOffer(payload: ["points_offer": ["factor": -1]]) == nil)
    }
}

extension RewardsTests {
    @Test func aRedemptionCannotBeSentAsAnEvent() throws {
        let event: JSONValue = ["type": "track", "event": "Reward Redeemed", "user_id": "u", "properties": ["reward": "free-drink", "points": 100]]
        guard case .failure(let problems) = EventValidator().validate(event, at: JSONPointer("/batch/0"), now: Fixtures.now) else {
            Issue.record("a forged redemption was accepted")
            return
        }
        #expect(problems.errors.map(\.field) == ["/batch/0/event"])
    }
}
