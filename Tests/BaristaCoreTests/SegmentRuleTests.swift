import BaristaCore
import Foundation
import Testing

private let t0 = Timestamp.parse("2026-11-22T10:00:00Z")!
private let day: TimeInterval = 86_400

/// Facts made up for one test.
private struct TestFacts: SegmentFacts {
    var now = t0
    var traits: JSONValue = [:]
    var tallies: [EventSignature: EventTally] = [:]
    var shares: [AffinityDimension: [String: Double]] = [:]
    var predictions: [PredictionName: Double] = [:]
    var consents: [String: Bool] = [:]
    var intentValue = "browsing"
    var intentChangesAt: Date?
    var channels: [String] = []
    var location: [GeoField: String] = [:]
    var memberships: Set<String> = []

    func trait(_ path: [String]) -> JSONValue? {
        var current: JSONValue? = traits
        for part in path { current = current?[part] }
        return current
    }
    func tally(_ condition: EventCondition) -> EventTally.Window {
        tallies[condition.signature]?.window(condition.within, now: now) ?? .empty
    }
    func affinityShare(_ dimension: AffinityDimension, _ value: String) -> Double {
        shares[dimension]?.first { $0.key.lowercased() == value.lowercased() }?.value ?? 0
    }
    func prediction(_ name: PredictionName) -> Double? { predictions[name] }
    func consent(_ purpose: String) -> Bool { consents[purpose] ?? false }
    var intent: (value: String, changesAt: Date?) { (intentValue, intentChangesAt) }
    func geo(_ field: GeoField) -> String? { location[field] }
    func isMember(of segment: String) -> Bool { memberships.contains(segment) }

    mutating func record(_ name: String, sum property: String? = nil, at date: Date, value: Double = 0) {
        tallies[EventSignature(name: name, sumProperty: property), default: EventTally()].record(at: date, value: value)
    }
}

private func rule(_ json: JSONValue) throws -> SegmentRule {
    try SegmentRule.parse(json, at: JSONPointer("/rule")).get()
}

private func errors(_ json: JSONValue) -> [FieldError] {
    switch SegmentRule.parse(json, at: JSONPointer("/rule")) {
    case .success: []
    case .failure(let failure): failure.errors
    }
}

private func fields(_ json: JSONValue) -> [String] { errors(json).map(\.field).sorted() }

struct SegmentRuleTests {
    static let traits: JSONValue = [
        "age": 34, "name": "Ada", "tags": ["vip", "runner"], "company": ["industry": "retail"],
        "signup": "2026-01-15", "nothing": nil, "bio": "loves trail running",
    ]

    static let traitCases: [(JSONValue, Bool)] = [
        (["trait": "age", "op": "eq", "value": 34], true),
        (["trait": "age", "op": "eq", "value": 34.0], true),
        (["trait": "age", "op": "eq", "value": "34"], false),
        (["trait": "age", "op": "ne", "value": 30], true),
        (["trait": "age", "op": "ne", "value": 34], false),
        (["trait": "missing", "op": "ne", "value": 1], true),
        (["trait": "nothing", "op": "ne", "value": 1], true),
        (["trait": "missing", "op": "eq", "value": 1], false),
        (["trait": "age", "op": "gt", "value": 30], true),
        (["trait": "age", "op": "gt", "value": 34], false),
        (["trait": "age", "op": "gte", "value": 34], true),
        (["trait": "age", "op": "lt", "value": 34], false),
        (["trait": "age", "op": "lte", "value": 34], true),
        (["trait": "age", "op": "gt", "value": "30"], false),
        (["trait": "missing", "op": "lt", "value": 100], false),
        (["trait": "signup", "op": "gte", "value": "2026-01-01"], true),
        (["trait": "signup", "op": "lt", "value": "2025-12-31"], false),
        (["trait": "company.industry", "op": "eq", "value": "retail"], true),
        (["trait": "company.industry", "op": "in", "value": ["food", "retail"]], true),
        (["trait": "company.industry", "op": "in", "value": ["food"]], false),
        (["trait": "missing", "op": "in", "value": ["food"]], false),
        (["trait": "bio", "op": "contains", "value": "trail"], true),
        (["trait": "bio", "op": "contains", "value": "Trail"], false),
        (["trait": "tags", "op": "contains", "value": "vip"], true),
        (["trait": "tags", "op": "contains", "value": "gold"], false),
        (["trait": "age", "op": "contains", "value": 3], false),
        (["trait": "missing", "op": "contains", "value": "x"], false),
        (["trait": "name", "op": "exists"], true),
        (["trait": "name", "op": "exists", "value": true], true),
        (["trait": "name", "op": "exists", "value": false], false),
        (["trait": "missing", "op": "exists"], false),
        (["trait": "nothing", "op": "exists"], false),
        (["trait": "nothing", "op": "exists", "value": false], true),
        (["trait": "missing", "op": "exists", "value": false], true),
    ]

