/// An arm a bandit chose, with the probability that the policy chooses that arm: the propensity
/// to log with the decision, for off-policy evaluation (inverse propensity scoring).
public struct BanditChoice: Sendable, Hashable {
    /// The chosen arm's index.
    public var arm: Int
    /// The probability, in (0, 1], with which the policy chose `arm` in this state (and context).
    public var probability: Double

    /// A chosen arm and its probability.
    public init(arm: Int, probability: Double) {
        self.arm = arm
        self.probability = probability
    }

    /// Draws an arm from a probability vector a bandit computed earlier (its
    /// `armProbabilities`), recording that arm's probability.
    ///
    /// Thompson sampling's probabilities change only when the bandit is updated, so an engine may
    /// compute them once per state (or per context) and draw many choices from them cheaply;
    /// the recorded probability is then exactly the probability of the choice made.
    ///
    /// - Parameters:
    ///   - probabilities: Non-negative probabilities summing to 1 (the floor already mixed in).
    ///   - generator: The source of the draw.
    public static func draw(from probabilities: [Double], using generator: inout some RandomNumberGenerator) -> BanditChoice {
        precondition(!probabilities.isEmpty, "no arms to choose from")
        let arm = RandomDraws.categorical(probabilities, using: &generator)
        return BanditChoice(arm: arm, probability: probabilities[arm])
    }
}

/// The exploration floor shared by the bandits.
enum BanditFloor {
    /// Mixes a policy's arm probabilities with a uniform choice so every arm keeps at least
    /// `floor`: with probability `k · floor` the arm is chosen uniformly, otherwise by the policy,
    /// so arm `i` gets `floor + (1 − k · floor) · pᵢ`. The floor is capped at `1 / k`.
    static func mix(_ probabilities: [Double], floor: Double) -> [Double] {
        let count = Double(probabilities.count)
        let effective = min(max(0, floor), 1 / count)
        return probabilities.map { effective + (1 - count * effective) * $0 }
    }

    /// The mixed probabilities and an arm drawn from them.
    static func choose(_ probabilities: [Double], floor: Double, using generator: inout some RandomNumberGenerator) -> BanditChoice {
        let mixed = mix(probabilities, floor: floor)
        let arm = RandomDraws.categorical(mixed, using: &generator)
        return BanditChoice(arm: arm, probability: mixed[arm])
    }
}
