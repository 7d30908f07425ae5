import BaristaModels
import Foundation
import Testing

@Suite struct OffPolicyTests {
    /// Three actions with known click rates, logged by a known non-uniform policy.
    static let clickRates = [0.1, 0.3, 0.6]
    static let logging = [0.6, 0.3, 0.1]
    static let target = [0.1, 0.2, 0.7]
    /// The target policy's true value: Σ π(a) · rate(a) = 0.49.
    static let truth = zip(target, clickRates).reduce(0) { $0 + $1.0 * $1.1 }

    static func syntheticLog(rounds: Int, seed: UInt64) throws -> BanditLog {
        var random = SeededRandom(seed: seed)
        let log = (0..<rounds).map { _ in
            let u = Double.random(in: 0..<1, using: &random)
            let action = u < logging[0] ? 0 : u < logging[0] + logging[1] ? 1 : 2
            let click = Double.random(in: 0..<1, using: &random) < clickRates[action] ? 1.0 : 0.0
            return BanditRound(action: action, reward: click, propensity: logging[action])
        }
        return try BanditLog(actionIDs: ["a", "b", "c"], rounds: log)
    }

    static func targetDistribution(_ log: BanditLog) -> ActionDistribution {
        ActionDistribution(actionCount: 3, rows: [target], rowOfRound: Array(repeating: 0, count: log.count))
    }

    /// A reward model that is wrong everywhere.
    struct ConstantModel: RewardModel {
        var value: Double
        func expectedReward(of action: Int, in round: BanditRound) -> Double { value }
    }

    @Test func everyEstimatorsIntervalHoldsTheTrueValueOfASyntheticPolicy() throws {
        // Given 20,000 rounds logged by a policy that favours the worst action
        let log = try Self.syntheticLog(rounds: 20_000, seed: 7)
        let target = Self.targetDistribution(log)
        // When the target policy is evaluated
        let estimates = [
            OffPolicyEstimator.ips(log, target: target), OffPolicyEstimator.snips(log, target: target),
            OffPolicyEstimator.doublyRobust(log, target: target),
        ]
        // Then each 95% interval holds 0.49, far from the logging policy's own value (0.21)
        for estimate in estimates {
            #expect(estimate.low <= Self.truth && Self.truth <= estimate.high, "\(estimate) vs \(Self.truth)")
            #expect(estimate.effectiveSampleSize < Double(log.count))
        }
        #expect(abs(log.onPolicyMean - 0.21) < 0.015)
        #expect(OffPolicyEstimator.onPolicy(log).high < 0.3)
    }

    @Test func intervalsHoldTheTruthAboutAsOftenAsTheyClaim() throws {
        var covered = [0, 0, 0]
        let replications = 200
        for seed in 0..<replications {
            let log = try Self.syntheticLog(rounds: 1_000, seed: UInt64(1_000 + seed))
            let target = Self.targetDistribution(log)
            let estimates = [
                OffPolicyEstimator.ips(log, target: target), OffPolicyEstimator.snips(log, target: target),
                OffPolicyEstimator.doublyRobust(log, target: target),
            ]
            for (index, estimate) in estimates.enumerated() where estimate.low <= Self.truth && Self.truth <= estimate.high {
                covered[index] += 1
            }
        }
        for count in covered {
            let rate = Double(count) / Double(replications)
            #expect(rate > 0.88 && rate < 0.995, "coverage \(rate)")
        }
    }

    @Test func theLoggedPolicyReproducesTheOnPolicyMeanExactly() throws {
        let log = try Self.syntheticLog(rounds: 5_000, seed: 11)
        let logged = TargetPolicy.logged.distribution(for: log)
        let onPolicy = OffPolicyEstimator.onPolicy(log)
        #expect(OffPolicyEstimator.ips(log, target: logged).estimate == log.onPolicyMean)
        #expect(OffPolicyEstimator.ips(log, target: logged) == onPolicy)
        #expect(abs(OffPolicyEstimator.snips(log, target: logged).estimate - log.onPolicyMean) < 1e-12)
        let dr = OffPolicyEstimator.doublyRobust(log, target: logged)
        #expect(dr.low <= log.onPolicyMean && log.onPolicyMean <= dr.high)
        #expect(OffPolicyEstimator.ips(log, target: logged).effectiveSampleSize == 5_000)
    }

