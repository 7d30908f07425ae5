import Testing
@testable import BaristaModels

@Suite struct ForYouTests {
    /// Histories (oldest first) as training data, every weight 1, timestamps their positions.
    static func data(_ histories: [[Int32]], items: Int) -> ForYouTrainingData {
        var offsets = [0]
        for history in histories { offsets.append(offsets.last! + history.count) }
        return ForYouTrainingData(itemCount: items, offsets: offsets, items: histories.flatMap { $0 })
    }

    /// Links given as `source: [(target, weight)]`, rows already sorted.
    static func links(_ rows: [[(Int32, Float)]]) -> ItemNeighbours {
        var offsets = [0], targets: [Int32] = [], weights: [Float] = []
        for row in rows {
            targets += row.map(\.0)
            weights += row.map(\.1)
            offsets.append(targets.count)
        }
        return ItemNeighbours(itemCount: rows.count, offsets: offsets, targets: targets, weights: weights)
    }

    static func top(_ model: ForYouModel, _ history: [HistoryEntry], _ n: Int = 3) -> [Int32] {
        var accumulator = ScoreAccumulator(itemCount: model.itemCount)
        model.score(history: history, into: &accumulator)
        let seen = Set(history.map(\.item))
        return accumulator.top(n) { !seen.contains($0) }.map(\.item)
    }

    // MARK: Scoring

    @Test func recencyMakesARecentItemsNeighboursOutrankAnOldItems() {
        // Given item 0 links to 2 and item 1 links to 3, equally strongly
        let collaborative = Self.links([[(2, 1)], [(3, 1)], [], []])
        let config = ForYouConfig(recencyDecay: 0.5, sequenceWeight: 0)
        let model = ForYouModel(config: config, collaborative: collaborative, sequence: ItemNeighbours(empty: 4), popularity: [1, 1, 1, 1])
        // When the person took 1 most recently, then when they took 0 most recently
        let recentOne = Self.top(model, [HistoryEntry(item: 1), HistoryEntry(item: 0)])
        let recentZero = Self.top(model, [HistoryEntry(item: 0), HistoryEntry(item: 1)])
        // Then the newest item's neighbour comes first
        #expect(recentOne == [3, 2])
        #expect(recentZero == [2, 3])
    }

    @Test func timeDecayHalvesAnEntryOneHalfLifeOlderThanTheNewest() {
        let collaborative = Self.links([[(2, 1)], [(3, 1)], [], []])
        let config = ForYouConfig(recencyDecay: 1, recencyHalfLife: 3_600, sequenceWeight: 0)
        let model = ForYouModel(config: config, collaborative: collaborative, sequence: ItemNeighbours(empty: 4), popularity: [1, 1, 1, 1])
        var accumulator = ScoreAccumulator(itemCount: 4)
        model.score(history: [HistoryEntry(item: 0, timestamp: 10_000), HistoryEntry(item: 1, timestamp: 6_400)], into: &accumulator)
        #expect(accumulator.score(of: 2) == 1)
        #expect(abs(accumulator.score(of: 3) - 0.5) < 1e-6)
    }

    @Test func itemsNewerThanTheModelAndNonPositiveWeightsAreIgnored() {
        let collaborative = Self.links([[(1, 1)], [], []])
        let model = ForYouModel(config: ForYouConfig(recencyDecay: 0.5, sequenceWeight: 0), collaborative: collaborative,
                                sequence: ItemNeighbours(empty: 3), popularity: [1, 1, 1])
        var accumulator = ScoreAccumulator(itemCount: 3)
        // An unknown item (7) still counts as a step back; a weight-0 entry does not.
        model.score(history: [HistoryEntry(item: 7), HistoryEntry(item: 2, weight: 0), HistoryEntry(item: 0, weight: 3)], into: &accumulator)
        #expect(accumulator.touched == [1])
        #expect(accumulator.score(of: 1) == 1.5)
    }

    @Test func itemThatOftenFollowsAnotherIsRecommendedAfterIt() {
        // Given: in many histories 1 comes right after 0; 2 and 3 co-occur with 0 but not in sequence
        var histories: [[Int32]] = Array(repeating: [0, 1], count: 6)
        histories += Array(repeating: [2, 3, 0], count: 3) + [[3, 4], [4, 5], [1, 5]]
        let config = ForYouConfig(lambda: 1, recencyDecay: 0.5, sequenceWeight: 4, sequenceDecay: 0, sequenceWindow: 1)
        let model = ForYouModel(training: Self.data(histories, items: 6), config: config)
        // Then the sequence table links 0 to 1 first, and a person who just took 0 is offered 1 first
        #expect(model.sequence.neighbours(of: 0).targets.first == 1)
        #expect(model.sequence.neighbours(of: 1).targets.contains(0) == false)
        #expect(Self.top(model, [HistoryEntry(item: 0)]).first == 1)
    }

