import BaristaCore
import BaristaEngine
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

/// Training, snapshots and restarts of the recommendation engine.
struct RecommendationEngineTests {
    /// Two tastes (camping, fashion), 12 people each, on a 12-item catalog.
    static func shop(_ h: EngineHarness) async throws {
        let camping = (1...6).map { Fixtures.item("camp-\($0)", category: "camping", brand: "Trek") }
        let fashion = (1...6).map { Fixtures.item("fash-\($0)", category: "fashion", brand: "Mode") }
        _ = try await h.engine.upsertItems(camping + fashion, site: h.site)
        var events: [Event] = []
        for person in 0..<24 {
            let items = person < 12 ? camping : fashion
            for (offset, item) in items.shuffled().prefix(4).enumerated() {
                events.append(Fixtures.track("Product Viewed", user: "p\(person)", at: Fixtures.now.addingTimeInterval(Double(offset - 100) * 60),
                    properties: ["product_id": .string(item.id.rawValue)]))
            }
            if person % 3 == 0 {
                events.append(Fixtures.track("Order Completed", user: "p\(person)", at: Fixtures.now.addingTimeInterval(-10 * 60),
                    properties: ["products": [["product_id": .string(items[0].id.rawValue)], ["product_id": .string(items[1].id.rawValue)]]]))
            }
        }
        _ = try await h.engine.ingest(events, site: h.site)
    }

    static func forYou(_ user: String) -> RecommendationRequest {
        var request = RecommendationRequest(strategy: .forYou, user: UserReference(userID: user))
        request.limit = 4
        return request
    }

    @Test func trainingPublishesAModelAndSkipsWhenNothingIsNew() async throws {
        let h = try await EngineHarness()
        try await Self.shop(h)
        let before = try await h.engine.recommend(Self.forYou("p1"), site: h.site)
        #expect(before.modelVersion == "live")
        let report = try #require(try await h.engine.train(site: h.site))
        #expect(report.people == 24 && report.items == 12)
        let after = try await h.engine.recommend(Self.forYou("p1"), site: h.site)
        #expect(after.modelVersion == report.version)
        #expect(after.items.allSatisfy { $0.item.category == "camping" }, "\(after.items.map(\.item.id))")
        #expect(try await h.engine.train(site: h.site) == nil, "nothing new: no retraining")
        _ = try await h.engine.ingest([Fixtures.track("Product Viewed", user: "p1", properties: ["product_id": "fash-1"])], site: h.site)
        #expect(try await h.engine.train(site: h.site) != nil)
    }

    @Test func aLaterTrainingReadsOnlyTheNewEventsAndLearnsWhatAFullReadWould() async throws {
        let store = try SQLiteStore()
        let h = try await EngineHarness(store: store)
        try await Self.shop(h)
        let first = try #require(try await h.engine.train(site: h.site))
        #expect(first.events > 50)
        // New views, an anonymous visitor who then signs in as p2 (a merge), and an erasure.
        _ = try await h.send(
            Fixtures.track("Product Viewed", user: "p1", properties: ["product_id": "fash-1"]),
            Fixtures.track("Product Viewed", anonymous: "a-9", properties: ["product_id": "fash-2"]),
            Fixtures.identify(user: "p2", anonymous: "a-9"))
        #expect(try await h.engine.erase("p3", by: .userID, site: h.site) != nil)
        let second = try #require(try await h.engine.train(site: h.site))
        #expect(second.events == 3, "only the events since the first training are read: \(second.events)")
        // A new process reads the whole log: it must learn the same people, items and pairs.
        let fresh = Engine(store: store, clock: h.clock.function, logger: Logger(label: "test"))
        let full = try #require(try await fresh.train(site: h.site, force: true))
        #expect(full.events > second.events)
        #expect((second.people, second.items, second.pairs) == (full.people, full.items, full.pairs))
        #expect(second.people == 23, "p3 is erased, the visitor merged into p2")
    }

    @Test func withATrainedModelAViewStillChangesTheNextAnswer() async throws {
        let h = try await EngineHarness()
        try await Self.shop(h)
        _ = try #require(try await h.engine.train(site: h.site))
        var request = Self.forYou("p1")
        request.limit = 8
        let first = try await h.engine.recommend(request, site: h.site)
        let again = try await h.engine.recommend(request, site: h.site)
        #expect(first.items.map(\.item.id) == again.items.map(\.item.id), "a repeated question gets the same answer")
        #expect(first.items.first?.item.category == "camping")
        func fashionRank(_ result: RecommendationResult) -> Int { result.items.firstIndex { $0.item.category == "fashion" } ?? .max }
        _ = try await h.engine.ingest([
            Fixtures.track("Product Viewed", user: "p1", at: Fixtures.now.addingTimeInterval(-2), properties: ["product_id": "fash-1"]),
            Fixtures.track("Product Viewed", user: "p1", at: Fixtures.now.addingTimeInterval(-1), properties: ["product_id": "fash-2"]),
        ], site: h.site)
        let after = try await h.engine.recommend(request, site: h.site)
        #expect(fashionRank(after) < fashionRank(first), "the person's new views count at once: \(first.items.map(\.item.id)) → \(after.items.map(\.item.id))")
        // A catalog change (out of stock) reaches a cached answer too.
        let top = try #require(after.items.first?.item)
        var gone = top
        gone.inStock = false
        _ = try await h.engine.upsertItems([gone], site: h.site)
        #expect(try await h.engine.recommend(request, site: h.site).items.allSatisfy { $0.item.id != top.id })
    }

    @Test func snapshotsSwapUnderConcurrentRequestsWithoutErrors() async throws {
        let h = try await EngineHarness()
        try await Self.shop(h)
        _ = try await h.engine.train(site: h.site)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var answered = 0
                    for round in 0..<150 {
                        let result = try await h.engine.recommend(Self.forYou("p\((worker * 7 + round) % 24)"), site: h.site)
                        if !result.items.isEmpty { answered += 1 }
                    }
                    return answered
                }
            }
            group.addTask {
                for _ in 0..<3 { _ = try await h.engine.train(site: h.site, force: true) }
                return 0
            }
            var total = 0
            for try await answered in group { total += answered }
            #expect(total == 600)
        }
    }

    @Test func aRestartKeepsTheModelAndTheLiveCounts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let h = try await EngineHarness(store: try SQLiteStore(directory: directory))
        try await Self.shop(h)
        let report = try #require(try await h.engine.train(site: h.site))
        try await h.engine.settle()
        func reopen() throws -> Engine {
            Engine(store: try SQLiteStore(directory: directory), clock: h.clock.function, logger: Logger(label: "test"))
        }
        let first = try reopen()
        #expect(try await first.recommend(Self.forYou("p1"), site: h.site).modelVersion == report.version)
        #expect(try await first.train(site: h.site) == nil, "nothing arrived since the stored model: no retraining at start")
        // Events after the live checkpoint are replayed at the next start.
        _ = try await first.ingest([
            Fixtures.track("Product Viewed", user: "late", at: Fixtures.now.addingTimeInterval(-60), properties: ["product_id": "camp-1"]),
            Fixtures.track("Product Viewed", user: "late", properties: ["product_id": "fash-6"]),
        ], site: h.site)
        var similar = RecommendationRequest(strategy: .similar)
        similar.contextItem = ItemID("fash-6")
        let expected = try await first.recommend(similar, site: h.site).items.map(\.item.id)
        #expect(expected.contains(ItemID("camp-1")), "the late co-view counts")
        let second = try reopen()
        #expect(try await second.recommend(similar, site: h.site).items.map(\.item.id) == expected)
    }
}
