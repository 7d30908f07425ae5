import BaristaCore
import BaristaEngine
import Foundation

/// The demo shop's segments and onboarding quiz, made through the engine as a marketer would make
/// them through the API.
enum DemoAudiences {
    /// The segments: two personas and two working audiences, each a rule a marketer would write.
    static let segments: [(key: String, name: String, persona: Bool, priority: Int, rule: String)] = [
        ("vip", "VIP customers", true, 10,
            #"{"any":[{"event":"Order Completed","within":"365d","count":{"gte":3}},{"event":"Order Completed","within":"365d","sum":{"property":"revenue","gte":300}}]}"#),
        ("lapsing", "Customers slipping away", true, 5, #"{"prediction":"p_alive","op":"lt","value":0.5}"#),
        ("cart-abandoners", "Added to cart today, no order", false, 0,
            #"{"all":[{"event":"Product Added","within":"1d"},{"not":{"event":"Order Completed","within":"1d"}}]}"#),
        ("email-engaged", "Open our emails", false, 0,
            #"{"all":[{"consent":"email","is":true},{"prediction":"email_open_rate","op":"gte","value":0.3}]}"#),
    ]

    /// Creates the segments and a style quiz whose answers are the shop's four biggest categories.
    /// The demo's shoppers receive newsletters, so the shop counts as having their email opt-in
    /// (`default_consent.email`), which the `email-engaged` segment requires.
    static func create(engine: Engine, site: SiteID, items: [JSONValue]) async throws -> [SegmentSummary] {
        _ = try await engine.updateSettings(site: site, patch: ["default_consent": ["personalization": true, "analytics": true, "email": true]])
        var made: [SegmentSummary] = []
        let now = engine.currentTime
        for segment in segments {
            let rule = try SegmentRule.parse(try JSON.parse(segment.rule), at: JSONPointer("/rule")).mapError { BaristaError.invalid($0.errors) }.get()
            let definition = SegmentDefinition(
                key: segment.key, name: segment.name, rule: rule, persona: segment.persona, priority: segment.priority, createdAt: now, updatedAt: now)
            made.append(try await engine.createSegment(definition, site: site))
        }
        var counts: [String: Int] = [:]
        for item in items { if let category = item["category"]?.stringValue { counts[category, default: 0] += 1 } }
        let biggest = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(4).map(\.key)
        let answers: [JSONValue] = biggest.enumerated().map { index, category in
            ["key": .string("c\(index + 1)"), "text": .string(category), "sets": ["preferences": ["categories": [.string(category)]]]]
        }
        let quiz: JSONValue = [
            "key": "style", "title": "What are you shopping for?",
            "questions": [
                ["key": "category", "text": "What are you shopping for?", "multiple": true, "answers": .array(answers)],
                ["key": "budget", "text": "Your budget?", "answers": [
                    ["key": "save", "text": "Good value", "sets": ["traits": ["budget": "value"]]],
                    ["key": "treat", "text": "Treat myself", "sets": ["traits": ["budget": "premium"]]],
                ]],
            ],
        ]
        _ = try await engine.saveQuiz(try Quiz.parse(quiz).mapError { BaristaError.invalid($0.errors) }.get(), site: site)
        return made
    }
}
