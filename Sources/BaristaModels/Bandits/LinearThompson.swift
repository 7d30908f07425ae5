#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A contextual bandit: linear Thompson sampling (Agrawal and Goyal, 2013) with one ridge
/// regression per arm over a feature vector of dimension `d ≤ 64`.
///
/// Each arm keeps `A = λI + Σ x xᵀ` (as its inverse) and `b = Σ r x`; its coefficients have the
/// posterior `θ ~ N(A⁻¹b, v² A⁻¹)`. For a given context `x` only the score `xᵀθ` matters, and it
/// is exactly normal, `N(xᵀA⁻¹b, v² xᵀA⁻¹x)`, independently per arm; so sampling a score per arm
/// is the same policy as sampling θ (by a Cholesky factor) and scoring it, at O(d²) per arm
/// instead of O(d³), with no factorization to keep.
///
/// Thompson sampling rather than LinUCB because its choices are random with smooth, non-zero
/// probabilities, which keeps inverse-propensity (off-policy) evaluation of logged decisions
/// usable; LinUCB is deterministic apart from the floor. A choice computes Thompson sampling's
/// probability `pᵢ` of each arm (exactly for two arms, `Φ((m₁ − m₀) / √(σ₀² + σ₁²))`; otherwise by
/// `probabilityDraws` Monte-Carlo re-draws of the scores), mixes in the exploration floor (arm
/// `i` gets `floor + (1 − k · floor) · pᵢ`), and draws the arm from exactly those probabilities:
/// the probability it records is the probability of the choice it made.
///
/// Costs: a choice is O(k · d²) plus `k · probabilityDraws` normal draws for three or more arms;
/// ``update(arm:features:reward:)`` is O(d²) (a Sherman–Morrison rank-one update of `A⁻¹`).
/// State: `d² + d` Float64 per arm (about 33 KiB per arm at d = 64).
public struct LinearThompson: Sendable, Hashable {
    /// The feature vector's length.
    public let dimension: Int
    /// The ridge penalty λ: `A` starts as `λI`.
    public let regularization: Double
    /// The posterior scale v: the sampled scores' standard deviation is `v √(xᵀA⁻¹x)`.
    public let explorationScale: Double
    /// The least probability of choosing any arm, capped at `1 / arms`.
    public let floor: Double
    /// Monte-Carlo re-draws a choice takes to estimate arm probabilities (three or more arms).
    public let probabilityDraws: Int
    /// Per arm, `A⁻¹` row by row (`d × d`, symmetric).
    var inverses: [[Double]]
    /// Per arm, `b = Σ r x`.
    var rewardSums: [[Double]]
    /// Per arm, how many updates it has had.
    public internal(set) var updateCounts: [Int]

    /// A bandit with `arms` arms and no observations.
    ///
    /// - Parameters:
    ///   - arms: How many arms, `> 0`.
    ///   - dimension: The feature vector's length, `1...64`.
    ///   - regularization: λ, `> 0` (default 1).
    ///   - explorationScale: v, `≥ 0` (default 1; about the rewards' noise standard deviation).
    ///   - floor: The least probability of each arm (default 1%), capped at `1 / arms`.
    ///   - probabilityDraws: Monte-Carlo re-draws per choice for three or more arms, `> 0`.
    public init(arms: Int, dimension: Int, regularization: Double = 1, explorationScale: Double = 1,
                floor: Double = 0.01, probabilityDraws: Int = 1_000) {
        precondition(arms > 0, "a bandit needs at least one arm")
        precondition((1...64).contains(dimension), "the dimension must be within 1...64")
        precondition(regularization > 0 && regularization.isFinite, "λ must be positive")
        precondition(explorationScale >= 0 && explorationScale.isFinite, "v must be non-negative")
        precondition(probabilityDraws > 0, "at least one draw per choice")
        self.dimension = dimension
        self.regularization = regularization
        self.explorationScale = explorationScale
        self.floor = min(max(0, floor), 1 / Double(arms))
        self.probabilityDraws = probabilityDraws
        var identity = [Double](repeating: 0, count: dimension * dimension)
        for i in 0..<dimension { identity[i * dimension + i] = 1 / regularization }
        inverses = Array(repeating: identity, count: arms)
        rewardSums = Array(repeating: Array(repeating: 0, count: dimension), count: arms)
        updateCounts = Array(repeating: 0, count: arms)
    }

    /// How many arms the bandit has.
    public var armCount: Int { inverses.count }

    /// An arm's posterior mean coefficients, `A⁻¹b`.
    public func coefficients(arm: Int) -> [Double] {
        multiplyInverse(arm: arm, rewardSums[arm])
    }

