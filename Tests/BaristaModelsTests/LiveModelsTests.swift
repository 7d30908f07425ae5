import BaristaCore
import Foundation
import Testing
@testable import BaristaModels

@Suite struct TrendingCounterTests {
    @Test func aBurstOneHalfLifeAgoCountsHalf() {
        // Given ten views of item 3 an hour ago, with a one-hour half-life
        var trending = TrendingCounter(halfLife: 3600)
        for _ in 0..<10 { trending.record(item: 3, category: nil, weight: 1, at: 1_000_000) }
        // Then they count ten then, five now, and nothing for an item never seen
        #expect(abs(trending.score(of: 3, at: 1_000_000) - 10) < 1e-4)
        #expect(abs(trending.score(of: 3, at: 1_003_600) - 5) < 1e-4)
        #expect(trending.score(of: 99, at: 1_003_600) == 0)
    }

    @Test func topPerCategoryIsBestFirstWithTiesToTheLowerIndex() {
        var trending = TrendingCounter(halfLife: 3600)
        trending.record(item: 0, category: 7, weight: 2, at: 100)
        trending.record(item: 1, category: 7, weight: 5, at: 100)
        trending.record(item: 2, category: 8, weight: 9, at: 100)
        trending.record(item: 4, category: 7, weight: 2, at: 100)
        #expect(trending.top(5, category: 7) { _ in true }.map(\.item) == [1, 0, 4])
        #expect(trending.top(5, category: nil) { $0 != 2 }.map(\.item) == [1, 0, 4])
        #expect(trending.top(1, category: 8) { _ in true } == [ScoredItem(item: 2, score: 9)])
        // When the catalog moves item 2 into category 7
        trending.setCategory(of: 2, to: 7)
        #expect(trending.top(2, category: 7) { _ in true }.map(\.item) == [2, 1])
        #expect(trending.top(2, category: 8) { _ in true }.isEmpty)
    }

    @Test func renormalisationKeepsScoresRightOverALongSpan() {
        // Given one view per half-life for 10,000 half-lives (about 150 renormalisations)
        var trending = TrendingCounter(halfLife: 60)
        trending.record(item: 1, category: nil, weight: 1, at: 0)
        for step in 0..<10_000 { trending.record(item: 0, category: nil, weight: 1, at: Double(step) * 60) }
        let end = 9_999.0 * 60
        // Then item 0 holds the geometric sum 1 + ½ + ¼ + … = 2 and the early item nothing
        #expect(trending.landmark > end - 64 * 60)
        #expect(abs(trending.score(of: 0, at: end) - 2) < 1e-3)
        #expect(abs(trending.score(of: 0, at: end + 60) - 1) < 1e-3)
        #expect(trending.score(of: 1, at: end) == 0)
        #expect(trending.top(5, category: nil) { _ in true }.map(\.item) == [0])
    }
}

@Suite struct CooccurrenceModelTests {
    @Test func boughtTogetherReturnsTheComplementAndNotACoViewedSubstitute() {
        // Given shoes 0 bought with socks 2, a bag 5 in every basket, and shoes 1 only co-viewed with 0
        var model = CooccurrenceModel()
        for _ in 0..<5 { model.recordBasket([0, 2]) }
        for _ in 0..<5 { model.recordBasket([0, 5, 0]) }
        for other in Int32(10)..<110 { model.recordBasket([other, 5]) }
        for _ in 0..<20 { model.recordView(1, recent: [0], at: 0) }
        // Then socks come first, the popular bag after, and the other shoes never
        let complements = model.boughtTogether(with: [0], limit: 10) { _ in true }
        #expect(complements.map(\.item) == [2, 5])
        #expect(model.boughtTogether(with: [0, 2], limit: 10) { _ in true }.map(\.item) == [5])
        #expect(model.similar(to: 0, limit: 1) { _ in true }.map(\.item) == [1])
    }

    @Test func nextFollowsTheSeriesForwardAndNeverBack() {
        // Given people watching seasons 1 → 2 → 3
        var model = CooccurrenceModel()
        for _ in 0..<5 {
            model.recordTransition(from: 1, to: 2, weight: 1)
            model.recordTransition(from: 2, to: 3, weight: 1)
        }
        #expect(model.next(after: 1, limit: 5) { _ in true }.map(\.item) == [2])
        #expect(model.next(after: 2, limit: 5) { _ in true }.map(\.item) == [3])
        #expect(model.next(after: 3, limit: 5) { _ in true }.isEmpty)
        #expect(abs((model.next(after: 1, limit: 1) { _ in true }.first?.score ?? 0) - 5 / 15) < 1e-6)
    }

