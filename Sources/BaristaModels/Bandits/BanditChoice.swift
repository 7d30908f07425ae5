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
