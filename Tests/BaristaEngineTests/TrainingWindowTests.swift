import BaristaCore
import BaristaEngine
import BaristaModels
import BaristaTesting
import Foundation
import Testing

/// A training learns from a bounded window of the log: the most recent interactions within an age.
struct TrainingWindowTests {
    /// `people` people who each view `items` (as `prefix-1`, `prefix-2`, …), all `daysAgo` days before `Fixtures.now`.
    static func views(_ prefix: String, people: Range<Int>, items: Int, daysAgo: Double) -> [Event] {
        people.flatMap { person in
            (1...items).map { item in
                Fixtures.track("Product Viewed", user: "\(prefix)p\(person)",
                    at: Fixtures.now.addingTimeInterval(-daysAgo * 86_400 + Double(item * 60 + person)),
                    properties: ["product_id": .string("\(prefix)-\(item)")])
            }
        }
    }

    @Test func eventsOlderThanTheWindowAreNeitherReadNorLearnedFrom() async throws {
        // Given a year-old history on "old-" items and a recent one on "new-" items
        let h = try await EngineHarness()
        _ = try await h.engine.ingest(Self.views("old", people: 0..<10, items: 4, daysAgo: 400), site: h.site)
        _ = try await h.engine.ingest(Self.views("new", people: 0..<10, items: 4, daysAgo: 2), site: h.site)

        // When the site trains on the last 30 days
        let report = try #require(try await h.engine.train(site: h.site, window: TrainingWindow(maxInteractions: 1_000, maxAge: 30 * 86_400)))

        // Then the old part of the log was skipped, not scanned, and only the new items are in the model
        #expect(report.readFrom >= 40, "the read starts after the 40 old events, at \(report.readFrom)")
        #expect(report.events == 40 && report.items == 4 && report.pairs == 40)
    }

    @Test func theStandardWindowKeepsAYearOfAnImportedLog() async throws {
        // Given a log whose newest event is far in the past (an import), the window counts back from it
        let h = try await EngineHarness()
        _ = try await h.engine.ingest(Self.views("a", people: 0..<5, items: 3, daysAgo: 900), site: h.site)
        _ = try await h.engine.ingest(Self.views("b", people: 0..<5, items: 3, daysAgo: 800), site: h.site)

        let report = try #require(try await h.engine.train(site: h.site))

        #expect(report.items == 6 && report.pairs == 30, "both 100 days apart, within 365 days of the newest")
    }

    @Test func atMostMaxInteractionsOfTheNewestArePositionsRead() async throws {
        let h = try await EngineHarness()
        _ = try await h.engine.ingest(Self.views("x", people: 0..<20, items: 5, daysAgo: 1), site: h.site)

        let report = try #require(try await h.engine.train(site: h.site, window: TrainingWindow(maxInteractions: 25, maxAge: .infinity)))

        #expect(report.events <= 25 && report.pairs <= 25 && report.pairs > 0, "\(report.events) events, \(report.pairs) pairs")
    }

    @Test func aWindowedTrainingSetKeepsTheNewestEntriesAndTheItemNumbers() {
        // Three people, entries at times 1...6
        let data = ForYouTrainingData(
            itemCount: 5, offsets: [0, 2, 4, 6], items: [0, 1, 2, 3, 4, 0], weights: nil, timestamps: [1, 2, 3, 4, 5, 6])

        let newest = data.windowed(TrainingWindow(maxInteractions: 3, maxAge: .infinity))
        let recent = data.windowed(TrainingWindow(maxInteractions: 100, maxAge: 1.5))

        #expect(newest.itemCount == 5 && newest.personCount == 3)
        #expect(newest.timestamps == [4, 5, 6] && newest.offsets == [0, 0, 1, 3])
        #expect(recent.timestamps == [5, 6] && recent.items == [4, 0])
    }
}
