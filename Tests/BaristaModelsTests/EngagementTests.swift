import Foundation
import Testing
import BaristaModels

@Suite struct EngagementTests {
    /// A seeded SplitMix64 generator, so synthetic populations are the same on every run.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// A uniform draw in (0, 1).
        mutating func uniform() -> Double {
            (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
        }

        /// A standard normal draw (Box–Muller).
        mutating func normal() -> Double {
            (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
        }

        /// A Gamma(shape, 1) draw (Marsaglia–Tsang; shapes below 1 boosted by `U^(1/shape)`).
        mutating func gamma(_ shape: Double) -> Double {
            if shape < 1 { return gamma(shape + 1) * pow(uniform(), 1 / shape) }
            let d = shape - 1.0 / 3
            let c = 1 / (9 * d).squareRoot()
            while true {
                let z = normal()
                let v = pow(1 + c * z, 3)
                guard v > 0 else { continue }
                if log(uniform()) < 0.5 * z * z + d - d * v + d * log(v) { return d * v }
            }
        }

        /// A Beta(α, β) draw from two Gamma draws.
        mutating func beta(_ alpha: Double, _ beta: Double) -> Double {
            let x = gamma(alpha)
            return x / (x + gamma(beta))
        }

        /// A Binomial(n, p) draw as a sum of Bernoulli draws.
        mutating func binomial(_ n: Int, _ p: Double) -> Int {
            (0..<n).reduce(0) { count, _ in count + (uniform() < p ? 1 : 0) }
        }
    }

    /// `count` people with rates from Beta(α, β) and 1…40 trials each.
    static func population(count: Int, alpha: Double, beta: Double, seed: UInt64) -> [(successes: Int, trials: Int)] {
        var rng = SplitMix64(state: seed)
        return (0..<count).map { _ in
            let trials = 1 + Int(rng.next() % 40)
            return (successes: rng.binomial(trials, rng.beta(alpha, beta)), trials: trials)
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
        var rng = SplitMix64(state: 99)
        let profiles = (0..<10_000).map { _ -> (delivered: Int, opened: Int, clicked: Int) in
            let delivered = Int(rng.next() % 30)
            let opened = rng.binomial(delivered, rng.beta(3, 7))
            // Repeat opens: some people open an email more than once.
            return (delivered: delivered, opened: opened + (rng.uniform() < 0.05 ? 2 : 0),
                    clicked: rng.binomial(delivered, rng.beta(1, 19)))
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
