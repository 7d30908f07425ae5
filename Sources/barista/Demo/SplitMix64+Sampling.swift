import Foundation

extension SplitMix64 {
    /// A uniform double in [0, 1), from the top 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next(upperBound: UInt64(range.count)))
    }

    /// A uniform double in `range`.
    mutating func double(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// A standard normal deviate (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 0x1.0p-53)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * unit())
    }

    /// A log-normal deviate with the given median and log-space standard deviation.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// A geometric count (0, 1, 2, …) with the given mean.
    mutating func geometric(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let p = 1 / (1 + mean)
        return Int(log(max(unit(), 0x1.0p-53)) / log(1 - p))
    }

    /// A uniformly chosen element of a non-empty collection.
    mutating func pick<T>(_ elements: [T]) -> T {
        elements[Int(next(upperBound: UInt64(elements.count)))]
    }

    /// An index drawn in proportion to `weights` (not necessarily normalised).
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        var target = unit() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    /// An index drawn from running totals (`cumulative[i]` = sum of weights 0…i), in O(log n).
    mutating func index(cumulative: [Double]) -> Int {
        let target = unit() * (cumulative.last ?? 0)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// `count` distinct indices of `0..<n`, drawn in proportion to `weights`.
    mutating func distinctIndices(_ count: Int, weights: [Double]) -> [Int] {
        var weights = weights
        var chosen: [Int] = []
        for _ in 0..<min(count, weights.count) {
            let index = weightedIndex(weights)
            chosen.append(index)
            weights[index] = 0
        }
        return chosen
    }

    /// A random version-4-shaped UUID string (for anonymous and device ids).
    mutating func uuid() -> String {
        let a = next(), b = next()
        let c = Array(String(a, radix: 16).zeroPadded(to: 16) + String(b, radix: 16).zeroPadded(to: 16))
        let variant = ["8", "9", "a", "b"][Int(b >> 62)]
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-" + variant
            + String(c[17..<20]) + "-" + String(c[20..<32])
    }
}

extension String {
    /// The string padded on the left with zeros to `width` characters.
    func zeroPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
