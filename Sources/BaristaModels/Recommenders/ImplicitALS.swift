import Dispatch

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) trained by alternating
/// least squares, each row's system solved by a few conjugate-gradient steps warm-started from its
/// previous factors (Takács, Pilászy & Tikk 2011), as the `implicit` library does with `use_cg`.
///
/// Every observed entry has preference 1 and confidence `c = 1 + alpha · value`; unobserved entries
/// have preference 0 and confidence 1. A user's system is `(YᵀY + λI + Σᵢ (cᵢ − 1) yᵢyᵢᵀ) x = Σᵢ cᵢ yᵢ`;
/// `YᵀY` is computed once per half-iteration, so a row only visits its own nonzeros. Factors are
/// Float32, row-major, each row padded with zeros to a multiple of 8 for SIMD; rows are solved in
/// parallel on every processor.
public struct ImplicitALS: Recommender {
    /// `ials`.
    public var name: String { "ials" }
    /// `factors`, `regularization`, `alpha` and `iterations`.
    public var config: [String: Double] {
        // Float → Double through the shortest decimal text, so 0.01 reports as 0.01, not 0.00999999977.
        ["factors": Double(factors), "regularization": Double("\(regularization)") ?? Double(regularization),
            "alpha": Double("\(alpha)") ?? Double(alpha), "iterations": Double(iterations)]
    }
    /// The number of latent factors per user and item.
    public let factors: Int
    /// The L2 penalty λ on every factor.
    public let regularization: Float
    /// The confidence slope: an observed entry of value v has confidence 1 + alpha · v.
    public let alpha: Float
    /// How many alternations (users, then items) were run.
    public let iterations: Int
    /// The distance between two consecutive rows of ``userFactors`` and ``itemFactors``: `factors`
    /// rounded up to a multiple of 8 (the padding is zero).
    public let rowStride: Int
    /// `userCount × rowStride` user factors, row-major.
    public let userFactors: [Float]
    /// `itemCount × rowStride` item factors, row-major.
    public let itemFactors: [Float]
    /// How many items are scored.
    public let itemCount: Int

    /// Trains the factorisation.
    ///
    /// - Parameters:
    ///   - training: Users × items; each stored value v gives confidence 1 + alpha · v.
    ///   - factors: Latent factors per user and item, ≥ 1.
    ///   - regularization: The L2 penalty λ, ≥ 0.
    ///   - alpha: The confidence slope, ≥ 0.
    ///   - iterations: Alternations of a user pass and an item pass (0: the random start).
    ///   - cgSteps: Conjugate-gradient steps per row and pass, ≥ 1.
    ///   - seed: Seeds the initial factors, uniform in [0, 0.01) as in `implicit`.
    public init(training: InteractionMatrix, factors: Int = 64, regularization: Float = 0.01, alpha: Float = 1,
                iterations: Int = 15, cgSteps: Int = 3, seed: UInt64 = 0) {
        precondition(factors >= 1 && regularization >= 0 && alpha >= 0 && iterations >= 0 && cgSteps >= 1)
        let ld = (factors + 7) / 8 * 8
        var state = seed
        func random(rows: Int) -> [Float] {
            var result = [Float](repeating: 0, count: rows * ld)
            for row in 0..<rows {
                for k in 0..<factors { result[row * ld + k] = Float(splitMix64(&state) >> 40) * (0.01 / 16_777_216) }
            }
            return result
        }
        var users = random(rows: training.userCount)
        var items = random(rows: training.itemCount)
        let itemRows = training.transposed()
        for _ in 0..<iterations {
            Self.solve(training, &users, fixed: items, factors: factors, ld: ld, regularization, alpha, cgSteps)
            Self.solve(itemRows, &items, fixed: users, factors: factors, ld: ld, regularization, alpha, cgSteps)
        }
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.rowStride = ld
        self.userFactors = users
        self.itemFactors = items
        self.itemCount = training.itemCount
    }

    /// The dot product of the user's factors with every item's factors.
    public func score(user: Int, into scores: inout [Float]) {
        precondition(scores.count == itemCount, "the score buffer must have one entry per item")
        userFactors.withUnsafeBufferPointer { users in
            itemFactors.withUnsafeBufferPointer { items in
                scores.withUnsafeMutableBufferPointer { scores in
                    let x = SharedFloats(users.baseAddress! + user * rowStride).base, y = SharedFloats(items.baseAddress!).base
                    for item in 0..<itemCount { scores[item] = dot(x, y + item * rowStride, rowStride) }
                }
            }
        }
    }

    /// The objective ALS minimises, on the matrix it was trained on: Σ over all (u, i) of
    /// c·(p − xᵤ·yᵢ)² plus λ(‖X‖² + ‖Y‖²), computed with the Gram trick.
    /// - Parameter training: The matrix the model was trained on.
    public func loss(on training: InteractionMatrix) -> Double {
        let ld = rowStride
        let gram = Self.gram(itemFactors, rows: itemCount, ld: ld)
        var total = 0.0
        for u in 0..<training.userCount {
            let x = Array(userFactors[u * ld..<(u + 1) * ld])
            for a in 0..<factors {
                for b in 0..<factors { total += Double(x[a] * gram[a * ld + b] * x[b]) }
            }
            for (item, value) in zip(training.items(of: u), training.values(of: u)) {
                var s: Float = 0
                for k in 0..<factors { s += x[k] * itemFactors[Int(item) * ld + k] }
                let c = 1 + alpha * value
                total += Double(c * (1 - s) * (1 - s) - s * s)
            }
        }
        let norms = userFactors.reduce(0.0) { $0 + Double($1 * $1) } + itemFactors.reduce(0.0) { $0 + Double($1 * $1) }
        return total + Double(regularization) * norms
    }

