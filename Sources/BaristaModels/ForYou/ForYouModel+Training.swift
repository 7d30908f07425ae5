import Dispatch

extension ForYouModel {
    /// The collaborative links of `config.base`, scaled so an item's strongest link is about 1.
    static func collaborativeLinks(_ training: ForYouTrainingData, _ config: ForYouConfig,
                                   progress: (Double) -> Void) -> ItemNeighbours {
        let presence = training.presence()
        let links: ItemNeighbours
        switch config.base {
        case .ease:
            links = easeLinks(presence, lambda: config.lambda, keep: config.neighbours)
        case .ials:
            let als = factorization(presence, config)
            progress(0.5)
            links = factorLinks(als, similarity: config.factorSimilarity, keep: config.neighbours)
        }
        progress(1)
        return links.normalized()
    }

    /// Implicit ALS on the presence matrix with `config`'s factorization parameters.
    static func factorization(_ presence: InteractionMatrix, _ config: ForYouConfig) -> ImplicitALS {
        ImplicitALS(training: presence, factors: config.factors, regularization: config.regularization,
                    alpha: config.alpha, iterations: config.iterations)
    }

    /// EASEᴿ's `B = −P / diag(P)` with `P = (XᵀX + λI)⁻¹`, each row pruned to its `keep` strongest links.
    static func easeLinks(_ presence: InteractionMatrix, lambda: Float, keep: Int) -> ItemNeighbours {
        ItemNeighbours(pruning: EASE.weights(of: presence, lambda: lambda), keep: keep)
    }

    /// Links from implicit-ALS item factors `Y`: item `i` → `j` weighs the cosine of `yᵢ` and `yⱼ`,
    /// or `yᵢᵀ(YᵀY + λI)⁻¹yⱼ`, the score ALS would give `j` for a person whose only item is `i`
    /// (up to a constant).
    static func factorLinks(_ als: ImplicitALS, similarity: ForYouConfig.FactorSimilarity, keep: Int) -> ItemNeighbours {
        let ld = als.rowStride, f = als.factors, n = als.itemCount
        if similarity == .cosine {
            var unit = als.itemFactors
            for i in 0..<n {
                var norm: Float = 0
                for k in 0..<ld { norm += unit[i * ld + k] * unit[i * ld + k] }
                let scale = norm > 0 ? 1 / norm.squareRoot() : 0
                for k in 0..<ld { unit[i * ld + k] *= scale }
            }
            return ItemNeighbours(leftFactors: unit, rightFactors: unit, itemCount: n, rowStride: ld, keep: keep)
        }
        var gram = ImplicitALS.gram(als.itemFactors, rows: n, ld: ld).map(Double.init)
        for a in 0..<f { gram[a * ld + a] += Double(max(als.regularization, 1e-3)) }
        let inverse = invertSmallSymmetric(gram, size: f, ld: ld)
        var left = [Float](repeating: 0, count: n * ld)
        for i in 0..<n {
            for a in 0..<f {
                var sum = 0.0
                for b in 0..<f { sum += inverse[a * f + b] * Double(als.itemFactors[i * ld + b]) }
                left[i * ld + a] = Float(sum)
            }
        }
        return ItemNeighbours(leftFactors: left, rightFactors: als.itemFactors, itemCount: n, rowStride: ld, keep: keep)
    }

    /// The inverse of the leading `size × size` block of a symmetric positive-definite matrix
    /// stored with row stride `ld` (Gauss-Jordan in Double; sizes are a few hundred at most).
    static func invertSmallSymmetric(_ matrix: [Double], size n: Int, ld: Int) -> [Double] {
        var a = [Double](repeating: 0, count: n * 2 * n)
        for i in 0..<n {
            for j in 0..<n { a[i * 2 * n + j] = matrix[i * ld + j] }
            a[i * 2 * n + n + i] = 1
        }
        for column in 0..<n {
            let pivot = a[column * 2 * n + column]
            precondition(pivot > 0, "the factor Gram matrix is not positive definite")
            for j in 0..<(2 * n) { a[column * 2 * n + j] /= pivot }
            for i in 0..<n where i != column {
                let factor = a[i * 2 * n + column]
                if factor != 0 { for j in 0..<(2 * n) { a[i * 2 * n + j] -= factor * a[column * 2 * n + j] } }
            }
        }
        var inverse = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { inverse[i * n + j] = a[i * 2 * n + n + j] } }
        return inverse
    }
}