    @Test func shrinkageKeepsOneCoincidenceBelowAStrongPair() {
        // Given item 0 (100 views) co-viewed 10 times with popular item 1 (200 views),
        // and once with item 9, viewed only that once
        func build(shrink: Float) -> CooccurrenceModel {
            var model = CooccurrenceModel(shrink: shrink)
            for _ in 0..<100 { model.recordView(0, recent: [], at: 0) }
            for view in 0..<200 { model.recordView(1, recent: view < 10 ? [0] : [], at: 0) }
            model.recordView(9, recent: [0], at: 0)
            return model
        }
        // Then plain cosine prefers the coincidence, the shrunk one the strong pair
        #expect(build(shrink: 0).similar(to: 0, limit: 2) { _ in true }.map(\.item) == [9, 1])
        #expect(build(shrink: 10).similar(to: 0, limit: 2) { _ in true }.map(\.item) == [1, 9])
    }

    @Test func theNeighbourCapHoldsAndKeepsTheStrongPairs() {
        var model = CooccurrenceModel(maxNeighbours: 20)
        for other in Int32(2)..<1_002 {
            model.recordView(0, recent: [1], at: 0)
            model.recordView(other, recent: [0, 1], at: 0)
        }
        for item in Int32(0)..<1_002 {
            #expect(model.neighbourCount(of: item, in: .coView) <= 20)
        }
        #expect(model.count(from: 0, to: 1, in: .coView) == 1_000)
        #expect(model.similar(to: 0, limit: 1) { _ in true }.map(\.item) == [1])
        model.forget(item: 0)
        #expect(model.neighbourCount(of: 0, in: .coView) == 0 && model.occurrences(of: 0, in: .coView) == 0)
    }
}

@Suite struct AttributeIndexTests {
    static func item(_ id: String, category: String?, brand: String?, tags: [String] = [], price: Double? = nil) -> Item {
        Item(id: ItemID(id), category: category, brand: brand, price: price, tags: tags, updatedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func featuresAreLowerCasedTokensWithPriceBands() {
        let item = Item(
            id: ItemID("a"), category: "Shoes > Trail", brand: " Acme ", color: "Black", price: 100, tags: ["Trail", "trail"],
            attributes: ["size": .number(42), "waterproof": .bool(true), "fits": .array([.string("Wide")]), "x": .object([:])],
            updatedAt: Date(timeIntervalSince1970: 0))
        let features = AttributeIndex.features(of: item)
        #expect(features == ["category=shoes", "category=shoes > trail", "brand=acme", "color=black", "tag=trail",
                             "price=a13", "price=b13", "attr:fits=wide", "attr:size=42", "attr:waterproof=true"])
        #expect(Set(AttributeIndex.priceBands(100)).intersection(AttributeIndex.priceBands(115)).count >= 1)
        #expect(Set(AttributeIndex.priceBands(100)).isDisjoint(with: AttributeIndex.priceBands(150)))
        #expect(AttributeIndex.feature(.tags, value: "Trail") == "tag=trail")
    }

    @Test func aNewItemGetsSimilarItemsFromItsAttributesAlone() {
        // Given a catalog of shoes and shirts from two brands
        var index = AttributeIndex()
        let catalog = [
            Self.item("0", category: "shoes", brand: "acme"), Self.item("1", category: "shoes", brand: "zeta"),
            Self.item("2", category: "shirts", brand: "acme"), Self.item("3", category: "shirts", brand: "zeta"),
            Self.item("4", category: "shoes", brand: "acme", tags: ["trail"]),
        ]
        for (position, item) in catalog.enumerated() { index.upsert(Int32(position), features: AttributeIndex.features(of: item)) }
        // When a new Acme shoe with no history arrives
        index.upsert(9, features: AttributeIndex.features(of: Self.item("9", category: "shoes", brand: "acme")))
        // Then the Acme shoes come first, then shoes or Acme, never the unrelated shirt
        let similar = index.similar(to: 9, limit: 10) { _ in true }
        #expect(Array(similar.map(\.item).prefix(2)) == [0, 4])
        #expect(abs(similar[0].score - 1) < 1e-5)
        #expect(!similar.map(\.item).contains(3) && !similar.map(\.item).contains(9))
        // And a removed item is no longer returned
        index.remove(0)
        #expect(index.similar(to: 9, limit: 1) { _ in true }.map(\.item) == [4])
    }