    @Test func doublyRobustIsUnbiasedWithAWrongRewardModel() throws {
        // Given a reward model that predicts 0.9 for every action (the truth is 0.49)
        let wrong = ConstantModel(value: 0.9)
        var sum = 0.0, squares = 0.0
        let replications = 200
        for seed in 0..<replications {
            let log = try Self.syntheticLog(rounds: 1_000, seed: UInt64(5_000 + seed))
            let estimate = OffPolicyEstimator.doublyRobust(log, target: Self.targetDistribution(log), rewardModel: wrong).estimate
            sum += estimate
            squares += estimate * estimate
        }
        // Then DR still averages to the truth, within 3 standard errors of the average
        let mean = sum / Double(replications)
        let standardError = ((squares / Double(replications) - mean * mean) / Double(replications - 1)).squareRoot()
        #expect(abs(mean - Self.truth) < 3 * standardError, "mean \(mean) ± \(standardError)")
        #expect(abs(mean - Self.truth) < 0.01)
    }

    @Test func decisionLogLinesAreRead() throws {
        let jsonl = """
            {"decision_id":"d1","profile_id":"p1","experience":"hero","variant":"a","probability":0.5,"reward":1,"features":{"visits":3,"tier":"gold","vip":true,"none":null}}

            {"decision_id":"d2","profile_id":"p2","experience":"hero","variant":"b","probability":0.5,"reward":0,"features":{}}
            {"experience":"footer","variant":"a","probability":1,"reward":0}
            {"experience":"hero","variant":null,"probability":0.1,"reward":0,"features":[0.5,0,null]}
            """
        let log = try BanditLog(bytes: Array(jsonl.utf8))
        #expect(log.layout == .decisionLog)
        #expect(log.count == 4)
        #expect(log.actionIDs == ["a", "b", "control"])
        let names: [String] = log.rounds[3].features.map { log.featureNames[Int($0.index)] }
        #expect(names == ["0"])
        #expect(log.slotIDs == ["hero", "footer"])
        #expect(log.rounds[0].features.count == 3)
        #expect(log.featureNames.contains("tier=gold"))
        let uniform = TargetPolicy.random.distribution(for: log)
        let third: Double = 1.0 / 3.0
        #expect(Array(uniform.probabilities(round: 1)) == [third, third, third])
        #expect(Array(uniform.probabilities(round: 2)) == [1, 0, 0])
        let bts = TargetPolicy.bts.distribution(for: log, simulations: 2_000)
        #expect(abs(bts.probabilities(round: 0).reduce(0, +) - 1) < 1e-9)
        #expect(bts.probability(of: 0, round: 0) > bts.probability(of: 1, round: 0))
    }