    @Test(arguments: traitCases)
    func traitOperatorsFollowTheirDocumentedSemantics(json: JSONValue, expected: Bool) throws {
        let facts = TestFacts(traits: Self.traits)
        let result = try rule(json).evaluate(facts)
        #expect(result.matched == expected, "\(json)")
        #expect(result.nextChange == nil)
    }

    @Test func anEventCountDropsWhenTheWindowPassesAnEntry() throws {
        // Given orders 10 days and 2 days ago
        var facts = TestFacts()
        facts.record("Order Completed", at: t0.addingTimeInterval(-10 * day))
        facts.record("Order Completed", at: t0.addingTimeInterval(-2 * day))
        // Then two fall within 30 days until the older one is 30 days old
        let thirty = try rule(["event": "Order Completed", "within": "30d", "count": ["gte": 2]])
        #expect(thirty.evaluate(facts) == SegmentEvaluation(matched: true, nextChange: t0.addingTimeInterval(20 * day)))
        facts.now = t0.addingTimeInterval(20 * day - 1)
        #expect(thirty.evaluate(facts).matched)
        facts.now = t0.addingTimeInterval(20 * day)
        #expect(thirty.evaluate(facts) == SegmentEvaluation(matched: false, nextChange: t0.addingTimeInterval(28 * day)))
        facts.now = t0.addingTimeInterval(28 * day)
        #expect(thirty.evaluate(facts) == SegmentEvaluation(matched: false, nextChange: nil))
        // And only one falls within 7 days now
        facts.now = t0
        let seven = try rule(["event": "Order Completed", "within": "7d", "count": ["gte": 2]])
        #expect(seven.evaluate(facts) == SegmentEvaluation(matched: false, nextChange: t0.addingTimeInterval(5 * day)))
        #expect(try rule(["event": "Order Completed", "within": "1w", "count": ["eq": 1]]).evaluate(facts).matched)
        #expect(try rule(["event": "Order Completed", "count": ["gt": 1, "lt": 3]]).evaluate(facts)
            == SegmentEvaluation(matched: true, nextChange: nil))
    }

    @Test func anEventWithoutCountOrSumMeansAtLeastOne() throws {
        var facts = TestFacts()
        let any = try rule(["event": "Signed Up"])
        #expect(!any.evaluate(facts).matched)
        facts.record("Signed Up", at: t0.addingTimeInterval(-400 * day))
        #expect(any.evaluate(facts).matched)
        #expect(try !rule(["event": "Signed Up", "within": "1d"]).evaluate(facts).matched)
        #expect(try !rule(["event": "Other"]).evaluate(facts).matched)
    }

    @Test func anEventSumAddsUpThePropertyInTheWindow() throws {
        var facts = TestFacts()
        facts.record("Order Completed", sum: "revenue", at: t0.addingTimeInterval(-40 * day), value: 500)
        facts.record("Order Completed", sum: "revenue", at: t0.addingTimeInterval(-3 * day), value: 60)
        facts.record("Order Completed", sum: "revenue", at: t0.addingTimeInterval(-1 * day), value: 50)
        let big = try rule(["event": "Order Completed", "within": "30d", "sum": ["property": "revenue", "gte": 100]])
        #expect(big.evaluate(facts) == SegmentEvaluation(matched: true, nextChange: t0.addingTimeInterval(27 * day)))
        #expect(try rule(["event": "Order Completed", "sum": ["property": "revenue", "eq": 610]]).evaluate(facts).matched)
        #expect(try !rule(["event": "Order Completed", "within": "2d", "sum": ["property": "revenue", "gte": 100]]).evaluate(facts).matched)
    }

    @Test func aFutureEventCountsFromWhenItHappens() throws {
        var facts = TestFacts()
        facts.record("Webinar Attended", at: t0.addingTimeInterval(3600))
        let attended = try rule(["event": "Webinar Attended"])
        #expect(attended.evaluate(facts) == SegmentEvaluation(matched: false, nextChange: t0.addingTimeInterval(3600)))
        facts.now = t0.addingTimeInterval(3600)
        #expect(attended.evaluate(facts) == SegmentEvaluation(matched: true, nextChange: nil))
    }

    @Test func affinityLeavesCompareTheShare() throws {
        let facts = TestFacts(shares: [.brand: ["Nike": 0.4, "Adidas": 0.6]])
        #expect(try rule(["affinity": "brand", "value": "Nike", "op": "gte", "score": 0.3]).evaluate(facts).matched)
        #expect(try rule(["affinity": "brand", "value": "nike", "op": "gte", "score": 0.3]).evaluate(facts).matched)
        #expect(try !rule(["affinity": "brand", "value": "Nike", "op": "gt", "score": 0.5]).evaluate(facts).matched)
        #expect(try rule(["affinity": "brand", "value": "Adidas"]).evaluate(facts).matched)
        #expect(try !rule(["affinity": "brand", "value": "Puma"]).evaluate(facts).matched)
        #expect(try !rule(["affinity": "color", "value": "Nike"]).evaluate(facts).matched)
    }

    @Test func predictionLeavesCompareAndAMissingOneMatchesOnlyNe() throws {
        let facts = TestFacts(predictions: [.pAlive: 0.2])
        #expect(try rule(["prediction": "p_alive", "op": "lt", "value": 0.3]).evaluate(facts).matched)
        #expect(try !rule(["prediction": "p_alive", "op": "gte", "value": 0.3]).evaluate(facts).matched)
        #expect(try !rule(["prediction": "clv_12m", "op": "lt", "value": 100]).evaluate(facts).matched)
        #expect(try rule(["prediction": "clv_12m", "op": "ne", "value": 100]).evaluate(facts).matched)
    }

    @Test func consentIntentChannelGeoAndSegmentLeaves() throws {
        let later = t0.addingTimeInterval(1800)
        let facts = TestFacts(consents: ["email": true], intentValue: "shopping", intentChangesAt: later, channels: ["web", "App"],
            location: [.country: "GB", .city: "London"], memberships: ["vip"])
        #expect(try rule(["consent": "email", "is": true]).evaluate(facts).matched)
        #expect(try !rule(["consent": "email", "is": false]).evaluate(facts).matched)
        #expect(try rule(["consent": "analytics", "is": false]).evaluate(facts).matched)
        #expect(try rule(["intent": "shopping"]).evaluate(facts) == SegmentEvaluation(matched: true, nextChange: later))
        #expect(try rule(["intent": "buying"]).evaluate(facts) == SegmentEvaluation(matched: false, nextChange: later))
        #expect(try rule(["channel": "app"]).evaluate(facts).matched)
        #expect(try !rule(["channel": "email"]).evaluate(facts).matched)
        #expect(try rule(["geo": ["country": "gb"]]).evaluate(facts).matched)
        #expect(try rule(["geo": ["country": "GB", "city": "LONDON"]]).evaluate(facts).matched)
        #expect(try !rule(["geo": ["country": "GB", "city": "Leeds"]]).evaluate(facts).matched)
        #expect(try !rule(["geo": ["region": "England"]]).evaluate(facts).matched)
        #expect(try rule(["segment": "vip"]).evaluate(facts).matched)
        #expect(try !rule(["segment": "new"]).evaluate(facts).matched)
    }

    @Test func groupsCombineTheirChildrensNextChanges() throws {
        // Given A expiring from its 1-day window in 6 h, B from its 1-day window in 12 h
        var facts = TestFacts(traits: ["vip": true])
        facts.record("A", at: t0.addingTimeInterval(-18 * 3600))
        facts.record("B", at: t0.addingTimeInterval(-12 * 3600))
        let a: JSONValue = ["event": "A", "within": "1d"]
        let b: JSONValue = ["event": "B", "within": "1d"]
        let notA: JSONValue = ["not": a]
        let notB: JSONValue = ["not": b]
        let vip: JSONValue = ["trait": "vip", "op": "eq", "value": true]
        let notVip: JSONValue = ["not": vip]
        let in6h = t0.addingTimeInterval(6 * 3600)
        let in12h = t0.addingTimeInterval(12 * 3600)
        // A true `all` changes as soon as any child does
        #expect(try rule(["all": [a, b, vip]]).evaluate(facts) == SegmentEvaluation(matched: true, nextChange: in6h))
        // A false `all` stays false until every false child has changed
        #expect(try rule(["all": [notA, notB, vip]]).evaluate(facts) == SegmentEvaluation(matched: false, nextChange: in12h))
        // … and forever by the clock when a false child never changes by it
        #expect(try rule(["all": [notA, notVip]]).evaluate(facts) == SegmentEvaluation(matched: false, nextChange: nil))
        // A true `any` stays true until every true child has changed
        #expect(try rule(["any": [a, b, notVip]]).evaluate(facts) == SegmentEvaluation(matched: true, nextChange: in12h))
        #expect(try rule(["any": [a, vip]]).evaluate(facts) == SegmentEvaluation(matched: true, nextChange: nil))
        // A false `any` changes as soon as any child does
        #expect(try rule(["any": [notA, notB, notVip]]).evaluate(facts) == SegmentEvaluation(matched: false, nextChange: in6h))
        // `not` keeps its child's time
        #expect(try rule(["not": ["all": [a, b]]]).evaluate(facts) == SegmentEvaluation(matched: false, nextChange: in6h))
        // And the answers are right after the changes
        facts.now = in6h
        #expect(try !rule(["all": [a, b, vip]]).evaluate(facts).matched)
        #expect(try rule(["any": [a, b, notVip]]).evaluate(facts).matched)
        facts.now = in12h
        #expect(try rule(["all": [notA, notB, vip]]).evaluate(facts) == SegmentEvaluation(matched: true, nextChange: nil))
        #expect(try !rule(["any": [a, b, notVip]]).evaluate(facts).matched)
    }

    // MARK: Parsing

    @Test func anUnknownKeyIsNamedByItsPointer() {
        let json: JSONValue = ["all": [
            ["trait": "age", "op": "gte", "value": 30],
            ["consent": "email", "is": true],
            ["event": "Order Completed", "count": ["gtee": 2]],
        ]]
        #expect(fields(json) == ["/rule/all/2/count/gtee"])
        #expect(fields(["trait": "age", "op": "eq", "value": 1, "colour": "red"]) == ["/rule/colour"])
        #expect(fields(["geo": ["country": "GB", "planet": "Earth"]]) == ["/rule/geo/planet"])
    }

    @Test func everyErrorIsReportedNotJustTheFirst() {
        let json: JSONValue = ["any": [
            ["trait": 5, "op": "eq", "value": 1],
            ["prediction": "p_alive", "op": "in", "value": [1]],
            ["event": "x", "within": "30 days"],
            ["intent": "dreaming"],
        ]]
        #expect(fields(json) == ["/rule/any/0/trait", "/rule/any/1/op", "/rule/any/1/value", "/rule/any/2/within", "/rule/any/3/intent"])
    }

    static let badNodes: [(JSONValue, String)] = [
        (["trait": "age", "op": "in", "value": 3], "/rule/value"),
        (["trait": "age", "op": "gt", "value": [1]], "/rule/value"),
        (["trait": "age", "op": "eq"], "/rule/value"),
        (["trait": "age", "op": "eq", "value": nil], "/rule/value"),
        (["trait": "age", "value": 3], "/rule/op"),
        (["trait": "age", "op": "like", "value": 3], "/rule/op"),
        (["trait": "age", "op": "exists", "value": "yes"], "/rule/value"),
        (["trait": "company..industry", "op": "exists"], "/rule/trait"),
        (["event": "x", "count": ["contains": 2]], "/rule/count/contains"),
        (["event": "x", "count": ["gte": "2"]], "/rule/count/gte"),
        (["event": "x", "count": [:]], "/rule/count"),
        (["event": "x", "count": ["gte": 1], "sum": ["property": "revenue", "gte": 1]], "/rule/sum"),
        (["event": "x", "sum": ["gte": 1]], "/rule/sum/property"),
        (["event": "x", "within": "0d"], "/rule/within"),
        (["event": "x", "within": "9999999w"], "/rule/within"),
        (["event": "", "within": "1d"], "/rule/event"),
        (["affinity": "brand", "value": "Nike", "op": "gte"], "/rule/score"),
        (["affinity": "brand", "value": "Nike", "score": 0.3], "/rule/op"),
        (["affinity": "brand", "value": "Nike", "op": "gte", "score": 1.5], "/rule/score"),
        (["affinity": "brand", "value": "Nike", "op": "exists", "score": 0.5], "/rule/op"),
        (["affinity": "size", "value": "M"], "/rule/affinity"),
        (["affinity": "brand"], "/rule/value"),
        (["prediction": "ltv", "op": "lt", "value": 1], "/rule/prediction"),
        (["prediction": "p_alive", "op": "lt", "value": "low"], "/rule/value"),
        (["consent": "sms", "is": true], "/rule/consent"),
        (["consent": "email", "is": "yes"], "/rule/is"),
        (["consent": "email"], "/rule/is"),
        (["geo": [:]], "/rule/geo"),
        (["geo": "GB"], "/rule/geo"),
        (["geo": ["country": 44]], "/rule/geo/country"),
        (["segment": "bad key!"], "/rule/segment"),
        (["channel": ["app"]], "/rule/channel"),
        (["not": []], "/rule/not"),
        (["all": []], "/rule/all"),
        (["any": ["trait": "a", "op": "exists"]], "/rule/any"),
        (["op": "eq", "value": 1], "/rule"),
        (["trait": "a", "event": "b", "op": "exists"], "/rule"),
        ("vip", "/rule"),
    ]

    @Test(arguments: badNodes)
    func aBadNodeIsNamedByItsPointer(json: JSONValue, field: String) {
        let found = errors(json)
        #expect(found.map(\.field) == [field], "\(json): \(found)")
        #expect(found.allSatisfy { !$0.message.isEmpty })
    }

    @Test func badOperatorsForALeafSayWhichAreAllowed() {
        let found = errors(["prediction": "p_alive", "op": "contains", "value": 1])
        #expect(found == [FieldError(field: "/rule/op", message: "\"contains\" cannot be used with a prediction; use one of eq, ne, gt, gte, lt, lte")])
    }

    @Test func aRuleTooDeepOrTooLargeIsRefusedAtItsRoot() {
        var deep: JSONValue = ["trait": "a", "op": "exists"]
        for _ in 0..<9 { deep = ["not": deep] }
        #expect(errors(deep).isEmpty)
        deep = ["not": deep]
        #expect(errors(deep) == [FieldError(field: "/rule", message: "is nested 11 levels deep; at most 10 are allowed")])

        let leaf: JSONValue = ["segment": "vip"]
        #expect(errors(["any": .array(Array(repeating: leaf, count: 199))]).isEmpty)
        #expect(errors(["any": .array(Array(repeating: leaf, count: 200))])
            == [FieldError(field: "/rule", message: "has 201 nodes; at most 200 are allowed")])
    }

    @Test func stringsAndInListsAreBounded() {
        let long = String(repeating: "x", count: 8 * 1024 + 1)
        #expect(fields(["channel": .string(long)]) == ["/rule/channel"])
        #expect(fields(["trait": "a", "op": "in", "value": ["ok", .string(long)]]) == ["/rule/value/1"])
        let many = JSONValue.array((0...1000).map { .number(Double($0)) })
        #expect(fields(["trait": "a", "op": "in", "value": many]) == ["/rule/value"])
    }

    @Test func theJSONFormRoundTrips() throws {
        let json: JSONValue = ["all": [
            ["trait": "company.industry", "op": "in", "value": ["retail", "food"]],
            ["trait": "email", "op": "exists"],
            ["event": "Order Completed", "within": "36h", "count": ["gte": 2, "lt": 10]],
            ["event": "Order Completed", "within": "14d", "sum": ["property": "revenue", "gte": 100]],
            ["event": "Signed Up"],
            ["any": [
                ["affinity": "brand", "value": "Nike", "op": "gte", "score": 0.3],
                ["affinity": "tags", "value": "trail"],
                ["prediction": "p_alive", "op": "lt", "value": 0.3],
            ]],
            ["not": ["consent": "email", "is": false]],
            ["intent": "buying"], ["channel": "app"], ["geo": ["country": "GB", "city": "London"]],
            ["segment": "other-key"],
        ]]
        let parsed = try rule(json)
        #expect(try rule(parsed.json) == parsed)
        #expect(parsed.json["all"]?.arrayValue?[2]["within"] == "36h")
        #expect(parsed.json["all"]?.arrayValue?[3]["within"] == "2w")
        #expect(parsed.json["all"]?.arrayValue?[4] == ["event": "Signed Up", "count": ["gte": 1]])
        #expect(parsed.nodeCount == 16)
        #expect(parsed.depth == 3)
        #expect(parsed.referencedSegments == ["other-key"])
        #expect(parsed.eventConditions.map(\.signature) == [
            EventSignature(name: "Order Completed", sumProperty: nil),
            EventSignature(name: "Order Completed", sumProperty: "revenue"),
            EventSignature(name: "Signed Up", sumProperty: nil),
        ])
        #expect(parsed.eventConditions[0].comparisons == [NumericComparison(.gte, 2), NumericComparison(.lt, 10)])
        #expect(parsed.longestWindow == 14 * day)
    }

    // MARK: Definitions

    @Test func aDefinitionTakesItsDefaults() throws {
        let definition = try SegmentDefinition.parse(["key": "vip-runners", "rule": ["segment": "vip"]], now: t0).get()
        #expect(definition == SegmentDefinition(key: "vip-runners", name: "vip-runners", rule: .segment("vip"), persona: false,
            priority: 0, createdAt: t0, updatedAt: t0))
        #expect(definition.json["created_at"] == "2026-11-22T10:00:00Z")
        #expect(definition.json["updated_at"] == "2026-11-22T10:00:00Z")
        let again = try SegmentDefinition.parse(definition.json, now: t0).get()
        #expect(again == definition)
    }

    @Test func aDefinitionReportsEachBadField() {
        let body: JSONValue = [
            "key": "-bad", "name": "", "rule": ["all": [["trait": "a", "op": "gtee", "value": 1]]], "persona": "yes",
            "priority": 1.5, "colour": "red", "description": 3,
        ]
        guard case .failure(let failure) = SegmentDefinition.parse(body, now: t0) else {
            Issue.record("expected errors")
            return
        }
        #expect(failure.errors.map(\.field).sorted()
            == ["/colour", "/description", "/key", "/name", "/persona", "/priority", "/rule/all/0/op"])
        #expect(failure.errors.first { $0.field == "/key" }?.message.contains("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$") == true)
        guard case .failure(let missing) = SegmentDefinition.parse([:], now: t0) else { return }
        #expect(missing.errors.map(\.field).sorted() == ["/key", "/rule"])
    }

    @Test func aPutTakesItsKeyFromThePath() throws {
        let body: JSONValue = ["name": "VIP", "rule": ["segment": "vip"], "persona": true, "priority": 5]
        let definition = try SegmentDefinition.parse(body, key: "vip-runners", now: t0).get()
        #expect(definition.key == "vip-runners" && definition.name == "VIP" && definition.persona && definition.priority == 5)
        let same = try SegmentDefinition.parse(["key": "vip-runners", "rule": ["segment": "vip"]], key: "vip-runners", now: t0).get()
        #expect(same.key == "vip-runners")
        guard case .failure(let failure) = SegmentDefinition.parse(["key": "other", "rule": ["segment": "vip"]], key: "vip-runners", now: t0) else {
            Issue.record("expected a key mismatch")
            return
        }
        #expect(failure.errors.map(\.field) == ["/key"])
        guard case .failure(let badPath) = SegmentDefinition.parse(["rule": ["segment": "vip"]], key: "no spaces", now: t0) else {
            Issue.record("expected a bad path key")
            return
        }
        #expect(badPath.errors.map(\.field) == ["/key"])
    }

    @Test func aStoredTallyIsRestoredInOrder() {
        let tally = EventTally(times: [30, 10, 20], values: [3, 1, 2], totalCount: 5, totalSum: 100)
        #expect(Array(tally.times) == [10, 20, 30] && Array(tally.values) == [1, 2, 3])
        #expect(tally.totalCount == 5 && tally.totalSum == 100)
        let short = EventTally(times: [10, 20], values: [1], totalCount: 0, totalSum: 0)
        #expect(short.times.count == 1 && short.totalCount == 1 && short.totalSum == 1)
    }

    @Test func segmentKeysFollowTheirPattern() {
        #expect(SegmentDefinition.isValidKey("a"))
        #expect(SegmentDefinition.isValidKey("VIP_runners.2026-q1"))
        #expect(SegmentDefinition.isValidKey(String(repeating: "k", count: 128)))
        #expect(!SegmentDefinition.isValidKey(String(repeating: "k", count: 129)))
        #expect(!SegmentDefinition.isValidKey(""))
        #expect(!SegmentDefinition.isValidKey("_a"))
        #expect(!SegmentDefinition.isValidKey("a b"))
        #expect(!SegmentDefinition.isValidKey("café"))
    }

    // MARK: Tallies

    @Test func aTallyKeepsLateEventsInTimeOrder() {
        var tally = EventTally()
        #expect(tally.isEmpty)
        tally.record(at: t0, value: 1)
        tally.record(at: t0.addingTimeInterval(-2 * day), value: 2)
        tally.record(at: t0.addingTimeInterval(-1 * day), value: 3)
        tally.record(at: t0.addingTimeInterval(-3 * day), value: 4)
        #expect(Array(tally.times) == [-3, -2, -1, 0].map { t0.timeIntervalSince1970 + $0 * day })
        #expect(Array(tally.values) == [4, 2, 3, 1])
        #expect(!tally.isEmpty && tally.totalCount == 4 && tally.totalSum == 10)
        #expect(tally.window(1.5 * day, now: t0)
            == EventTally.Window(count: 2, sum: 4, changesAt: t0.addingTimeInterval(0.5 * day)))
    }

    @Test func mergingTalliesInterleavesTheirEntries() {
        var a = EventTally()
        a.record(at: t0.addingTimeInterval(-3 * day), value: 1)
        a.record(at: t0.addingTimeInterval(-1 * day), value: 1)
        var b = EventTally()
        b.record(at: t0.addingTimeInterval(-2 * day), value: 5)
        b.record(at: t0, value: 5)
        a.merge(b)
        #expect(Array(a.values) == [1, 5, 1, 5])
        #expect(Array(a.times) == a.times.sorted())
        #expect(a.totalCount == 4 && a.totalSum == 12)
        #expect(a.window(nil, now: t0) == EventTally.Window(count: 4, sum: 12, changesAt: nil))
    }

    @Test func pruningDropsOldEntriesButKeepsTheTotals() {
        var tally = EventTally()
        for days in [40.0, 20, 5, 1] { tally.record(at: t0.addingTimeInterval(-days * day), value: days) }
        tally.prune(before: t0.addingTimeInterval(-30 * day))
        #expect(tally.times.count == 3)
        #expect(tally.window(nil, now: t0) == EventTally.Window(count: 4, sum: 66, changesAt: nil))
        #expect(tally.window(30 * day, now: t0) == EventTally.Window(count: 3, sum: 26, changesAt: t0.addingTimeInterval(10 * day)))
        tally.prune(before: t0.addingTimeInterval(day))
        #expect(tally.times.isEmpty && !tally.isEmpty)
        #expect(tally.window(7 * day, now: t0) == .empty)
    }

    @Test func aFutureEntryCountsFromItsTimeInEveryWindow() {
        var tally = EventTally()
        tally.record(at: t0.addingTimeInterval(-day), value: 10)
        tally.record(at: t0.addingTimeInterval(3600), value: 7)
        #expect(tally.window(nil, now: t0) == EventTally.Window(count: 1, sum: 10, changesAt: t0.addingTimeInterval(3600)))
        #expect(tally.window(2 * day, now: t0) == EventTally.Window(count: 1, sum: 10, changesAt: t0.addingTimeInterval(3600)))
        #expect(tally.window(3600, now: t0) == EventTally.Window(count: 0, sum: 0, changesAt: t0.addingTimeInterval(3600)))
        let later = t0.addingTimeInterval(3600)
        #expect(tally.window(2 * day, now: later) == EventTally.Window(count: 2, sum: 17, changesAt: t0.addingTimeInterval(day)))
    }
}