    @Test func matchingFollowsATaste() {
        var index = AttributeIndex()
        index.upsert(0, features: ["brand=zeta", "category=shoes"])
        index.upsert(1, features: ["brand=acme", "category=shirts"])
        index.upsert(2, features: ["brand=acme", "category=shoes"])
        index.upsert(3, features: ["brand=other", "category=hats"])
        let ranked = index.matching(["brand=acme": 2, "category=shoes": 1, "unknown=x": 5], limit: 10) { _ in true }
        #expect(ranked.map(\.item) == [2, 1, 0])
        #expect(index.matching(["brand=acme": 1], limit: 10) { $0 != 2 }.map(\.item) == [1])
    }

    @Test func manyReUpsertsKeepTheIndexConsistentThroughCompactions() {
        var index = AttributeIndex()
        for round in 0..<40 {
            for item in Int32(0)..<100 {
                index.upsert(item, features: ["category=c\(item % 5)", "tag=t\((Int(item) + round) % 7)", "round=\(round % 2)"])
            }
        }
        index.remove(99)
        #expect(index.count == 99)
        #expect(Set(index.indexedFeatures(of: 3)) == ["category=c3", "tag=t\((3 + 39) % 7)", "round=1"])
        #expect(index.indexedFeatures(of: 99).isEmpty)
        #expect(index.documentFrequency(of: "category=c4") == 19 && index.documentFrequency(of: "round=0") == 0)
        #expect(index.similar(to: 3, limit: 1) { _ in true }.map(\.item) == [38])
    }

    @Test func candidateCollectionStartsFromTheRarestFeature() {
        // Given 1,000 shoes, three of them by a rare brand, and a budget of 10 postings
        var index = AttributeIndex(maxPostingsScanned: 10)
        for item in Int32(0)..<1_000 {
            index.upsert(item, features: item % 400 == 7 ? ["category=shoes", "brand=rare"] : ["category=shoes"])
        }
        // Then the rare brand's other items are found although they sit deep in the posting list
        #expect(index.similar(to: 7, limit: 2) { _ in true }.map(\.item) == [407, 807])
    }
}

@Suite struct LiveModelSerializationTests {
    @Test func trendingRoundTripsAndRejectsBadBytes() throws {
        var trending = TrendingCounter(halfLife: 60)
        for step in 0..<200 { trending.record(item: Int32(step % 7), category: step % 3 == 0 ? 1 : nil, weight: 1, at: Double(step) * 60) }
        let bytes = trending.serialized()
        #expect(try TrendingCounter(serialized: bytes) == trending)
        try expectRejected(bytes, by: TrendingCounter.init(serialized:))
    }

    @Test func cooccurrenceRoundTripsAndRejectsBadBytes() throws {
        var model = CooccurrenceModel(maxNeighbours: 8)
        for item in Int32(0)..<30 { model.recordView(item, recent: [item / 2, item / 3], at: Double(item)) }
        model.recordBasket([1, 2, 3])
        model.recordTransition(from: 4, to: 5, weight: 2)
        let bytes = model.serialized()
        let restored = try CooccurrenceModel(serialized: bytes)
        #expect(restored == model)
        #expect(restored.next(after: 4, limit: 1) { _ in true } == model.next(after: 4, limit: 1) { _ in true })
        try expectRejected(bytes, by: CooccurrenceModel.init(serialized:))
    }

    /// Every truncation, a wrong magic and a later version are refused.
    func expectRejected<T>(_ bytes: [UInt8], by decode: ([UInt8]) throws(LiveModelError) -> T) throws {
        for length in 0..<bytes.count {
            #expect(throws: LiveModelError.self, "prefix of \(length) bytes") { _ = try decode(Array(bytes[0..<length])) }
        }
        var wrongMagic = bytes
        wrongMagic[0] = UInt8(ascii: "X")
        #expect(throws: LiveModelError.wrongMagic(expected: String(decoding: bytes[0..<4], as: UTF8.self))) { _ = try decode(wrongMagic) }
        var laterVersion = bytes
        laterVersion[4] = 9
        #expect(throws: LiveModelError.unsupportedVersion(9)) { _ = try decode(laterVersion) }
        #expect(throws: LiveModelError.self) { _ = try decode(bytes + [0]) }
    }
}