    /// `YᵀY` as `ld × ld` row-major (padding zero), summed in parallel over row blocks.
    static func gram(_ y: [Float], rows: Int, ld: Int) -> [Float] {
        let blocks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows / 256))
        var partial = [Float](repeating: 0, count: blocks * ld * ld)
        y.withUnsafeBufferPointer { y in
            partial.withUnsafeMutableBufferPointer { partial in
                let y = SharedFloats(y.baseAddress!), out = SharedFloats(partial.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: blocks) { block in
                    let g = out.base + block * ld * ld
                    for row in Swift.stride(from: block, to: rows, by: blocks) {
                        let yi = y.base + row * ld
                        for a in 0..<ld where yi[a] != 0 {
                            let ya = SIMD8<Float>(repeating: yi[a]), ga = g + a * ld
                            for j in Swift.stride(from: 0, to: ld, by: 8) { (ga + j).storeSIMD(ga.loadSIMD(j) + ya * yi.loadSIMD(j)) }
                        }
                    }
                }
            }
        }
        var gram = Array(partial[0..<ld * ld])
        for block in 1..<blocks { for k in 0..<ld * ld { gram[k] += partial[block * ld * ld + k] } }
        return gram
    }

    /// One half-iteration: re-solves every row of `x` against the fixed factors `y`.
    static func solve(_ matrix: InteractionMatrix, _ x: inout [Float], fixed y: [Float], factors: Int, ld: Int,
                      _ regularization: Float, _ alpha: Float, _ cgSteps: Int) {
        var gram = gram(y, rows: y.count / ld, ld: ld)
        for a in 0..<factors { gram[a * ld + a] += regularization }
        let rows = matrix.userCount, blocks = max(1, min(64, rows / 16))
        x.withUnsafeMutableBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                gram.withUnsafeBufferPointer { gram in
                    let x = SharedFloats(x.baseAddress!), y = SharedFloats(y.baseAddress!), g = SharedFloats(gram.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: blocks) { block in
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * ld)
                        defer { scratch.deallocate() }
                        let r = scratch, p = scratch + ld, ap = scratch + 2 * ld
                        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
                            matrix.itemIndices.withUnsafeBufferPointer { indices in
                                matrix.values.withUnsafeBufferPointer { values in
                                    for row in (rows * block / blocks)..<(rows * (block + 1) / blocks) {
                                        let xu = x.base + row * ld, nonzeros = offsets[row]..<offsets[row + 1]
                                        // r = b − A·x, with A·x = (YᵀY + λI)·x + Σ (c − 1)(yᵢ·x) yᵢ and b = Σ c yᵢ.
                                        multiply(g.base, xu, into: r, factors: factors, ld: ld, negated: true)
                                        for k in nonzeros {
                                            let yi = y.base + Int(indices[k]) * ld, c = 1 + alpha * values[k]
                                            axpy(c - (c - 1) * dot(yi, xu, ld), yi, r, ld)
                                        }
                                        p.update(from: r, count: ld)
                                        var rsold = dot(r, r, ld)
                                        guard rsold >= 1e-20 else { continue }
                                        for _ in 0..<cgSteps {
                                            multiply(g.base, p, into: ap, factors: factors, ld: ld, negated: false)
                                            for k in nonzeros {
                                                let yi = y.base + Int(indices[k]) * ld, c1 = alpha * values[k]
                                                axpy(c1 * dot(yi, p, ld), yi, ap, ld)
                                            }
                                            let step = rsold / dot(p, ap, ld)
                                            axpy(step, p, xu, ld)
                                            axpy(-step, ap, r, ld)
                                            let rsnew = dot(r, r, ld)
                                            if rsnew < 1e-20 { break }
                                            let beta = SIMD8<Float>(repeating: rsnew / rsold)
                                            for j in Swift.stride(from: 0, to: ld, by: 8) { (p + j).storeSIMD(r.loadSIMD(j) + beta * p.loadSIMD(j)) }
                                            rsold = rsnew
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `out = ±G·v` for the symmetric `ld × ld` matrix G, of which the first `factors` rows matter.
@inline(__always) private func multiply(_ g: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                                         into out: UnsafeMutablePointer<Float>, factors: Int, ld: Int, negated: Bool) {
    for j in Swift.stride(from: 0, to: ld, by: 8) {
        var sum = SIMD8<Float>()
        for a in 0..<factors { sum += SIMD8(repeating: v[a]) * g.loadSIMD(a * ld + j) }
        (out + j).storeSIMD(negated ? -sum : sum)
    }
}

/// The dot product of `n` floats (n a multiple of 8).
@inline(__always) private func dot(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
    var sum = SIMD8<Float>()
    for j in Swift.stride(from: 0, to: n, by: 8) { sum += a.loadSIMD(j) * b.loadSIMD(j) }
    return sum.sum()
}

/// `y += a·x` over `n` floats (n a multiple of 8).
@inline(__always) private func axpy(_ a: Float, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let a = SIMD8<Float>(repeating: a)
    for j in Swift.stride(from: 0, to: n, by: 8) { (y + j).storeSIMD(y.loadSIMD(j) + a * x.loadSIMD(j)) }
}

/// The next output of SplitMix64 (Steele, Lea & Flood 2014) for `state`.
private func splitMix64(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
