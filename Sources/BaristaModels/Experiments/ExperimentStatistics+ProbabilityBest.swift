extension ExperimentStatistics {
    /// The Bayesian probability that each arm has the highest conversion rate, under independent
    /// Beta(1 + conversions, 1 + exposures − conversions) posteriors (a uniform prior).
    ///
    /// Estimated by Monte-Carlo: `draws` joint draws from the posteriors (each Beta as a ratio of
    /// two Marsaglia–Tsang Gamma draws) from a ``SeededRandom`` seeded with `seed`, counting which
    /// arm drew the highest rate. The same input therefore always gives the same answer; the
    /// Monte-Carlo standard error is at most `0.5 / √draws` (0.0035 for 20,000 draws). Cost:
    /// `2 · arms · draws` Gamma draws (a few milliseconds for three arms).
    ///
    /// - Parameters:
    ///   - arms: Every arm's sums, the control included, in report order.
    ///   - draws: Joint posterior draws, `> 0`.
    ///   - seed: The seed of the draws.
    /// - Returns: One probability per arm, summing to 1; empty for no arms, `[1]` for one arm.
    public static func probabilityBest(_ arms: [VariantOutcome], draws: Int = 20_000, seed: UInt64 = 0x5EED_BE57) -> [Double] {
        precondition(draws > 0, "at least one draw is needed")
        guard arms.count > 1 else { return arms.map { _ in 1 } }
        var generator = SeededRandom(seed: seed)
        var wins = [Int](repeating: 0, count: arms.count)
        let shapes = arms.map { (Double(1 + $0.conversions), Double(1 + max(0, $0.exposures - $0.conversions))) }
        for _ in 0..<draws {
            var best = 0
            var bestRate = -Double.infinity
            for (index, shape) in shapes.enumerated() {
                let rate = RandomDraws.beta(shape.0, shape.1, using: &generator)
                if rate > bestRate {
                    best = index
                    bestRate = rate
                }
            }
            wins[best] += 1
        }
        return wins.map { Double($0) / Double(draws) }
    }
}
