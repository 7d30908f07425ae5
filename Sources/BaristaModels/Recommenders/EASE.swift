import Dispatch

/// EASEᴿ (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a dense
/// item × item linear model with a closed form.
///
/// With `G = XᵀX + λI` and `P = G⁻¹`, the weights are `B = −P / diag(P)` column-wise
/// (`B_ij = −P_ij / P_jj`) with a zero diagonal, the constraint that keeps an item from
/// recommending itself. A user's scores are `x_u·B`: the sum of the rows of `B` of their items,
/// each weighted by its value in the training matrix (1 for binary feedback).
///
/// Catalog size: EASE is for catalogs up to about 20–30k items. `B` is dense, `itemCount²`
/// `Float`s (3,662 items: 54 MB; 20k: 1.6 GB; 30k: 3.6 GB), training holds that one matrix (the
/// Gram matrix is inverted and turned into `B` in place), and the inversion costs `itemCount³`
/// flops (3,662 items: about 1.3 s on two cores; 20k items: about 4 minutes). Larger catalogs need a model
/// whose memory and time grow with the number of interactions, such as implicit ALS.
public struct EASE: Recommender {
    /// `"ease"`.
    public let name = "ease"
    /// The L2 regularization `λ` added to the diagonal of the Gram matrix.
    public let lambda: Float
    /// `["lambda": λ]`.
    public var config: [String: Double] { ["lambda": Double(lambda)] }
    /// The training matrix: the items of each user to score from.
    private let training: InteractionMatrix
    /// `B`, items × items, zero diagonal: row `i` is what item `i` adds to every item's score.
    private let weights: DenseMatrix

    /// Trains EASE on `training` (users × items).
    ///
    /// Builds the Gram matrix from the sparse rows, inverts it with
    /// ``DenseMatrix/invertSymmetricPositiveDefinite()`` and scales it into `B`, all in one
    /// `itemCount × itemCount` matrix, in parallel over the cores.
    /// - Parameters:
    ///   - training: The implicit feedback, users × items.
    ///   - lambda: The L2 regularization, > 0 (it makes `G` positive definite); 100 suits
    ///     purchase data of a few thousand items.
    public init(training: InteractionMatrix, lambda: Float = 100) {
        self.lambda = lambda
        self.training = training
        self.weights = Self.weights(of: training, lambda: lambda)
    }

    /// Scores every item for `user`: the sum of the rows of `B` of the user's training items,
    /// weighted by their values.
    /// - Parameters:
    ///   - user: A user of the training matrix.
    ///   - scores: Overwritten with one score per item; must hold `itemCount` elements.
    public func score(user: Int, into scores: inout [Float]) {
        precondition(user >= 0 && user < training.userCount, "unknown user \(user)")
        precondition(scores.count == training.itemCount, "scores must hold one element per item")
        let n = weights.size, ld = weights.stride, vectorEnd = n / 8 * 8
        let items = training.items(of: user), values = training.values(of: user)
        scores.withUnsafeMutableBufferPointer { out in
            weights.storage.withUnsafeBufferPointer { b in
                let out = out.baseAddress!, b = b.baseAddress!
                out.update(repeating: 0, count: n)
                for (item, value) in zip(items, values) {
                    let row = b + Int(item) * ld, factor = SIMD8<Float>(repeating: value)
                    for j in Swift.stride(from: 0, to: vectorEnd, by: 8) {
                        (out + j).storeSIMD((out + j).loadSIMD() + factor * row.loadSIMD(j))
                    }
                    for j in vectorEnd..<n { out[j] += value * row[j] }
                }
            }
        }
    }

    /// `B = −P / diag(P)` with `P = (XᵀX + λI)⁻¹` and a zero diagonal, in one `itemCount²` matrix
    /// (also what the `for_you` model prunes into item links).
    static func weights(of training: InteractionMatrix, lambda: Float) -> DenseMatrix {
        precondition(lambda > 0, "EASE needs λ > 0 for XᵀX + λI to be invertible")
        var matrix = DenseMatrix.upperGram(of: training, ridge: lambda)
        do {
            try matrix.invertSymmetricPositiveDefinite()
        } catch {
            preconditionFailure("XᵀX + λI with λ = \(lambda) did not invert: \(error)")
        }
        turnInverseIntoWeights(&matrix)
        return matrix
    }

    /// Replaces `P` by `B = −P / diag(P)` (column `j` scaled by `−1 / P_jj`) with a zero diagonal.
    private static func turnInverseIntoWeights(_ matrix: inout DenseMatrix) {
        let n = matrix.size, ld = matrix.stride
        var scale = [Float](repeating: 0, count: ld)
        for j in 0..<n { scale[j] = -1 / matrix.storage[j * ld + j] }
        scale.withUnsafeBufferPointer { scale in
            matrix.storage.withUnsafeMutableBufferPointer { buffer in
                let scale = SharedFloats(scale.baseAddress!), matrix = SharedFloats(buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: n) { i in
                    let row = matrix.base + i * ld, scale = UnsafePointer(scale.base)
                    for j in Swift.stride(from: 0, to: ld, by: 8) {
                        (row + j).storeSIMD(row.loadSIMD(j) * scale.loadSIMD(j))
                    }
                    row[i] = 0
                }
            }
        }
    }
}
