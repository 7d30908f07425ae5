import Testing
@testable import BaristaModels

@Suite struct EASETests {
    /// A random symmetric positive-definite matrix `MᵀM / n + I/10`, the same for the same seed.
    static func randomSPD(size n: Int, seed: UInt64) -> DenseMatrix {
        var state = seed
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let m = (0..<(n * n)).map { _ in next() }
        return DenseMatrix(size: n) { i, j in
            var sum: Float = 0
            for k in 0..<n { sum += m[k * n + i] * m[k * n + j] }
            return sum / Float(n) + (i == j ? 0.1 : 0)
        }
    }

    @Test func choleskyInverseOfTheTextbookMatrixMatchesItsKnownInverse() throws {
        // Given the classic example A = L·Lᵀ with L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]
        let rows: [[Float]] = [[4, 12, -16], [12, 37, -43], [-16, -43, 98]]
        var matrix = DenseMatrix(size: 3) { rows[$0][$1] }
        // When it is inverted
        try matrix.invertSymmetricPositiveDefinite()
        // Then it is L⁻ᵀ·L⁻¹, worked out by hand
        let expected: [[Float]] = [[1777 / 36, -122 / 9, 19 / 9], [-122 / 9, 34 / 9, -5 / 9], [19 / 9, -5 / 9, 1 / 9]]
        for i in 0..<3 {
            for j in 0..<3 { #expect(abs(matrix[i, j] - expected[i][j]) < 1e-4, "element (\(i), \(j))") }
        }
    }

    @Test(arguments: [16, 128])
    func randomPositiveDefiniteMatrixTimesItsInverseIsTheIdentity(blockSize: Int) throws {
        let matrix = Self.randomSPD(size: 50, seed: 7)
        var inverse = matrix
        try inverse.invertSymmetricPositiveDefinite(blockSize: blockSize)
        #expect(matrix.multiplied(by: inverse).maxAbsoluteDifference(to: .identity(size: 50)) < 1e-4)
        #expect(inverse.multiplied(by: matrix).maxAbsoluteDifference(to: .identity(size: 50)) < 1e-4)
    }

    @Test func inversionReadsOnlyTheUpperTriangle() throws {
        let matrix = Self.randomSPD(size: 40, seed: 3)
        var upperOnly = DenseMatrix(size: 40) { i, j in i <= j ? matrix[i, j] : 0 }
        var full = matrix
        try upperOnly.invertSymmetricPositiveDefinite(blockSize: 16)
        try full.invertSymmetricPositiveDefinite(blockSize: 16)
        #expect(upperOnly.maxAbsoluteDifference(to: full) == 0)
    }

    @Test func matrixThatIsNotPositiveDefiniteIsRejected() {
        var matrix = DenseMatrix(size: 20) { i, j in i == j ? (i == 17 ? -1 : 2) : 0 }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(row: 17)) {
            try matrix.invertSymmetricPositiveDefinite(blockSize: 16)
        }
    }

    /// Items 0 (A), 1 (B), 2 (C), 3 (D): four baskets {A, B}, two {C, D}, one {A, C}, and user 7 with {A}.
    static let baskets: [[Int]] = [[0, 1], [0, 1], [0, 1], [0, 1], [2, 3], [2, 3], [0, 2], [0]]

    static var shop: InteractionMatrix {
        let entries = baskets.enumerated().flatMap { user, items in items.map { (user: user, item: $0, value: Float(1)) } }
        return InteractionMatrix(userCount: baskets.count, itemCount: 4, entries: entries)
    }

    @Test func easeRecommendsTheItemBoughtWithTheUsersItem() {
        // Given a shop where A is mostly bought with B
        let ease = EASE(training: Self.shop, lambda: 1)
        // When the user who has only A is scored
        var scores = [Float](repeating: 0, count: 4)
        ease.score(user: 7, into: &scores)
        // Then B comes first among the items they do not have, and A scores nothing from itself
        #expect(scores[1] > scores[2] && scores[1] > scores[3])
        #expect(scores[0] == 0)
        #expect(ease.name == "ease" && ease.config == ["lambda": 1])
    }

    @Test func easeNeverScoresAnItemFromItsOwnDiagonal() {
        let ease = EASE(training: Self.shop, lambda: 0.5)
        var scores = [Float](repeating: 0, count: 4)
        ease.score(user: 7, into: &scores)
        // User 7 has only A, so A's score is B_AA, which must be exactly zero.
        #expect(scores[0] == 0)
        // And a basket's scores are the sum of its items' rows, each without its diagonal.
        ease.score(user: 0, into: &scores)
        var rowA = [Float](repeating: 0, count: 4)
        ease.score(user: 7, into: &rowA)
        #expect(abs(scores[1] - rowA[1]) < 1e-6, "B's score for {A, B} comes from A's row only")
    }

    @Test func easeMatchesTheClosedFormComputedInDouble() {
        // B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, by Gauss-Jordan in Double.
        let lambda = 2.0, n = 4
        var g = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for items in Self.baskets { for i in items { for j in items { g[i][j] += 1 } } }
        var p = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0 } }
        for i in 0..<n { g[i][i] += lambda }
        for k in 0..<n {
            let pivot = g[k][k]
            for j in 0..<n { g[k][j] /= pivot; p[k][j] /= pivot }
            for i in 0..<n where i != k {
                let factor = g[i][k]
                for j in 0..<n { g[i][j] -= factor * g[k][j]; p[i][j] -= factor * p[k][j] }
            }
        }
        let ease = EASE(training: Self.shop, lambda: Float(lambda))
        var scores = [Float](repeating: 0, count: n)
        for (user, items) in Self.baskets.enumerated() {
            ease.score(user: user, into: &scores)
            for j in 0..<n {
                let expected = items.reduce(0.0) { $0 + ($1 == j ? 0 : -p[$1][j] / p[j][j]) }
                #expect(abs(Double(scores[j]) - expected) < 1e-4, "user \(user), item \(j)")
            }
        }
    }
}
