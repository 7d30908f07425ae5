import Foundation
import Testing
@testable import BaristaModels

@Suite struct EngagementTests {
    /// A Binomial(n, p) draw as a sum of Bernoulli draws.
    static func binomial(_ n: Int, _ p: Double, _ rng: inout SeededRandom) -> Int {
        (0..<n).reduce(0) { count, _ in count + (RandomDraws.uniform(using: &rng) < p ? 1 : 0) }
    }

    /// `count` people with rates from Beta(α, β) and 1…40 trials each.
    static func population(count: Int, alpha: Double, beta: Double, seed: UInt64) -> [(successes: Int, trials: Int)] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let trials = 1 + Int(rng.next() % 40)
            let rate = RandomDraws.beta(alpha, beta, using: &rng)
            return (successes: binomial(trials, rate, &rng), trials: trials)
        }
    }

    static func close(_ value: Double, _ expected: Double, relative: Double) -> Bool {
        abs(value - expected) <= relative * abs(expected)
    }

    @Test func fitRecoversTheShapesOfASyntheticBetaPopulation() {
        let observations = Self.population(count: 20_000, alpha: 2, beta: 8, seed: 42)
        let prior = BetaPrior.fit(observations)
        #expect(Self.close(prior.alpha, 2, relative: 0.15), "α = \(prior.alpha)")
        #expect(Self.close(prior.beta, 8, relative: 0.15), "β = \(prior.beta)")
    }

    @Test func theFittedPriorIsAMaximumOfTheMarginalLikelihood() {
        let observations = Self.population(count: 5_000, alpha: 2, beta: 8, seed: 7)
        let prior = BetaPrior.fit(observations)
        let best = prior.logMarginalLikelihood(observations)
        for (da, db) in [(1.02, 1.0), (0.98, 1.0), (1.0, 1.02), (1.0, 0.98), (1.05, 1.05), (0.95, 0.95), (1.05, 0.95)] {
            let other = BetaPrior(alpha: prior.alpha * da, beta: prior.beta * db)
            #expect(best >= other.logMarginalLikelihood(observations), "at ×(\(da), \(db))")
        }
    }

    @Test func fewTrialsAreShrunkTowardsThePopulationAndManyAreNot() {
        let prior = BetaPrior.fit(Self.population(count: 20_000, alpha: 2, beta: 8, seed: 1))
        let twoOfTwo = prior.posteriorMean(successes: 2, trials: 2)
        let all200 = prior.posteriorMean(successes: 200, trials: 200)
        #expect(twoOfTwo < 0.4, "2/2 → \(twoOfTwo)")
        #expect(all200 > 0.95, "200/200 → \(all200)")
        #expect(prior.lowerBound(successes: 2, trials: 2) < twoOfTwo)
        #expect(prior.lowerBound(successes: 200, trials: 200) > 0.9)
    }

    @Test func noObservationsGiveTheUniformPrior() {
        #expect(BetaPrior.fit([]) == .uniform)
        #expect(BetaPrior.fit([(successes: 3, trials: 0), (successes: 0, trials: -1)]) == .uniform)
        #expect(BetaPrior.uniform.posteriorMean(successes: 1, trials: 1) == 2.0 / 3)
    }

    @Test(arguments: [0.0, 0.25, 1.0])
    func identicalRatesKeepTheStrengthBounded(rate: Double) {
        let observations = (1...2_000).map { i in
            let trials = 4 * (1 + i % 10)
            return (successes: Int(rate * Double(trials)), trials: trials)
        }
        let prior = BetaPrior.fit(observations)
        #expect(prior.alpha.isFinite && prior.beta.isFinite)
        #expect(prior.alpha >= BetaPrior.minimumShape && prior.beta >= BetaPrior.minimumShape)
        #expect(prior.strength <= BetaPrior.maximumStrength * (1 + 1e-9), "strength = \(prior.strength)")
        #expect(abs(prior.mean - rate) < 0.01, "mean = \(prior.mean)")
    }

    @Test func singleTrialsFitTheMeanWithAFiniteStrength() {
        let observations = (0..<1_000).map { (successes: $0 % 4 == 0 ? 1 : 0, trials: 1) }
        let prior = BetaPrior.fit(observations)
        #expect(abs(prior.mean - 0.25) < 0.01, "mean = \(prior.mean)")
        #expect(prior.strength.isFinite && prior.strength <= BetaPrior.maximumStrength * (1 + 1e-9))
    }

    @Test func successesAboveTrialsAreClippedToTheTrials() {
        let prior = BetaPrior(alpha: 2, beta: 8)
        #expect(prior.posteriorMean(successes: 5, trials: 3) == prior.posteriorMean(successes: 3, trials: 3))
        #expect(prior.posteriorMean(successes: -1, trials: 3) == prior.posteriorMean(successes: 0, trials: 3))
        let observations = [(successes: 5, trials: 3), (successes: 1, trials: 4), (successes: 0, trials: 2)]
        let clipped = [(successes: 3, trials: 3), (successes: 1, trials: 4), (successes: 0, trials: 2)]
        #expect(BetaPrior.fit(observations) == BetaPrior.fit(clipped))
    }

    @Test func engagementRatesArePerDeliveredEmail() {
        var rng = SeededRandom(seed: 99)
        let profiles = (0..<10_000).map { _ -> (delivered: Int, opened: Int, clicked: Int) in
            let delivered = Int(rng.next() % 30)
            let opened = Self.binomial(delivered, RandomDraws.beta(3, 7, using: &rng), &rng)
            // Repeat opens: some people open an email more than once.
            let repeats = RandomDraws.uniform(using: &rng) < 0.05 ? 2 : 0
            return (delivered: delivered, opened: opened + repeats, clicked: Self.binomial(delivered, RandomDraws.beta(1, 19, using: &rng), &rng))
        }
        let model = EngagementModel.fit(profiles: profiles)
        #expect(model.fittedOn == profiles.filter { $0.delivered > 0 }.count)
        #expect(abs(model.open.mean - 0.3) < 0.02, "open mean = \(model.open.mean)")
        #expect(abs(model.click.mean - 0.05) < 0.01, "click mean = \(model.click.mean)")
        let fresh = model.rates(delivered: 0, opened: 0, clicked: 0)
        #expect(fresh.open == model.open.mean && fresh.click == model.click.mean)
        let keen = model.rates(delivered: 100, opened: 90, clicked: 40)
        #expect(keen.open > 0.8 && keen.click > 0.3)
    }

    @Test func fittingOneHundredThousandObservationsIsFast() {
        let observations = Self.population(count: 100_000, alpha: 2, beta: 8, seed: 3)
        let clock = ContinuousClock()
        var prior = BetaPrior.uniform
        let elapsed = clock.measure { prior = BetaPrior.fit(observations) }
        print("BetaPrior.fit on 100,000 observations: \(elapsed), α = \(prior.alpha), β = \(prior.beta)")
        // Generous so a debug build on a busy machine passes; release takes a few milliseconds.
        #expect(elapsed < .seconds(5))
    }
}
