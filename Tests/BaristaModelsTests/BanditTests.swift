import Foundation
import Testing
@testable import BaristaModels

@Suite struct BanditTests {
    @Test func seededRandomIsReproducibleAndUniform() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        // 100,000 uniforms: mean 1/2 (se 0.0009), normals: mean 0 and variance 1 (se 0.003, 0.0045)
        var generator = SeededRandom(seed: 7)
        let uniforms = (0..<100_000).map { _ in RandomDraws.uniform(using: &generator) }
        #expect(uniforms.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(abs(uniforms.reduce(0, +) / 1e5 - 0.5) < 0.004)
        let normals = (0..<100_000).map { _ in RandomDraws.standardNormal(using: &generator) }
        let mean = normals.reduce(0, +) / 1e5
        #expect(abs(mean) < 0.015)
        #expect(abs(normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1e5 - 1) < 0.02)
        // Beta(3, 7) has mean 0.3 (sd 0.138, se of 20,000 draws 0.001)
        let betas = (0..<20_000).map { _ in RandomDraws.beta(3, 7, using: &generator) }
        #expect(abs(betas.reduce(0, +) / 2e4 - 0.3) < 0.005)
    }

    @Test func floorMixesInAUniformChoice() {
        // Three arms, floor 1%: 0.01 + 0.97 · p
        let mixed = BanditFloor.mix([1, 0, 0], floor: 0.01)
        #expect(abs(mixed[0] - 0.98) < 1e-12 && abs(mixed[1] - 0.01) < 1e-12 && abs(mixed[2] - 0.01) < 1e-12)
        // The floor is capped at 1/k: 200 arms at 1% would ask for 200%
        #expect(BanditFloor.mix(Array(repeating: 0.005, count: 200), floor: 0.01).allSatisfy { abs($0 - 0.005) < 1e-12 })
    }

    @Test func thompsonSendsMostTrafficToTheBestArmAndKeepsTheFloor() {
        // Given three arms converting at 2%, 5% and 10%
        let rates = [0.02, 0.05, 0.10]
        var bandit = BetaBernoulliThompson(arms: 3, probabilityDraws: 100)
        var policy = SeededRandom(seed: 1), world = SeededRandom(seed: 2)
        var lastChoices = [0, 0, 0]
        // When it plays 5,000 rounds
        for round in 0..<5_000 {
            let choice = bandit.choose(using: &policy)
            #expect(choice.probability >= 0.01 && choice.probability <= 1)
            if round >= 4_000 { lastChoices[choice.arm] += 1 }
            bandit.update(arm: choice.arm, success: RandomDraws.uniform(using: &world) < rates[choice.arm])
        }
        // Then the best arm has most of the last 1,000 choices, and every arm is still tried
        #expect(lastChoices[2] > 600, "\(lastChoices)")
        #expect(lastChoices.allSatisfy { $0 >= 3 }, "\(lastChoices)")
        let probabilities = bandit.armProbabilities(using: &policy)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-9)
        #expect(probabilities.allSatisfy { $0 >= 0.01 && $0 <= 1 })
        let observed: Double = bandit.successes.reduce(0, +) + bandit.failures.reduce(0, +)
        #expect(observed == 5_000)
    }

    @Test func thompsonRecordsTheProbabilityOfItsChoice() {
        // A clear winner: arm 1 at 50/100 against 5/100 → nearly always Thompson's pick
        let bandit = BetaBernoulliThompson(successes: [5, 50], failures: [95, 50])
        var generator = SeededRandom(seed: 9)
        let probabilities = bandit.armProbabilities(using: &generator)
        // 0.01 + 0.98 · 1 = 0.99 and the floor 0.01
        #expect(abs(probabilities[1] - 0.99) < 1e-9 && abs(probabilities[0] - 0.01) < 1e-9)
        var counts = [0, 0]
        for _ in 0..<2_000 {
            let choice = bandit.choose(using: &generator)
            counts[choice.arm] += 1
            #expect(abs(choice.probability - probabilities[choice.arm]) < 1e-9)
        }
        // Arm 0 is chosen about 1% of the time (20 of 2,000; sd 4.4)
        #expect((5...40).contains(counts[0]), "\(counts)")
        // Drawing from the probabilities computed once is the same policy
        var cached = [0, 0]
        for _ in 0..<2_000 {
            let choice = BanditChoice.draw(from: probabilities, using: &generator)
            cached[choice.arm] += 1
            #expect(choice.probability == probabilities[choice.arm])
        }
        #expect((5...40).contains(cached[0]), "\(cached)")
    }

    @Test func thompsonIsDeterministicForASeedAndRoundTrips() throws {
        var bandit = BetaBernoulliThompson(arms: 4, floor: 0.02, probabilityDraws: 50)
        for arm in 0..<4 { bandit.update(arm: arm, reward: Double(arm) / 4) }
        bandit.update(arm: 2, success: true)
        var a = SeededRandom(seed: 5), b = SeededRandom(seed: 5)
        #expect((0..<50).map { _ in bandit.choose(using: &a) } == (0..<50).map { _ in bandit.choose(using: &b) })
        let bytes = bandit.serialized()
        #expect(bytes.count == 22 + 16 * 4)
        #expect(try BetaBernoulliThompson(serialized: bytes) == bandit)
        #expect(throws: LiveModelError.self) { try BetaBernoulliThompson(serialized: Array(bytes.dropLast())) }
        #expect(throws: LiveModelError.self) { try BetaBernoulliThompson(serialized: LinearThompson(arms: 1, dimension: 1).serialized()) }
    }

    @Test func shermanMorrisonMatchesTheDirectRidgeSolution() {
        // Given d = 2, λ = 1 and updates x = (1, 2) r = 3, x = (1, −1) r = 1 on arm 0
        var bandit = LinearThompson(arms: 2, dimension: 2)
        bandit.update(arm: 0, features: [1, 2], reward: 3)
        bandit.update(arm: 0, features: [1, -1], reward: 1)
        // A = I + [[1,2],[2,4]] + [[1,−1],[−1,1]] = [[3,1],[1,6]], det 17; b = (3,6) + (1,−1) = (4,5)
        // θ = A⁻¹b = [[6,−1],[−1,3]] / 17 · (4,5) = (19, 11) / 17
        let theta = bandit.coefficients(arm: 0)
        #expect(abs(theta[0] - 19.0 / 17) < 1e-12 && abs(theta[1] - 11.0 / 17) < 1e-12)
        // For x = (1, 0): mean 19/17, variance xᵀA⁻¹x = 6/17
        let score = bandit.scoreDistribution(arm: 0, features: [1, 0])
        #expect(abs(score.mean - 19.0 / 17) < 1e-12 && abs(score.variance - 6.0 / 17) < 1e-12)
        // The untouched arm is the prior: mean 0, variance 1/λ · |x|²
        let prior = bandit.scoreDistribution(arm: 1, features: [1, 2])
        #expect(prior.mean == 0 && prior.variance == 5)
        #expect(bandit.updateCounts == [1 + 1, 0])
        let accepted = bandit.update(arm: 1, features: [.nan, 0], reward: 1)
        #expect(!accepted && bandit.updateCounts == [2, 0])
    }

    @Test func linearThompsonLearnsWhichArmSuitsEachContext() {
        // Given two arms: arm 0 converts 80% when the feature u > 0 and 20% otherwise, arm 1 the reverse
        var bandit = LinearThompson(arms: 2, dimension: 3, explorationScale: 0.5)
        var policy = SeededRandom(seed: 11), world = SeededRandom(seed: 12)
        var correct = 0
        for round in 0..<4_000 {
            let u = 2 * RandomDraws.uniform(using: &world) - 1
            let features = [1, u, RandomDraws.uniform(using: &world)]
            let choice = bandit.choose(features: features, using: &policy)
            #expect(choice.probability >= 0.01 && choice.probability <= 0.99 + 1e-12)
            let best = u > 0 ? 0 : 1
            if round >= 3_000, choice.arm == best { correct += 1 }
            let rate = choice.arm == best ? 0.8 : 0.2
            bandit.update(arm: choice.arm, features: features, reward: RandomDraws.uniform(using: &world) < rate ? 1 : 0)
        }
        // Then it picks the right arm for the context in more than 80% of the last 1,000 rounds
        #expect(correct > 800, "\(correct) of 1,000")
        // And two-arm probabilities are exact and consistent: they sum to 1 and need no draws
        var unused = SeededRandom(seed: 0)
        let probabilities = bandit.armProbabilities(features: [1, 0.7, 0.5], using: &unused)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-12 && probabilities[0] > 0.9)
        #expect(unused == SeededRandom(seed: 0))
    }

    @Test func linearThompsonWithManyArmsEstimatesProbabilitiesAndRoundTrips() throws {
        var bandit = LinearThompson(arms: 3, dimension: 4, floor: 0.01, probabilityDraws: 500)
        var world = SeededRandom(seed: 3)
        for step in 0..<300 {
            let features = (0..<4).map { _ in RandomDraws.standardNormal(using: &world) }
            bandit.update(arm: step % 3, features: features, reward: features[0] * Double(step % 3))
        }
        let context = [1.0, 0.2, -0.3, 0.5]
        var a = SeededRandom(seed: 21), b = SeededRandom(seed: 21)
        let probabilities = bandit.armProbabilities(features: context, using: &a)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-9 && probabilities.allSatisfy { $0 >= 0.01 && $0 <= 1 })
        #expect(probabilities[2] > 0.9)
        #expect(probabilities == bandit.armProbabilities(features: context, using: &b))
        // Serialization: 42 header bytes, then per arm 8 + 8d + 4d(d + 1) = 8 + 32 + 80 = 120
        let bytes = bandit.serialized()
        #expect(bytes.count == 42 + 3 * 120)
        let restored = try LinearThompson(serialized: bytes)
        #expect(restored == bandit)
        var c = SeededRandom(seed: 8), d = SeededRandom(seed: 8)
        #expect(restored.choose(features: context, using: &c) == bandit.choose(features: context, using: &d))
        #expect(throws: LiveModelError.self) { try LinearThompson(serialized: Array(bytes.prefix(100))) }
        #expect(throws: LiveModelError.self) { try LinearThompson(serialized: BetaBernoulliThompson(arms: 2).serialized()) }
    }
}
