/// What can go wrong in the dense linear algebra of this module.
public enum LinearAlgebraError: Error, Equatable, Sendable {
    /// The matrix is not (numerically) positive definite: the Cholesky pivot of row `row` was
    /// zero, negative or not finite.
    case notPositiveDefinite(row: Int)
}

/// The Cholesky factorization `A = L·Lᵀ` of one small diagonal block (at most a few hundred rows)
/// of a symmetric positive-definite matrix, computed in `Double`, with the inverses that the block
/// Gauss-Jordan sweep of ``DenseMatrix/invertSymmetricPositiveDefinite()`` needs.
///
/// The block is small (`size³/3` flops), so plain scalar loops in `Double` cost little and keep the
/// pivots accurate; the heavy `O(n³)` work happens in the SIMD kernels.
struct CholeskyBlock {
    /// The number of rows (and columns) of the block.
    let size: Int
    /// `L⁻¹`, lower triangular, row-major `size × size`, in `Float` for the SIMD kernels.
    let inverseFactor: [Float]
    /// `(L⁻¹)ᵀ`, upper triangular, row-major `size × size`.
    let inverseFactorTransposed: [Float]
    /// `A⁻¹ = L⁻ᵀ·L⁻¹`, full, row-major `size × size`.
    let inverse: [Double]

    /// Factors the symmetric block whose upper triangle (row ≤ column) is in `upper`.
    /// - Parameters:
    ///   - upper: `size × size` row-major; only elements with row ≤ column are read.
    ///   - size: The number of rows of the block.
    ///   - firstRow: The row of the whole matrix where the block starts, for error reports.
    /// - Throws: ``LinearAlgebraError/notPositiveDefinite(row:)`` when a pivot is not positive.
    init(upper: [Double], size: Int, firstRow: Int) throws(LinearAlgebraError) {
        self.size = size
        // L, column by column (the left-looking Cholesky–Crout order).
        var factor = [Double](repeating: 0, count: size * size)
        for j in 0..<size {
            var pivot = upper[j * size + j]
            for k in 0..<j { pivot -= factor[j * size + k] * factor[j * size + k] }
            guard pivot > 0, pivot.isFinite else { throw .notPositiveDefinite(row: firstRow + j) }
            let diagonal = pivot.squareRoot()
            factor[j * size + j] = diagonal
            for i in (j + 1)..<size {
                var sum = upper[j * size + i]
                for k in 0..<j { sum -= factor[i * size + k] * factor[j * size + k] }
                factor[i * size + j] = sum / diagonal
            }
        }
        // X = L⁻¹ by forward substitution, column by column.
        var x = [Double](repeating: 0, count: size * size)
        for j in 0..<size {
            x[j * size + j] = 1 / factor[j * size + j]
            for i in (j + 1)..<size {
                var sum = 0.0
                for k in j..<i { sum += factor[i * size + k] * x[k * size + j] }
                x[i * size + j] = -sum / factor[i * size + i]
            }
        }
        // A⁻¹ = Xᵀ·X: element (i, j) sums X[k, i]·X[k, j] over k ≥ max(i, j).
        var inverse = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in i..<size {
                var sum = 0.0
                for k in j..<size { sum += x[k * size + i] * x[k * size + j] }
                inverse[i * size + j] = sum
                inverse[j * size + i] = sum
            }
        }
        var transposed = [Float](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in 0...i { transposed[j * size + i] = Float(x[i * size + j]) }
        }
        self.inverseFactor = x.map(Float.init)
        self.inverseFactorTransposed = transposed
        self.inverse = inverse
    }
}
