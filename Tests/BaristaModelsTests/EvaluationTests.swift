import BaristaModels
import Foundation
import Testing

struct EvaluationTests {
    private func split(_ csv: String) throws -> LeaveLastOut {
        LeaveLastOut(log: try InteractionLog(csv: Array(csv.utf8)))
    }

    // MARK: Reading the log

    @Test func logKeepsFileOrderAndIgnoresExtraColumnsQuotesAndCRLF() throws {
        let log = try InteractionLog(csv: Array("item,extra,user,timestamp\r\n\"a,1\",x,u,10\r\nb,,\"v\"\"w\",2.5\r\n\r\nb,y,u,3\n".utf8))
        #expect(log.userIDs == ["u", "v\"w"])
        #expect(log.itemIDs == ["a,1", "b"])
        #expect(log.users == [0, 1, 0])
        #expect(log.items == [0, 1, 1])
        #expect(log.timestamps == [10, 2.5, 3])
    }

    @Test func aMissingColumnIsReportedWithTheHeaderLine() {
        #expect(throws: InteractionLogError.missingColumn("timestamp", line: 1)) {
            try InteractionLog(csv: Array("user,item,time\na,b,1\n".utf8))
        }
    }

    @Test func aBadRowIsReportedWithItsLine() {
        #expect(throws: InteractionLogError.badRow(line: 3, reason: "the timestamp \"soon\" is not a number")) {
            try InteractionLog(csv: Array("user,item,timestamp\na,b,1\na,c,soon\n".utf8))
        }
        #expect(throws: InteractionLogError.badRow(line: 2, reason: "expected at least 3 fields, found 2")) {
            try InteractionLog(csv: Array("user,item,timestamp\na,b\n".utf8))
        }
    }

    // MARK: The split

    @Test func splitKeepsEachPairsEarliestOccurrenceAndDropsUsersWithOneItem() throws {
        // Given: b has one distinct item (v, twice), a took x first at 10, c took y and w at the same second.
        let split = try self.split("""
            user,item,timestamp,extra
            b,v,1,
            a,x,100,
            a,y,50,
            a,x,10,
            a,z,200,
            b,v,0,
            c,y,300,
            c,w,300,
            c,v,250,
            """)
        // Then: b is dropped; items are numbered by first appearance in the file (v first, though b is dropped).
        #expect(split.userIDs == ["a", "c"])
        #expect(split.itemIDs == ["v", "x", "y"])
        // a: x(10), y(50), z(200) → test z, which nobody trained on; c: v(250), y(300), w(300, after y in the file) → test w.
        #expect(split.history(of: 0).map { split.itemIDs[Int($0)] } == ["x", "y"])
        #expect(split.history(of: 1).map { split.itemIDs[Int($0)] } == ["v", "y"])
        #expect(split.testItemIDs == ["z", "w"])
        #expect(split.testItems == [-1, -1])
        #expect(split.training.nonZeroCount == 4)
        #expect(Array(split.training.items(of: 1)) == [0, 2])
    }

    // MARK: Metrics

    /// u: a | b; v: c, d | a; w: b, e | c (training | test). Items a…e are 0…4.
    private let threeUsers = """
        user,item,timestamp
        u,a,1
        u,b,2
        v,c,1
        v,d,2
        v,a,3
        w,b,1
        w,e,2
        w,c,3
        """

    @Test func aTestItemAtRankThreeScoresHalfTheNDCGAndAThirdOfTheMRR() throws {
        let split = try self.split(threeUsers)
        let metrics = Evaluator(split: split, parallelism: 2).evaluate(TestItemThird(split: split))
        #expect(metrics.users == 3)
        #expect(metrics.hitRate10 == 1)
        #expect(abs(metrics.ndcg10 - 0.5) < 1e-12)
        #expect(abs(metrics.ndcg20 - 0.5) < 1e-12)
        #expect(abs(metrics.mrr100 - 1.0 / 3) < 1e-12)
        #expect(metrics.coverage10 == 1)
    }

    @Test func equalScoresRankTheItemFirstSeenInTheFileFirst() throws {
        let split = try self.split(threeUsers)
        let evaluator = Evaluator(split: split, parallelism: 1)
        // u's test b and v's test a come first among their candidates; w's test c comes after a.
        #expect(evaluator.topItems(for: 2, by: Constant(items: split.itemCount), count: 10) == [0, 2, 3])
        let metrics = evaluator.evaluate(Constant(items: split.itemCount))
        #expect(abs(metrics.mrr100 - (1 + 1 + 0.5) / 3) < 1e-12)
    }

    @Test func ranksBeyondTheCutOffsAndMissesCountAsZero() {
        let metrics = RankingMetrics(ranks: [1, 15, 150, 0], coveredItems: 3, itemCount: 12)
        #expect(metrics.hitRate10 == 0.25)
        #expect(metrics.hitRate20 == 0.5)
        #expect(abs(metrics.ndcg20 - (1 + 1 / log2(16.0)) / 4) < 1e-12)
        #expect(abs(metrics.mrr100 - (1 + 1.0 / 15) / 4) < 1e-12)
        #expect(metrics.coverage10 == 0.25)
    }

    // MARK: Models

    @Test func popularityRanksByUsersAndBreaksTiesByFirstAppearance() throws {
        // Training: x by a, d; y by a, b, c; q by e; z by b, c. e has q and is tested on w.
        let split = try self.split("""
            user,item,timestamp
            a,x,1
            a,y,2
            a,q,3
            b,y,1
            b,z,2
            b,q,3
            c,z,1
            c,y,2
            c,w,3
            d,x,1
            d,w,2
            e,q,1
            e,w,2
            """)
        let popularity = Popularity(training: split.training)
        #expect(popularity.counts == [2, 3, 1, 2])
        let top = Evaluator(split: split).topItems(for: 4, by: popularity, count: 3)
        #expect(top.map { split.itemIDs[Int($0)] } == ["y", "x", "z"])
    }

    @Test func itemKNNRecommendsWhatIsBoughtWithTheUsersItems() throws {
        let split = try self.split("""
            user,item,timestamp
            u1,coffee,1
            u1,cups,2
            u1,tea,3
            u2,coffee,1
            u2,cups,2
            u2,sugar,3
            u3,tea,1
            u3,sugar,2
            u3,milk,3
            u4,milk,1
            u4,sugar,2
            u4,coffee,3
            u5,coffee,1
            u5,cups,2
            """)
        let knn = ItemKNN(training: split.training, neighbours: 50)
        let top = Evaluator(split: split).topItems(for: 4, by: knn, count: 1)
        #expect(top.map { split.itemIDs[Int($0)] } == ["cups"])
        #expect(abs(Double(knn.similarities[knn.sourceOffsets[0]]) - 2 / (3.0.squareRoot() * 2.0.squareRoot())) < 1e-6)
    }

    // MARK: The shop data

    private static let shopData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../../shared/data/online-retail/online_retail_interactions.csv")
        .standardizedFileURL.path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: shopData)))
    func popularityReproducesTheReferenceRowOnTheShopData() throws {
        let split = LeaveLastOut(log: try InteractionLog(contentsOf: Self.shopData))
        let report = Evaluator(split: split).evaluate { Popularity(training: $0) }
        let rounded = { (value: Double) in (value * 10_000).rounded() / 10_000 }
        #expect(report.users == 4247)
        #expect(report.items == 3662)
        #expect(report.trainPairs == 262_463)
        #expect(rounded(report.metrics.hitRate10) == 0.0370)
        #expect(rounded(report.metrics.ndcg10) == 0.0184)
        #expect(rounded(report.metrics.hitRate20) == 0.0612)
    }
}

/// Scores each user's test item 1 and the first two other candidates 2, so the test item ranks 3rd.
private struct TestItemThird: Recommender {
    let split: LeaveLastOut
    var name: String { "third" }
    var config: [String: Double] { [:] }

    func score(user: Int, into scores: inout [Float]) {
        let test = Int(split.testItems[user])
        let training = Set(split.training.items(of: user).map(Int.init))
        let others = scores.indices.filter { $0 != test && !training.contains($0) }
        for item in scores.indices { scores[item] = 0 }
        for item in others.prefix(2) { scores[item] = 2 }
        scores[test] = 1
    }
}

/// Scores every item the same.
private struct Constant: Recommender {
    let items: Int
    var name: String { "constant" }
    var config: [String: Double] { [:] }

    func score(user: Int, into scores: inout [Float]) {
        for item in scores.indices { scores[item] = 0 }
    }
}
