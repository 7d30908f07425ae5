extension ItemNeighbours {
    /// Prunes a dense item × item model to each row's `keep` strongest positive links.
    ///
    /// Row `i` of `matrix` is what item `i` adds to every item's score (EASE's `B`); the diagonal
    /// is ignored. Rows are pruned in parallel; the cost is one pass over the matrix.
    /// - Parameters:
    ///   - matrix: The dense weights, `itemCount × itemCount`.
    ///   - keep: The most links kept per row.
    ///   - parallelism: Threads to use; by default one per active processor.
    public init(pruning matrix: DenseMatrix, keep: Int, parallelism: Int? = nil) {
        let n = matrix.size, ld = matrix.stride
        self = matrix.storage.withUnsafeBufferPointer { storage in
            let base = SharedFloats(storage.baseAddress ?? UnsafePointer(bitPattern: 64)!)
            return Self.build(itemCount: n, keep: keep, parallelism: parallelism) {
                { rows, heaps in
                    for i in rows {
                        let row = UnsafePointer(base.base + i * ld)
                        var threshold: Float = 0
                        for j in 0..<n where row[j] > threshold && j != i {
                            heaps[i - rows.lowerBound].offer(Int32(j), row[j])
                            threshold = max(0, heaps[i - rows.lowerBound].threshold)
                        }
                    }
                }
            }
        }
    }

    /// Links each item to the `keep` items with the largest dot product `left_i · right_j`
    /// (positive only), computed exactly for every pair in SIMD tiles, in parallel.
    ///
    /// With `left = right = ` unit-length item factors this is cosine similarity; with
    /// `left = Y·(YᵀY + λI)⁻¹` and `right = Y` (implicit ALS) it is the item × item model that
    /// the factorization implies for a person with one item. The cost is `itemCount² × rowStride`
    /// multiply-adds (100,000 items × 64 factors: about a minute on two cores).
    /// - Parameters:
    ///   - leftFactors: `itemCount × rowStride` row-major: the factors of the linking items.
    ///   - rightFactors: `itemCount × rowStride` row-major: the factors of the linked items.
    ///   - itemCount: The number of items.
    ///   - rowStride: Floats per row, a multiple of 8 (padding zero).
    ///   - keep: The most links kept per row.
    ///   - parallelism: Threads to use; by default one per active processor.
    public init(leftFactors: [Float], rightFactors: [Float], itemCount: Int, rowStride: Int, keep: Int, parallelism: Int? = nil) {
        precondition(rowStride % 8 == 0 && leftFactors.count == itemCount * rowStride && rightFactors.count == itemCount * rowStride)
        let ld = rowStride, panels = (itemCount + 7) / 8
        // The right factors as panels of 8 items: panel p holds, for each factor k, items 8p ..< 8p + 8.
        var packed = [Float](repeating: 0, count: panels * 8 * ld)
        for j in 0..<itemCount {
            for k in 0..<ld { packed[(j / 8) * 8 * ld + k * 8 + j % 8] = rightFactors[j * ld + k] }
        }
        self = packed.withUnsafeBufferPointer { packed in
            leftFactors.withUnsafeBufferPointer { left in
                let packed = SharedFloats(packed.baseAddress ?? UnsafePointer(bitPattern: 64)!)
                let left = SharedFloats(left.baseAddress ?? UnsafePointer(bitPattern: 64)!)
                return Self.build(itemCount: itemCount, keep: keep, parallelism: parallelism) {
                    { rows, heaps in
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: 64 * ld) { buffer in
                            // The block's left rows in groups of 4: group g holds, per factor k, rows 4g ..< 4g + 4.
                            let a = buffer.baseAddress!
                            a.initialize(repeating: 0, count: 64 * ld)
                            for i in rows {
                                let r = i - rows.lowerBound
                                for k in 0..<ld { a[(r / 4) * 4 * ld + k * 4 + r % 4] = left.base[i * ld + k] }
                            }
                            let groups = (rows.count + 3) / 4
                            var thresholds = [Float](repeating: 0, count: 64)
                            for p in 0..<panels {
                                let b = UnsafePointer(packed.base + p * 8 * ld)
                                for g in 0..<groups {
                                    let product = MicroKernel.product(depth: ld, a: UnsafePointer(a + g * 4 * ld), aStride: 4, b: b)
                                    for r in 0..<min(4, rows.count - 4 * g) {
                                        let row = 4 * g + r
                                        let values = r == 0 ? product.0 : r == 1 ? product.1 : r == 2 ? product.2 : product.3
                                        // Most tiles hold nothing better than the row's weakest kept link.
                                        guard any(values .> SIMD8(repeating: thresholds[row])) else { continue }
                                        for c in 0..<8 where values[c] > thresholds[row] {
                                            let j = 8 * p + c
                                            guard j < itemCount, j != rows.lowerBound + row else { continue }
                                            heaps[row].offer(Int32(j), values[c])
                                            thresholds[row] = max(0, heaps[row].threshold)
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