    // MARK: Links and accumulation

    @Test func pruningKeepsEachRowsStrongestPositiveLinksInOrder() {
        let values: [[Float]] = [[9, 0.5, 3, 3, -1], [2, 0, 0, 0, 0], [-1, -2, 0, -3, -4], [1, 2, 3, 4, 5], [0.1, 0.2, 0.2, 0.3, 0]]
        let links = ItemNeighbours(pruning: DenseMatrix(size: 5) { values[$0][$1] }, keep: 2)
        #expect(Array(links.neighbours(of: 0).targets) == [2, 3])  // the diagonal never counts; ties to the lower index
        #expect(Array(links.neighbours(of: 0).weights) == [3, 3])
        #expect(Array(links.neighbours(of: 1).targets) == [0])      // only positive weights
        #expect(links.neighbours(of: 2).targets.isEmpty)
        #expect(Array(links.neighbours(of: 3).targets) == [4, 2])
        #expect(Array(links.neighbours(of: 4).targets) == [3, 1])
        #expect(links.offsets == [0, 2, 3, 3, 5, 7])
        #expect(Array(links.keepingStrongest(1).neighbours(of: 3).targets) == [4])
    }

    @Test func factorLinksMatchBruteForceDotProducts() {
        // 37 items with 8 factors: more than one block of rows and a partial panel.
        let n = 37, ld = 8
        var state: UInt64 = 11
        let factors = (0..<(n * ld)).map { _ -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) - 0.3
        }
        let links = ItemNeighbours(leftFactors: factors, rightFactors: factors, itemCount: n, rowStride: ld, keep: 5)
        for i in 0..<n {
            let dots = (0..<n).filter { $0 != i }.map { j in (j, (0..<ld).reduce(Float(0)) { $0 + factors[i * ld + $1] * factors[j * ld + $1] }) }
            let expected = dots.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(5).map { Int32($0.0) }
            #expect(Array(links.neighbours(of: i).targets) == expected, "row \(i)")
        }
    }

    @Test func accumulatorRanksTiesByLowerIndexAndResetClearsOnlyWhatItTouched() {
        var accumulator = ScoreAccumulator(itemCount: 10)
        accumulator.add(7, 2)
        accumulator.add(3, 1)
        accumulator.add(5, 2)
        accumulator.add(3, 1)
        accumulator.add(9, 0)
        #expect(accumulator.touched == [7, 3, 5, 9])
        #expect(accumulator.top(3) { _ in true } == [ScoredItem(item: 3, score: 2), ScoredItem(item: 5, score: 2), ScoredItem(item: 7, score: 2)])
        #expect(accumulator.top(2) { $0 != 5 }.map(\.item) == [3, 7])
        #expect(accumulator.top(10) { _ in true }.map(\.item) == [3, 5, 7, 9])
        accumulator.reset()
        #expect(accumulator.touched.isEmpty && accumulator.score(of: 7) == 0 && accumulator.top(3) { _ in true }.isEmpty)
        accumulator.add(7, 1)
        #expect(accumulator.touched == [7] && accumulator.score(of: 7) == 1)
    }

    // MARK: Serialization

    static let small: ForYouModel = {
        let histories: [[Int32]] = [[0, 1, 2], [1, 2, 3], [0, 2, 4], [4, 3], [0, 1], [2, 3, 4]]
        return ForYouModel(training: data(histories, items: 5), config: ForYouConfig(lambda: 2, recencyHalfLife: 86_400))
    }()

    @Test func serializedModelReadsBackEqual() throws {
        let copy = try ForYouModel(serialized: Self.small.serialized())
        #expect(copy.config == Self.small.config)
        #expect(copy.collaborative == Self.small.collaborative)
        #expect(copy.sequence == Self.small.sequence)
        #expect(copy.popularity == Self.small.popularity)
        #expect(copy.collaborative.linkCount > 0 && copy.sequence.linkCount > 0)
    }

    @Test func truncatedOrDamagedBytesAreRejectedWithAClearError() {
        let bytes = Self.small.serialized()
        #expect(throws: ForYouModelError.self) { try ForYouModel(serialized: Array(bytes.dropLast(3))) }
        do {
            _ = try ForYouModel(serialized: Array(bytes.prefix(40)))
            Issue.record("truncated bytes were accepted")
        } catch {
            guard case .truncated = error else { Issue.record("expected truncated, got \(error)"); return }
        }
        #expect(throws: ForYouModelError.notAModel) { try ForYouModel(serialized: Array("hello".utf8)) }
        var damaged = bytes
        damaged[damaged.count - 10] ^= 0x40
        #expect(throws: ForYouModelError.self) { try ForYouModel(serialized: damaged) }
        var future = bytes
        future[4] = 9
        #expect(throws: ForYouModelError.unsupportedVersion(9)) { try ForYouModel(serialized: future) }
    }

    // MARK: Configuration and tuning

    @Test func catalogSizeRulePicksEASEUpToTheLimitAndImplicitALSAbove() {
        #expect(ForYouConfig.defaults(itemCount: 3_662).base == .ease)
        #expect(ForYouConfig.defaults(itemCount: ForYouConfig.easeItemLimit).base == .ease)
        #expect(ForYouConfig.defaults(itemCount: ForYouConfig.easeItemLimit + 1).base == .ials)
        #expect(ForYouConfig.defaults(itemCount: 100_000).base == .ials)
    }

    /// Twelve people with 3 or 4 of the items a…e each (a fixed shuffle), then a held-out item that
    /// `testItem` picks among the items they do not have.
    static func split(testItem: ([String]) -> String) throws -> LeaveLastOut {
        var csv = "user,item,timestamp\n", heldOut = ""
        for user in 0..<12 {
            let rotated = ["a", "b", "c", "d", "e"].dropFirst(user % 5) + ["a", "b", "c", "d", "e"].prefix(user % 5)
            let all = user % 3 == 0 ? Array(rotated.reversed()) : Array(rotated)
            let items = all.prefix(3 + user % 2)
            for (k, item) in items.enumerated() { csv += "u\(user),\(item),\(k)\n" }
            heldOut += "u\(user),\(testItem(Array(all.dropFirst(items.count)))),100\n"
        }
        csv += heldOut  // last in the file, so they never change how training items are numbered
        return LeaveLastOut(log: try InteractionLog(csv: Array(csv.utf8)))
    }

    @Test func tuningReadsOnlyTheTrainingHistoriesNeverTheHeldOutItems() throws {
        // Given two splits with the same training histories and different held-out items (each
        // person's first or last missing item), so that a tuner that peeked would score differently
        let first = try Self.split { $0.first! }
        let second = try Self.split { $0.last! }
        #expect(first.historyItems == second.historyItems && first.itemIDs == second.itemIDs)
        #expect(first.testItems != second.testItems && !first.testItems.contains(-1))
        // When both are tuned
        let one = ForYouModel.tuned(training: ForYouTrainingData(split: first))
        let two = ForYouModel.tuned(training: ForYouTrainingData(split: second))
        // Then they choose the same configuration, score and model
        #expect(one.config == two.config)
        #expect(one.validationNDCG == two.validationNDCG)
        #expect(one.model.collaborative == two.model.collaborative)
        // And the validation targets are each person's newest training item, held out of the fit
        let training = ForYouTrainingData(split: first)
        let validation = ForYouValidation(training: training)
        for (person, target) in zip(validation.people, validation.targets) {
            #expect(target == training.items[training.offsets[person + 1] - 1])
            #expect(!validation.fit.items[validation.fit.offsets[person]..<validation.fit.offsets[person + 1]].contains(target))
        }
    }

    @Test func recommenderRanksLinkedItemsFirstThenThePopularOnes() throws {
        let split = try Self.split { $0.first! }
        let model = ForYouModel(training: ForYouTrainingData(split: split), config: ForYouConfig(lambda: 1))
        let recommender = ForYouRecommender(model: model, split: split)
        var scores = [Float](repeating: 0, count: split.itemCount)
        recommender.score(user: 0, into: &scores)
        var accumulator = ScoreAccumulator(itemCount: model.itemCount)
        model.score(history: recommender.history(of: 0), into: &accumulator)
        for item in 0..<split.itemCount {
            #expect((scores[item] > 0) == accumulator.isTouched(Int32(item)))
            #expect(scores[item] >= -1 && scores[item] != 0)
        }
    }
}
