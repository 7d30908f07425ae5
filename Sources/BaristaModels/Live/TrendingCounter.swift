#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Time-decayed popularity of every item, overall and within its category.
///
/// An event of weight w at time t counts w·2^−(now − t)/``halfLife`` at time `now`: a burst one
/// half-life ago counts half. The counter uses *forward decay* (Cormode et al., 2009): it stores
/// w·2^(t − t₀)/``halfLife`` relative to a landmark time t₀, so recording is one addition and
/// items never need touching as time passes. When the stored exponents grow large (t − t₀ beyond
/// ``renormalisationSpan`` half-lives) every value is rescaled once and the landmark moves to t;
/// that O(items) pass happens at most once per 64 half-lives, so recording is amortised O(1).
///
/// A `Double` spans about 2,000 half-lives, so weights more than ~1,000 half-lives older than the
/// newest event drop to zero: with events at most 24 h in the future (the event validator's
/// limit), keep ``halfLife`` above ~90 s or a far-future event would erase the present.
///
/// Items are the engine's dense indices; arrays grow on demand to the largest index seen.
/// Memory is 12 bytes per item of the vocabulary (a `Double` weight and an `Int32` category),
/// whatever the number of events.
public struct TrendingCounter: Sendable, Hashable {
    /// Seconds after which an event counts half.
    public let halfLife: Double
    /// The landmark t₀ (Unix seconds) the stored weights are relative to.
    public internal(set) var landmark: Double
    /// The time of the latest event recorded (Unix seconds); `-infinity` before the first.
    public internal(set) var latest: Double
    /// Per item: the forward-decayed weight w·2^(t − t₀)/halfLife summed over its events.
    var weights: [Double]
    /// Per item: its category index, or −1 for none.
    var categories: [Int32]

    /// The stored exponent (in half-lives past the landmark) beyond which values are rescaled.
    public static let renormalisationSpan: Double = 64

    /// An empty counter.
    ///
    /// - Parameter halfLife: Seconds after which an event counts half; must be positive.
    public init(halfLife: Double) {
        precondition(halfLife > 0 && halfLife.isFinite, "halfLife must be a positive number of seconds")
        self.halfLife = halfLife
        landmark = 0
        latest = -.infinity
        weights = []
        categories = []
    }

    /// How many item indices the counter has room for (one past the largest seen).
    public var itemCount: Int { weights.count }

    /// Adds an event of `weight` for `item` at time `at`; O(1) amortised.
    ///
    /// - Parameters:
    ///   - item: The item's index; the counter grows to hold it.
    ///   - category: The item's category index, or nil to leave the one already known unchanged.
    ///   - weight: What the event counts (a view 1, a purchase more…).
    ///   - at: When the event happened, Unix seconds; events may arrive out of order.
    public mutating func record(item: Int32, category: Int32?, weight: Float, at: Double) {
        guard item >= 0, at.isFinite, weight.isFinite else { return }
        if latest == -.infinity { landmark = at }
        if (at - landmark) / halfLife > Self.renormalisationSpan { renormalise(to: at) }
        grow(to: item)
        let index = Int(item)
        weights[index] += Double(weight) * exp2((at - landmark) / halfLife)
        if let category { categories[index] = category }
        latest = max(latest, at)
    }

    /// Changes the category `item` is counted in (nil: none), when the catalog changes it.
    public mutating func setCategory(of item: Int32, to category: Int32?) {
        guard item >= 0 else { return }
        grow(to: item)
        categories[Int(item)] = category ?? -1
    }

    /// The category `item` is counted in, if any.
    public func category(of item: Int32) -> Int32? {
        guard item >= 0, Int(item) < categories.count, categories[Int(item)] >= 0 else { return nil }
        return categories[Int(item)]
    }

    /// The decayed popularity of `item` at time `at`: the sum of w·2^−(at − t)/halfLife over its events.
    public func score(of item: Int32, at: Double) -> Float {
        guard item >= 0, Int(item) < weights.count else { return 0 }
        return Float(weights[Int(item)] * exp2((landmark - at) / halfLife))
    }

    /// The `n` most popular items, best first, ties to the lower index; O(items) per call.
    ///
    /// Items never recorded are left out. The scores are decayed to `at`, by default the time of
    /// the latest event (the ranking does not depend on it: all items decay alike).
    ///
    /// - Parameters:
    ///   - n: How many items at most.
    ///   - category: Only items of this category; nil for all.
    ///   - at: The time the scores refer to; nil for ``latest``.
    ///   - include: Whether an item may be returned (in stock, not excluded…).
    public func top(_ n: Int, category: Int32?, at: Double? = nil, where include: (Int32) -> Bool) -> [ScoredItem] {
        guard n > 0 else { return [] }
        var best = TopScored(limit: n)
        let scale = exp2((landmark - (at ?? (latest.isFinite ? latest : landmark))) / halfLife)
        for index in weights.indices where weights[index] > 0 {
            if let category, categories[index] != category { continue }
            let item = Int32(index)
            guard include(item) else { continue }
            best.offer(item, Float(weights[index] * scale))
        }
        return best.bestFirst()
    }

    /// Rescales every stored weight to the landmark `time`; O(items), once per 64 half-lives.
    mutating func renormalise(to time: Double) {
        let factor = exp2((landmark - time) / halfLife)
        for index in weights.indices {
            let value = weights[index] * factor
            // Values this small have decayed to nothing; clear them rather than keep denormals.
            weights[index] = value < Double.leastNormalMagnitude ? 0 : value
        }
        landmark = time
    }

    private mutating func grow(to item: Int32) {
        let needed = Int(item) + 1
        guard needed > weights.count else { return }
        weights.append(contentsOf: repeatElement(0, count: needed - weights.count))
        categories.append(contentsOf: repeatElement(-1, count: needed - categories.count))
    }
}