    /// The distribution of an arm's sampled score for a context: mean `xᵀA⁻¹b` and variance
    /// `v² xᵀA⁻¹x`.
    public func scoreDistribution(arm: Int, features: [Double]) -> (mean: Double, variance: Double) {
        precondition(features.count == dimension, "expected \(dimension) features")
        let w = multiplyInverse(arm: arm, features)
        var mean = 0.0, quadratic = 0.0
        for i in 0..<dimension {
            mean += w[i] * rewardSums[arm][i]
            quadratic += w[i] * features[i]
        }
        return (mean, explorationScale * explorationScale * max(0, quadratic))
    }

    /// The probability that the policy chooses each arm for a context, the floor included (they
    /// sum to 1). Draws from `generator` only for three or more arms.
    public func armProbabilities(features: [Double], using generator: inout some RandomNumberGenerator) -> [Double] {
        BanditFloor.mix(thompsonProbabilities(features: features, using: &generator), floor: floor)
    }

    /// Chooses an arm for a context: linear Thompson sampling with the exploration floor, and the
    /// probability of that choice (see the type's discussion).
    public func choose(features: [Double], using generator: inout some RandomNumberGenerator) -> BanditChoice {
        BanditFloor.choose(thompsonProbabilities(features: features, using: &generator), floor: floor, using: &generator)
    }

    /// Records the reward an arm earned in a context: `A⁻¹` by Sherman–Morrison,
    /// `A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x)`, and `b += r x`, in O(d²).
    ///
    /// - Returns: false, changing nothing, when a feature or the reward is not finite.
    @discardableResult
    public mutating func update(arm: Int, features: [Double], reward: Double) -> Bool {
        precondition(inverses.indices.contains(arm), "no arm \(arm)")
        precondition(features.count == dimension, "expected \(dimension) features")
        guard reward.isFinite, features.allSatisfy(\.isFinite) else { return false }
        let w = multiplyInverse(arm: arm, features)
        var quadratic = 0.0
        for i in 0..<dimension { quadratic += w[i] * features[i] }
        let scale = 1 / (1 + max(0, quadratic))
        inverses[arm].withUnsafeMutableBufferPointer { inverse in
            for i in 0..<dimension {
                let wi = w[i] * scale
                for j in i..<dimension {
                    let value = inverse[i * dimension + j] - wi * w[j]
                    inverse[i * dimension + j] = value
                    inverse[j * dimension + i] = value
                }
            }
        }
        for i in 0..<dimension { rewardSums[arm][i] += reward * features[i] }
        updateCounts[arm] += 1
        return true
    }

    /// Adds a reward to an observation already counted (`b += r x`, `A` unchanged): a decision is
    /// recorded at once with reward 0 by ``update(arm:features:reward:)``, and its conversion,
    /// which may come days later, is credited here. O(d).
    ///
    /// - Returns: false, changing nothing, when a feature or the reward is not finite.
    @discardableResult
    public mutating func credit(arm: Int, features: [Double], reward: Double) -> Bool {
        precondition(rewardSums.indices.contains(arm), "no arm \(arm)")
        precondition(features.count == dimension, "expected \(dimension) features")
        guard reward.isFinite, features.allSatisfy(\.isFinite) else { return false }
        for i in 0..<dimension { rewardSums[arm][i] += reward * features[i] }
        return true
    }

    private func multiplyInverse(arm: Int, _ vector: [Double]) -> [Double] {
        let d = dimension
        var result = [Double](repeating: 0, count: d)
        inverses[arm].withUnsafeBufferPointer { inverse in
            for i in 0..<d {
                var sum = 0.0
                for j in 0..<d { sum += inverse[i * d + j] * vector[j] }
                result[i] = sum
            }
        }
        return result
    }

    private func thompsonProbabilities(features: [Double], using generator: inout some RandomNumberGenerator) -> [Double] {
        guard armCount > 1 else { return [1] }
        let scores = (0..<armCount).map { scoreDistribution(arm: $0, features: features) }
        if armCount == 2 {
            let spread = (scores[0].variance + scores[1].variance).squareRoot()
            let gap = scores[1].mean - scores[0].mean
            let second = spread > 0 ? 0.5 * erfc(-gap / (spread * 2.0.squareRoot())) : (gap > 0 ? 1 : gap < 0 ? 0 : 0.5)
            return [1 - second, second]
        }
        var wins = [Int](repeating: 0, count: armCount)
        let deviations = scores.map { $0.variance.squareRoot() }
        for _ in 0..<probabilityDraws {
            var best = 0
            var bestScore = -Double.infinity
            for arm in 0..<armCount {
                let score = scores[arm].mean + deviations[arm] * RandomDraws.standardNormal(using: &generator)
                if score > bestScore {
                    best = arm
                    bestScore = score
                }
            }
            wins[best] += 1
        }
        return wins.map { Double($0) / Double(probabilityDraws) }
    }
}
