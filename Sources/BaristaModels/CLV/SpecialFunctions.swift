#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few special functions the customer-lifetime models need.
enum SpecialFunctions {
    /// `ln Γ(x)` for `x > 0`.
    static func logGamma(_ x: Double) -> Double {
        #if canImport(Darwin)
        return lgamma(x)
        #else
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
        #endif
    }

    /// `ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b)` for `a, b > 0`.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// `ln(eᵃ + eᵇ)` without overflow or underflow.
    static func logSumExp(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b)
        guard high.isFinite else { return high }
        return high + log1p(exp(min(a, b) - high))
    }

    /// The Gaussian hypergeometric function ₂F₁(a, b; c; z) for `0 ≤ z < 1`, summed as its power
    /// series until a term no longer changes the sum (relative 1e-15).
    ///
    /// The series converges for `|z| < 1`, slowly as `z` nears 1; the loop stops after
    /// `maxTerms` terms and returns the partial sum.
    static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double, maxTerms: Int = 1_000_000) -> Double {
        var term = 1.0
        var sum = 1.0
        var n = 0.0
        for _ in 0..<maxTerms {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            n += 1
            if abs(term) <= 1e-15 * abs(sum) { break }
        }
        return sum
    }
}
