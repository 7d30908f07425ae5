import Foundation

/// The item attributes Barista learns a taste for.
public enum AffinityDimension: String, Sendable, Hashable, Codable, CaseIterable {
    /// The item fields of the same names; for `tags`, every tag is a value of its own.
    case category, brand, color, style, tags
}

/// Time-decayed weights per attribute value: a view of a Nike shoe today weighs more than one last month.
///
/// Each weight is stored with the time it refers to and decays with a half-life; adding is
/// order-independent (an old event imported late adds its weight already decayed).
public struct Affinities: Sendable, Hashable {
    /// A weight as of `at`.
    public struct Weight: Sendable, Hashable {
        /// The accumulated weight as of ``at``, before any later decay.
        public var weight: Double
        /// The time ``weight`` is valid at; it decays from here.
        public var at: Date
        /// A weight of `weight` as of `at`.
        public init(weight: Double, at: Date) {
            self.weight = weight
            self.at = at
        }
    }

    /// At most this many values are kept per dimension; the weakest are forgotten first.
    public static let maxValuesPerDimension = 64

    /// The weights per dimension and value (`brand` → `Nike`); at most ``maxValuesPerDimension`` values each.
    public var weights: [AffinityDimension: [String: Weight]] = [:]

    /// No tastes yet.
    public init() {}

    /// Adds `amount` to `value` of `dimension` at time `at`, decaying with `halfLife` seconds.
    public mutating func add(_ amount: Double, to value: String, of dimension: AffinityDimension, at: Date, halfLife: Double) {
        // Mutate the nested dictionary in place: taking it out first would copy it on every add.
        let count = weights[dimension, default: [:]].count
        if let current = weights[dimension]?[value] {
            weights[dimension]![value] = at >= current.at
                ? Weight(weight: Self.decay(current.weight, from: current.at, to: at, halfLife: halfLife) + amount, at: at)
                : Weight(weight: current.weight + Self.decay(amount, from: at, to: current.at, halfLife: halfLife), at: current.at)
            return
        }
        weights[dimension, default: [:]][value] = Weight(weight: amount, at: at)
        guard count + 1 > Self.maxValuesPerDimension, let values = weights[dimension] else { return }
        let weakest = values.min {
            Self.decay($0.value.weight, from: $0.value.at, to: at, halfLife: halfLife) < Self.decay($1.value.weight, from: $1.value.at, to: at, halfLife: halfLife)
        }
        if let weakest { weights[dimension]![weakest.key] = nil }
    }

    /// Combines two people's tastes (a merge).
    public mutating func merge(_ other: Affinities, halfLife: Double) {
        for (dimension, values) in other.weights {
            for (value, weight) in values { add(weight.weight, to: value, of: dimension, at: weight.at, halfLife: halfLife) }
        }
    }

    /// Shares in 0–1 per dimension as of `now`: each value's decayed weight over the dimension's total.
    public func shares(at now: Date, halfLife: Double) -> [AffinityDimension: [String: Double]] {
        var result: [AffinityDimension: [String: Double]] = [:]
        for dimension in AffinityDimension.allCases {
            guard let values = weights[dimension], !values.isEmpty else {
                result[dimension] = [:]
                continue
            }
            let decayed = values.mapValues { Self.decay($0.weight, from: $0.at, to: now, halfLife: halfLife) }
            let total = decayed.values.reduce(0, +)
            result[dimension] = total > 0 ? decayed.mapValues { $0 / total } : [:]
        }
        return result
    }

    static func decay(_ weight: Double, from: Date, to: Date, halfLife: Double) -> Double {
        guard halfLife > 0 else { return weight }
        let elapsed = to.timeIntervalSince(from)
        return weight * exp2(-elapsed / halfLife)
    }
}
