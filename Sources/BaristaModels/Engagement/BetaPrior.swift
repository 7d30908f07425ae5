#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Beta(α, β) prior on a rate, such as the chance that a delivered email is opened.
///
/// Combined with a person's `s` successes out of `n` trials it gives the Beta(α + s, β + n − s)
/// posterior, whose mean shrinks the raw rate `s / n` towards the prior mean `α / (α + β)`:
/// strongly when `n` is small against the prior's strength `α + β`, hardly at all when it is
/// large. ``fit(_:optimizer:)`` estimates the prior from a population (empirical Bayes).
public struct BetaPrior: Sendable, Hashable {
    /// The first shape α, > 0: the prior's pseudo-successes.
    public var alpha: Double
    /// The second shape β, > 0: the prior's pseudo-failures.
    public var beta: Double

    /// Creates a prior from its shapes.
    ///
    /// - Parameters:
    ///   - alpha: The first shape, > 0.
    ///   - beta: The second shape, > 0.
    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    /// The uniform prior Beta(1, 1), which ``fit(_:optimizer:)`` returns when it has no data.
    ///
    /// Its posterior mean is Laplace's rule of succession `(s + 1) / (n + 2)`: a prior of
    /// strength 2 that any real history quickly outweighs.
    public static let uniform = BetaPrior(alpha: 1, beta: 1)

    /// The largest strength `α + β` that ``fit(_:optimizer:)`` returns.
    ///
    /// When the observed rates vary no more than binomial noise explains (every rate identical,
    /// say), the marginal likelihood keeps rising as the strength grows without bound: the data
    /// look like one shared rate. Capping the strength at 1,000 keeps the shapes finite and the
    /// likelihood numerically meaningful while still letting a person's own history move their
    /// posterior once they have on the order of a thousand trials.
    public static let maximumStrength = 1_000.0

    /// The smallest shape that ``fit(_:optimizer:)`` returns, so that an all-zero (or all-one)
    /// population gives a prior whose mean sits at the boundary without a shape reaching 0.
    public static let minimumShape = 1e-3

    /// The prior mean `α / (α + β)`.
    public var mean: Double { alpha / (alpha + beta) }

    /// The prior's strength `α + β`: how many trials it is worth.
    public var strength: Double { alpha + beta }

    /// The posterior after `successes` out of `trials`.
    ///
    /// Negative counts count as 0, and `successes` is clipped at `trials`: opens can exceed
    /// deliveries when a person opens one email twice, and a rate above 1 has no Beta posterior.
    /// - Parameters:
    ///   - successes: The successes observed.
    ///   - trials: The trials observed.
    /// - Returns: Beta(α + s, β + n − s).
    public func posterior(successes: Int, trials: Int) -> BetaPrior {
        let (s, n) = Self.clipped(successes: successes, trials: trials)
        return BetaPrior(alpha: alpha + Double(s), beta: beta + Double(n - s))
    }

    /// The posterior mean rate `(α + s) / (α + β + n)`, with the clipping of
    /// ``posterior(successes:trials:)``.
    ///
    /// - Parameters:
    ///   - successes: The successes observed.
    ///   - trials: The trials observed.
    /// - Returns: The shrunk rate, in (0, 1).
    public func posteriorMean(successes: Int, trials: Int) -> Double {
        posterior(successes: successes, trials: trials).mean
    }

    /// An approximate lower credible bound on the rate: the posterior mean minus `z` posterior
    /// standard deviations, floored at 0.
    ///
    /// The normal approximation of the Beta posterior is cheap and good once both posterior
    /// shapes exceed a few units; below that it is conservative near 0 (hence the floor).
    /// `z = 1.645` gives a one-sided 95% bound. Ranking by it favours rates known with
    /// confidence over equal means resting on few trials.
    /// - Parameters:
    ///   - successes: The successes observed.
    ///   - trials: The trials observed.
    ///   - z: The number of posterior standard deviations below the mean.
    /// - Returns: A rate in [0, ``posteriorMean(successes:trials:)``].
    public func lowerBound(successes: Int, trials: Int, z: Double = 1.645) -> Double {
        let post = posterior(successes: successes, trials: trials)
        let total = post.strength
        let variance = post.alpha * post.beta / (total * total * (total + 1))
        return max(0, post.mean - z * variance.squareRoot())
    }

    /// `(successes, trials)` with negatives at 0 and successes at most trials.
    static func clipped(successes: Int, trials: Int) -> (successes: Int, trials: Int) {
        let n = max(trials, 0)
        return (min(max(successes, 0), n), n)
    }
}
