#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few special functions the customer-lifetime models and the experiment statistics need.
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

    /// The regularized upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)` for `a > 0`,
    /// `x ≥ 0`: the survival function of a Gamma(a, 1) variable.
    ///
    /// For `x < a + 1` it is `1 − P(a, x)`, with `P` summed as its power series (which converges
    /// fast there); otherwise it is evaluated directly as its continued fraction (modified Lentz),
    /// so tiny tail values keep their relative precision. Both stop at a relative change of 1e-15
    /// or after 10,000 terms.
    static func regularizedUpperIncompleteGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "the shape must be positive")
        guard x > 0 else { return 1 }
        guard x.isFinite else { return 0 }
        let logPrefactor = -x + a * log(x) - logGamma(a)
        if x < a + 1 {
            var shape = a
            var term = 1 / a
            var sum = term
            for _ in 0..<10_000 {
                shape += 1
                term *= x / shape
                sum += term
                if abs(term) <= abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for index in 1...10_000 {
            let i = Double(index)
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            fraction *= delta
            if abs(delta - 1) <= 1e-15 { break }
        }
        return min(1, exp(logPrefactor) * fraction)
    }
}
