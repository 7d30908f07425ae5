import Dispatch

extension DenseMatrix {
    /// The items of one parallel task when building a Gram matrix.
    private static let gramTaskRows = 32

    /// The upper triangle (row ≤ column) of the item × item Gram matrix `XᵀX + ridge·I` of a
    /// users × items matrix `X`; the strict lower triangle is left zero.
    ///
    /// Row `i` is built from the users of item `i` (the transpose of `X`): for each such user `u`,
    /// `G[i, j] += x_ui·x_uj` for every item `j ≥ i` of `u`, so one task writes whole rows that
    /// stay in the L1 cache, and tasks of different rows run in parallel without sharing.
    /// The cost is `Σ_u |items(u)|² / 2` additions.
    /// - Parameters:
    ///   - interactions: `X`, users × items, each row sorted ascending (as ``InteractionMatrix``
    ///     guarantees).
    ///   - ridge: Added to every diagonal element.
    static func upperGram(of interactions: InteractionMatrix, ridge: Float) -> DenseMatrix {
        var gram = DenseMatrix(size: interactions.itemCount)
        let byItem = interactions.transposed()
        let n = gram.size, ld = gram.stride
        gram.storage.withUnsafeMutableBufferPointer { buffer in
            let matrix = SharedFloats(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: (n + gramTaskRows - 1) / gramTaskRows) { task in
                for i in (task * gramTaskRows)..<min(n, (task + 1) * gramTaskRows) {
                    let row = matrix.base + i * ld
                    let users = byItem.items(of: i), weights = byItem.values(of: i)
                    for (user, weight) in zip(users, weights) {
                        let items = interactions.items(of: Int(user)), values = interactions.values(of: Int(user))
                        // The first position of an item ≥ i in the sorted row (i itself is there).
                        var low = items.startIndex, high = items.endIndex
                        while low < high {
                            let middle = (low + high) / 2
                            if Int(items[middle]) < i { low = middle + 1 } else { high = middle }
                        }
                        for k in low..<items.endIndex { row[Int(items[k])] += weight * values[k] }
                    }
                    row[i] += ridge
                }
            }
        }
        return gram
    }
}
