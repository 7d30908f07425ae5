import BaristaCore
import BaristaTesting
import Foundation
import Hummingbird
import Testing

/// Segments, ranking, audiences and quizzes through HTTP.
struct ProfileIntelligenceRouteTests {
    typealias R = RecommendationsRouteTests

    static let shop: [(id: String, title: String, category: String, brand: String)] = [
        ("nike-1", "Nike Pegasus", "shoes", "Nike"), ("nike-2", "Nike Vomero", "shoes", "Nike"),
        ("adi-1", "Adidas Boston", "shoes", "Adidas"), ("adi-2", "Adidas Adizero", "shoes", "Adidas"),
        ("asics-1", "Asics Nimbus", "shoes", "Asics"), ("sock-1", "Run Socks", "socks", "Stance"),
    ]

    @Test func segmentsAreCreatedValidatedListedPreviewedAndPaged() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            try await R.catalog(client, Self.shop)
            try await R.send(client, [R.order("ada", ["nike-1"], minutesAgo: 60), R.order("ada", ["nike-2"], minutesAgo: 30),
                R.order("bob", ["adi-1"], minutesAgo: 30), R.view("cy", "asics-1", minutesAgo: 5)])
            let rule = #"{"event":"Order Completed","within":"7d","count":{"gte":2}}"#
            let created = try await client.send(.post, "/v1/segments", body: #"{"key":"repeat-buyers","name":"Repeat buyers","rule":\#(rule),"persona":true,"priority":3}"#)
            #expect(created.status == .created && created.json["size"]?.doubleValue == 1, "\(created.text)")
            #expect(created.json["rule"]?["count"]?["gte"]?.doubleValue == 2 && created.json["created_at"]?.stringValue != nil)
            let again = try await client.send(.post, "/v1/segments", body: #"{"key":"repeat-buyers","rule":\#(rule)}"#)
            #expect(again.isProblem(.conflict))

            let bad = try await client.send(.post, "/v1/segments", body: #"{"key":"x","rule":{"all":[{"trait":"age","op":"gte","value":30},{"event":"Order Completed","count":{"gtee":2}}]}}"#)
            #expect(bad.isProblem(.unprocessableContent, field: "/rule/all/1/count/gtee"), "\(bad.text)")
            let deep = String(repeating: #"{"not":"#, count: 11) + #"{"channel":"web"}"# + String(repeating: "}", count: 11)
            #expect(try await client.send(.post, "/v1/segments", body: #"{"key":"deep","rule":\#(deep)}"#).isProblem(.unprocessableContent, field: "/rule"))
            let code = try await client.send(.post, "/v1/segments", body: #"{"key":"inj","rule":{"trait":"x","op":"eq","value":"x","script":"java.lang.Runtime"}}"#)
            #expect(code.isProblem(.unprocessableContent, field: "/rule/script"), "an unknown key is refused, never run")
            let missing = try await client.send(.post, "/v1/segments", body: #"{"key":"y","rule":{"segment":"nope"}}"#)
            #expect(missing.isProblem(.unprocessableContent, field: "/rule"))

            let list = try await client.send(.get, "/v1/segments")
            #expect(list.json["segments"]?.arrayValue?.map { $0["key"]?.stringValue } == ["repeat-buyers"])
            let ada = try await client.send(.get, "/v1/profiles/ada")
            #expect(ada.json["segments"] == ["repeat-buyers"] && ada.json["persona"] == "repeat-buyers")
            #expect(ada.json["intent_signals"]?.arrayValue?.isEmpty == false)

            let preview = try await client.send(.post, "/v1/segments:preview", body: #"{"rule":{"event":"Order Completed"}}"#)
            #expect(preview.json["size"]?.doubleValue == 2 && preview.json["sample"]?.arrayValue?.count == 2, "\(preview.text)")
            #expect(try await client.send(.post, "/v1/segments:preview", body: #"{"rule":{"channel":5}}"#).isProblem(.unprocessableContent, field: "/rule/channel"))

            let first = try await client.send(.get, "/v1/segments/repeat-buyers/members?limit=1")
            #expect(first.json["profiles"]?.arrayValue?.first?["user_ids"] == ["ada"] && first.json["next_cursor"] == .null)
            let bySegment = try await client.send(.get, "/v1/profiles?segment=repeat-buyers")
            #expect(bySegment.json["profiles"]?.arrayValue?.count == 1)
            #expect(try await client.send(.get, "/v1/profiles?segment=nope").isProblem(.notFound))

            let replaced = try await client.send(.put, "/v1/segments/repeat-buyers", body: #"{"rule":{"event":"Order Completed"}}"#)
            #expect(replaced.status == .ok && replaced.json["size"]?.doubleValue == 2)
            #expect(try await client.send(.put, "/v1/segments/a", body: #"{"key":"b","rule":{"channel":"web"}}"#).isProblem(.unprocessableContent, field: "/key"))
            #expect(try await client.send(.delete, "/v1/segments/repeat-buyers").status == .ok)
            #expect(try await client.send(.get, "/v1/segments/repeat-buyers").isProblem(.notFound))
            let forbidden = try await client.send(.get, "/v1/segments", key: h.publishableKey)
            #expect(forbidden.isProblem(.forbidden))
        }
    }

    @Test func rankPutsTheCallersListInThePersonsOrderAndStatedPreferencesOutrankTastes() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            try await R.catalog(client, Self.shop)
            try await R.send(client, (0..<4).map { R.view("ada", $0 % 2 == 0 ? "nike-1" : "nike-2", minutesAgo: Double(10 + $0)) })
            let body = #"{"user":{"user_id":"ada"},"items":["adi-1","unknown-9","asics-1","nike-2","adi-2","nike-1"],"context":{"page":"category"}}"#
            let ranked = try await client.send(.post, "/v1/rank", key: h.publishableKey, body: body)
            #expect(ranked.status == .ok && ranked.json["ranking_id"]?.stringValue?.hasPrefix("rnk_") == true, "\(ranked.text)")
            let order = R.ids(ranked)
            #expect(Set(order.prefix(2)) == ["nike-1", "nike-2"], "\(order)")
            #expect(order.last == "unknown-9", "unknown items go to the end")
            #expect(ranked.json["items"]?.arrayValue?.allSatisfy { $0["reason"]?.stringValue?.isEmpty == false } == true)

            _ = try await client.send(.put, "/v1/profiles/ada/preferences", body: #"{"brands":["Adidas"]}"#)
            let preferred = R.ids(try await client.send(.post, "/v1/rank", key: h.publishableKey, body: body))
            #expect(Set(preferred.prefix(2)) == ["adi-1", "adi-2"], "her own choice outranks what was inferred: \(preferred)")

            _ = try await client.send(.put, "/v1/profiles/ada/consent", body: #"{"personalization":false}"#)
            let unchanged = try await client.send(.post, "/v1/rank", key: h.publishableKey, body: body)
            #expect(R.ids(unchanged) == ["adi-1", "unknown-9", "asics-1", "nike-2", "adi-2", "nike-1"])
            #expect(unchanged.json["personalized"] == false)

            #expect(try await client.send(.post, "/v1/rank", body: #"{"items":[]}"#).isProblem(.unprocessableContent, field: "/items"))
            #expect(try await client.send(.post, "/v1/rank", body: #"{"items":["a","a"]}"#).isProblem(.unprocessableContent, field: "/items/1"))
            #expect(try await client.send(.post, "/v1/rank", body: #"{"items":["a"],"usr":{}}"#).isProblem(.unprocessableContent, field: "/usr"))
        }
    }

    @Test func anItemsAudienceFindsItsViewersAndANewItemFindsPeopleThroughItsAttributes() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            try await R.catalog(client, Self.shop)
            _ = try await client.send(.put, "/v1/items/show-s1", body: #"{"title":"Space Saga S1","category":"series","attributes":{"actor":"Ripley"}}"#)
            _ = try await client.send(.put, "/v1/items/show-x", body: #"{"title":"Cooking","category":"series","attributes":{"actor":"Julia"}}"#)
            try await R.send(client, [R.view("fan", "show-s1", minutesAgo: 20), R.view("fan", "show-s1", minutesAgo: 10),
                R.view("cook", "show-x", minutesAgo: 10), R.view("runner", "nike-1", minutesAgo: 5), R.view("runner", "nike-2", minutesAgo: 4),
                R.view("other", "nike-2", minutesAgo: 3)])

            let audience = try await client.send(.get, "/v1/items/nike-1/audience?limit=10")
            #expect(audience.status == .ok, "\(audience.text)")
            let users = audience.json["profiles"]?.arrayValue?.compactMap { $0["user_id"]?.stringValue } ?? []
            #expect(users.first == "runner" && users.contains("other") && !users.contains("cook"), "\(audience.text)")
            #expect(audience.json["threshold"]?.doubleValue == 0.1 && (audience.json["estimated_size"]?.doubleValue ?? 0) >= 2)

            // A new season, never seen: the people who watch its actor.
            _ = try await client.send(.put, "/v1/items/show-s2", body: #"{"title":"Space Saga S2","category":"series","attributes":{"actor":"Ripley"}}"#)
            let fresh = try await client.send(.get, "/v1/items/show-s2/audience")
            let first = fresh.json["profiles"]?.arrayValue?.first
            #expect(first?["user_id"] == "fan" && fresh.json["basis"] == "attributes", "\(fresh.text)")
            #expect(try await client.send(.get, "/v1/items/nope/audience").isProblem(.notFound))
            #expect(try await client.send(.get, "/v1/items/nike-1/audience?threshold=2").isProblem(.unprocessableContent, field: "threshold"))
        }
    }

    @Test func aQuizResponseSetsPreferencesAndTraitsAndChangesRecommendationsAtOnce() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            try await R.catalog(client, Self.shop)
            try await R.send(client, (0..<6).map { R.view("crowd\($0)", "asics-1", minutesAgo: Double(10 + $0)) })
            let quiz = #"""
                {"key":"onboarding","questions":[
                  {"key":"brand","text":"Which brand do you run in?","answers":[
                    {"key":"adidas","text":"Adidas","sets":{"preferences":{"brands":["Adidas"]}}},
                    {"key":"nike","text":"Nike","sets":{"preferences":{"brands":["Nike"]}}}]},
                  {"key":"level","text":"How far?","answers":[{"key":"marathon","text":"Marathons","sets":{"traits":{"runner_level":"marathon"}}}]}]}
                """#
            #expect(try await client.send(.post, "/v1/quizzes", body: quiz).status == .created)
            #expect(try await client.send(.post, "/v1/quizzes", body: quiz).status == .ok, "a second post replaces it")
            let badQuiz = try await client.send(.post, "/v1/quizzes", body: #"{"key":"q","questions":[{"key":"a","text":"A","answers":[{"key":"x","text":"X","sets":{"preferences":{"brand":["x"]}}}]}]}"#)
            #expect(badQuiz.isProblem(.unprocessableContent, field: "/questions/0/answers/0/sets/preferences/brand"), "\(badQuiz.text)")

            let before = try await client.send(.post, "/v1/recommendations", key: h.publishableKey, body: #"{"user":{"anonymous_id":"new-1"},"strategy":"for_you","limit":2}"#)
            #expect(R.ids(before).first == "asics-1", "a stranger gets what is trending")
            let answered = try await client.send(.post, "/v1/quizzes/onboarding/responses",
                body: #"{"user":{"anonymous_id":"new-1"},"answers":{"brand":"adidas","level":"marathon"}}"#)
            #expect(answered.status == .ok && answered.json["preferences"]?["brands"] == ["Adidas"], "\(answered.text)")
            #expect(answered.json["traits"]?["runner_level"] == "marathon")
            let after = try await client.send(.post, "/v1/recommendations", key: h.publishableKey, body: #"{"user":{"anonymous_id":"new-1"},"strategy":"for_you","limit":2}"#)
            #expect(Set(R.ids(after)) == ["adi-1", "adi-2"], "\(after.text)")

            let wrong = try await client.send(.post, "/v1/quizzes/onboarding/responses", body: #"{"user":{"anonymous_id":"new-2"},"answers":{"brand":"puma"}}"#)
            #expect(wrong.isProblem(.unprocessableContent, field: "/answers/brand"))
            #expect(try await client.send(.post, "/v1/quizzes/nope/responses", body: #"{"user":{"anonymous_id":"n"},"answers":{"a":"b"}}"#).isProblem(.notFound))
            #expect(try await client.send(.get, "/v1/quizzes").json["quizzes"]?.arrayValue?.count == 1)
            #expect(try await client.send(.delete, "/v1/quizzes/onboarding").status == .ok)
        }
    }
}
