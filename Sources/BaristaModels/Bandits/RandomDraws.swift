#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws from the few distributions the bandits and the experiment statistics sample, built only
/// on a generator's raw bits (not on the standard library's `random(in:using:)`), so a seeded
/// generator gives the same draws whatever the Swift version.
enum RandomDraws {
    /// A uniform draw in the open interval (0, 1): 53 random bits, centred in their cell.
    static func uniform(using generator: inout some RandomNumberGenerator) -> Double {
        (Double(generator.next() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal draw (Box–Muller; the second value of the pair is dropped so that a draw
    /// always consumes exactly two words of the generator).
    static func standardNormal(using generator: inout some RandomNumberGenerator) -> Double {
        let u = uniform(using: &generator)
        let v = uniform(using: &generator)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// A Gamma(shape, 1) draw by Marsaglia and Tsang's squeeze method (2000); for `shape < 1`,
    /// a Gamma(shape + 1) draw times `U^(1/shape)`.
    static func gamma(shape: Double, using generator: inout some RandomNumberGenerator) -> Double {
        precondition(shape > 0, "the shape must be positive")
        if shape < 1 {
            let boosted = gamma(shape: shape + 1, using: &generator)
            return boosted * pow(uniform(using: &generator), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = standardNormal(using: &generator)
            let root = 1 + c * x
            guard root > 0 else { continue }
            let v = root * root * root
            let u = uniform(using: &generator)
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A Beta(a, b) draw, as `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`.
    static func beta(_ a: Double, _ b: Double, using generator: inout some RandomNumberGenerator) -> Double {
        let x = gamma(shape: a, using: &generator)
        let y = gamma(shape: b, using: &generator)
        return x / (x + y)
    }

    /// An index drawn with the given probabilities (which sum to 1; rounding left over goes to
    /// the last index with a positive probability).
    static func categorical(_ probabilities: [Double], using generator: inout some RandomNumberGenerator) -> Int {
        let u = uniform(using: &generator)
        var cumulative = 0.0
        var last = 0
        for (index, probability) in probabilities.enumerated() where probability > 0 {
            cumulative += probability
            last = index
            if u < cumulative { return index }
        }
        return last
    }
}
