import Dispatch

/// A dense square matrix of `Float` in row-major order, for the item × item models (EASE).
///
/// Rows are padded to a multiple of 16 columns (and the matrix to as many
/// rows), so the SIMD kernels of this module never need a scalar tail; the padding is zero and is
/// invisible through the public API.
public struct DenseMatrix: Sendable {
    /// Rows and columns are padded to a multiple of this many elements.
    static let alignment = 16

    /// The number of rows, which is also the number of columns.
    public let size: Int
    /// The distance between the starts of two consecutive rows in `storage`, ≥ `size`.
    let stride: Int
    /// `stride × stride` elements; element (i, j) is at `i * stride + j`.
    var storage: [Float]

    /// Creates a `size × size` matrix of zeros.
    /// - Parameter size: The number of rows and columns, ≥ 0.
    public init(size: Int) {
        precondition(size >= 0, "a matrix size is never negative")
        self.size = size
        self.stride = (size + Self.alignment - 1) / Self.alignment * Self.alignment
        self.storage = [Float](repeating: 0, count: stride * stride)
    }

    /// Creates a `size × size` matrix whose element (i, j) is `element(i, j)`.
    /// - Parameters:
    ///   - size: The number of rows and columns, ≥ 0.
    ///   - element: The value at a row and a column.
    public init(size: Int, _ element: (_ row: Int, _ column: Int) -> Float) {
        self.init(size: size)
        for i in 0..<size {
            for j in 0..<size { storage[i * stride + j] = element(i, j) }
        }
    }

    /// The `size × size` identity matrix.
    /// - Parameter size: The number of rows and columns.
    public static func identity(size: Int) -> DenseMatrix {
        var matrix = DenseMatrix(size: size)
        for i in 0..<size { matrix.storage[i * matrix.stride + i] = 1 }
        return matrix
    }

    /// The element at `row`, `column`.
    /// - Parameters:
    ///   - row: A row index in `0..<size`.
    ///   - column: A column index in `0..<size`.
    public subscript(row: Int, column: Int) -> Float {
        get {
            precondition(row >= 0 && row < size && column >= 0 && column < size, "index out of range")
            return storage[row * stride + column]
        }
        set {
            precondition(row >= 0 && row < size && column >= 0 && column < size, "index out of range")
            storage[row * stride + column] = newValue
        }
    }

    /// Row `row` as `size` contiguous elements.
    /// - Parameter row: A row index in `0..<size`.
    public func row(_ row: Int) -> ArraySlice<Float> {
        precondition(row >= 0 && row < size, "index out of range")
        return storage[row * stride..<row * stride + size]
    }

    /// The matrix product `self · other`, computed in parallel over rows with SIMD.
    ///
    /// Meant for checks (`A · A⁻¹ ≈ I`) and small matrices; it is not the blocked kernel that
    /// ``invertSymmetricPositiveDefinite()`` uses.
    /// - Parameter other: A matrix of the same size.
    public func multiplied(by other: DenseMatrix) -> DenseMatrix {
        precondition(other.size == size, "matrix sizes differ")
        var product = DenseMatrix(size: size)
        let n = size, ld = stride
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                product.storage.withUnsafeMutableBufferPointer { c in
                    let a = SharedFloats(a.baseAddress!), b = SharedFloats(b.baseAddress!)
                    let c = SharedFloats(c.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: n) { i in
                        let a = a.base, b = b.base, out = c.base + i * ld
                        for k in 0..<n {
                            let factor = SIMD8<Float>(repeating: a[i * ld + k])
                            let source = b + k * ld
                            for j in Swift.stride(from: 0, to: ld, by: 8) {
                                (out + j).storeSIMD(out.loadSIMD(j) + factor * source.loadSIMD(j))
                            }
                        }
                    }
                }
            }
        }
        return product
    }

    /// The largest absolute element-wise difference to `other`, which must have the same size.
    /// - Parameter other: A matrix of the same size.
    public func maxAbsoluteDifference(to other: DenseMatrix) -> Float {
        precondition(other.size == size, "matrix sizes differ")
        var largest: Float = 0
        for i in 0..<size {
            for j in 0..<size {
                largest = max(largest, abs(storage[i * stride + j] - other.storage[i * stride + j]))
            }
        }
        return largest
    }
}

/// A raw pointer handed to the parallel loops of this module; each iteration writes disjoint
/// elements, and the owner of the memory outlives the loop.
struct SharedFloats: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
    init(_ base: UnsafePointer<Float>) { self.base = UnsafeMutablePointer(mutating: base) }
}

extension UnsafePointer<Float> {
    /// Eight floats starting `offset` elements after `self`, at any alignment.
    @inline(__always) func loadSIMD(_ offset: Int = 0) -> SIMD8<Float> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Float>.self)
    }
}

extension UnsafeMutablePointer<Float> {
    /// Eight floats starting `offset` elements after `self`, at any alignment.
    @inline(__always) func loadSIMD(_ offset: Int = 0) -> SIMD8<Float> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Writes eight floats at `self`, at any alignment.
    @inline(__always) func storeSIMD(_ value: SIMD8<Float>) {
        UnsafeMutableRawPointer(self).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