    @Test(arguments: [
        ("index,item,click\n0,1,0\n", "unknown layout"),
        ("{\"experience\":\"x\",\"variant\":\"a\",\"reward\":1}\n", "missing \"probability\""),
        ("{\"experience\":\"x\",\"variant\":\"a\",\"probability\":0,\"reward\":1}\n", "not in (0, 1]"),
        ("", "no rounds"),
    ])
    func malformedLogsAreRefusedWithAReason(text: String, reason: String) {
        #expect {
            try BanditLog(bytes: Array(text.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func openBanditPositionsAreSlotsAndThompsonRanksThemFromTheTop() throws {
        // Given item 7 clicked often and item 3 never, over positions 1 and 2
        var csv = ",timestamp,item_id,position,click,propensity_score,user_feature_0,user-item_affinity_0\n"
        for index in 0..<90 {
            let item = [3, 7, 5][index % 3]
            let click = item == 7 && index % 4 < 2 ? 1 : 0
            csv += "\(index),t,\(item),\(index % 2 + 1),\(click),0.3333,h\(index % 4),\(index % 5 == 0 ? "0.5" : "0.0")\n"
        }
        let log = try BanditLog(bytes: Array(csv.utf8))
        #expect(log.layout == .openBandit)
        #expect(log.slotIDs.sorted() == ["1", "2"])
        #expect(log.featureNames.first == "user-item_affinity_0")
        let bts = TargetPolicy.bts.distribution(for: log, simulations: 5_000)
        let top = log.rounds.firstIndex { log.slotIDs[$0.slot] == "1" }!
        let second = log.rounds.firstIndex { log.slotIDs[$0.slot] == "2" }!
        let item7 = log.actionIDs.firstIndex(of: "7")!
        // Then item 7 is mostly first, each position's probabilities sum to 1
        #expect(bts.probability(of: item7, round: top) > 0.9)
        #expect(bts.probability(of: item7, round: second) < 0.1)
        #expect(abs(bts.probabilities(round: top).reduce(0, +) - 1) < 1e-9)
        #expect(abs(bts.probabilities(round: second).reduce(0, +) - 1) < 1e-9)
    }
}

/// The Open Bandit Dataset sample in `shared/data/obd`, when present (and gzip(1) to read it).
@Suite struct OffPolicyOBDTests {
    /// `shared/data/obd/<name>` beside the first ancestor of this file that has one.
    static func obd(_ name: String) -> String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/data/obd/\(name)").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return "/nonexistent/\(name)"
    }

    static let gzip = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let randomLog = obd("random/all.csv.gz"), btsLog = obd("bts/all.csv.gz")
    static let hasOBD = gzip != nil && [randomLog, btsLog].allSatisfy { FileManager.default.fileExists(atPath: $0) }

    /// The log at `path`, decompressed by gzip(1): BaristaModels reads plain bytes only.
    static func read(_ path: String) throws -> BanditLog {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip!)
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try BanditLog(bytes: [UInt8](data))
    }

    @Test(.enabled(if: hasOBD, "needs ../shared/data/obd and gzip"))
    func theSampleLogsHaveTheirPublishedClickThroughRates() throws {
        let random = try Self.read(Self.randomLog), bts = try Self.read(Self.btsLog)
        #expect(random.count == 10_000 && bts.count == 10_000)
        #expect(random.actionIDs.count == 80 && random.slotIDs.count == 3)
        #expect(abs(random.onPolicyMean - 0.0038) < 0.00005)
        #expect(abs(bts.onPolicyMean - 0.0042) < 0.00005)
        // The random log's propensity is per (item, position): 1/80, not 3/80.
        #expect(random.rounds.allSatisfy { $0.propensity == 0.0125 })
        // So the uniform policy has weight 1 everywhere: IPS is the on-policy mean.
        let uniform = TargetPolicy.random.distribution(for: random)
        #expect(abs(OffPolicyEstimator.ips(random, target: uniform).estimate - random.onPolicyMean) < 1e-12)
    }

    @Test(.enabled(if: hasOBD, "needs ../shared/data/obd and gzip"))
    func thompsonSamplingEvaluatedOnTheRandomLogBeatsRandom() throws {
        let random = try Self.read(Self.randomLog)
        let bts = TargetPolicy.bts.distribution(for: random, simulations: 20_000)
        let ips = OffPolicyEstimator.ips(random, target: bts)
        let dr = OffPolicyEstimator.doublyRobust(random, target: bts)
        #expect(ips.estimate > random.onPolicyMean)
        #expect(dr.low < dr.estimate && dr.estimate < dr.high)
        #expect(ips.effectiveSampleSize > 100 && ips.effectiveSampleSize < 10_000)
        // Fitted on the other log's clicks instead, the policy is still a distribution per position
        let other = TargetPolicy.bts.distribution(for: random, training: try Self.read(Self.btsLog), simulations: 20_000)
        #expect(abs(other.probabilities(round: 0).reduce(0, +) - 1) < 1e-9)
        #expect(OffPolicyEstimator.snips(random, target: other).estimate > 0)
    }
}
