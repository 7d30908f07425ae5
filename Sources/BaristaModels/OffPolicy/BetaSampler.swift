#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator, so Monte-Carlo
/// results repeat.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in (0, 1).
    mutating func unit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }
}

/// Draws from Beta and Gamma distributions.
enum BetaSampler {
    /// A Beta(α, β) draw, as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β).
    static func sample(alpha: Double, beta: Double, random: inout SplitMix64) -> Double {
        let x = gamma(shape: alpha, random: &random)
        let y = gamma(shape: beta, random: &random)
        return x / (x + y)
    }

    /// A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 boosted by U^(1/shape)).
    static func gamma(shape: Double, random: inout SplitMix64) -> Double {
        if shape < 1 {
            return gamma(shape: shape + 1, random: &random) * pow(random.unit(), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal(random: &random)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = random.unit()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A standard normal draw (Box–Muller, one of the pair).
    static func normal(random: inout SplitMix64) -> Double {
        let u = random.unit(), v = random.unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
