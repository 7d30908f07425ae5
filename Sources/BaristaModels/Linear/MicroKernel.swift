/// The register-blocked inner kernel of the dense linear algebra: a 4 × 8 tile of `A·B`.
///
/// Four rows of accumulators of `SIMD8<Float>` (eight SSE registers on baseline x86-64, four AVX
/// registers where the compiler may use them) stay in registers for the whole inner dimension;
/// each step broadcasts four elements of `A` and loads one row of eight elements of `B`.
/// All the `O(n³)` work of ``DenseMatrix/invertSymmetricPositiveDefinite()`` runs here.
enum MicroKernel {
    /// Four rows of a tile.
    typealias Tile = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

    /// The sums `Σₖ a[k·aStride + r] · b[k·8 ..< k·8 + 8]` for `r` in `0..<4` and `k` in `0..<depth`.
    ///
    /// - Parameters:
    ///   - depth: The inner dimension.
    ///   - a: Four consecutive elements of `A`'s column block per step, `aStride` apart.
    ///   - aStride: The distance between the elements of two consecutive steps in `a`.
    ///   - b: Eight consecutive elements of `B` per step, packed (8 apart).
    @inline(__always)
    static func product(depth: Int, a: UnsafePointer<Float>, aStride: Int, b: UnsafePointer<Float>) -> Tile {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        var a = a, b = b
        var remaining = depth
        while remaining > 0 {
            let row = b.loadSIMD()
            c0 += SIMD8(repeating: a[0]) * row
            c1 += SIMD8(repeating: a[1]) * row
            c2 += SIMD8(repeating: a[2]) * row
            c3 += SIMD8(repeating: a[3]) * row
            a += aStride
            b += 8
            remaining -= 1
        }
        return (c0, c1, c2, c3)
    }

    /// Subtracts a tile from four rows of eight elements starting at `c`, `ldc` apart.
    @inline(__always)
    static func subtract(_ tile: Tile, from c: UnsafeMutablePointer<Float>, ldc: Int) {
        c.storeSIMD(c.loadSIMD() - tile.0)
        (c + ldc).storeSIMD((c + ldc).loadSIMD() - tile.1)
        (c + 2 * ldc).storeSIMD((c + 2 * ldc).loadSIMD() - tile.2)
        (c + 3 * ldc).storeSIMD((c + 3 * ldc).loadSIMD() - tile.3)
    }

    /// Stores a tile into four rows of eight elements starting at `c`, `ldc` apart.
    @inline(__always)
    static func store(_ tile: Tile, to c: UnsafeMutablePointer<Float>, ldc: Int) {
        c.storeSIMD(tile.0)
        (c + ldc).storeSIMD(tile.1)
        (c + 2 * ldc).storeSIMD(tile.2)
        (c + 3 * ldc).storeSIMD(tile.3)
    }
}
