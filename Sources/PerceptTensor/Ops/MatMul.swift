/// Matrix products through OpenBLAS `cblas_sgemm`, with NumPy's `matmul` rules: 1-D operands
/// become a row or column, leading axes broadcast as batches. A transposed view is handed to
/// BLAS as a transposition flag, never copied.
extension Tensor {
    /// The matrix product `self · other`.
    ///
    /// ```swift
    /// let y = try x.matmul(weight.t)   // [batch, in] · [in, out]
    /// ```
    public func matmul(_ other: Tensor) throws -> Tensor {
        try requireFloat("matmul")
        try other.requireFloat("matmul")
        guard rank >= 1, other.rank >= 1 else {
            throw TensorError.wrongRank(operation: "matmul", expected: "operands of rank ≥ 1", shape: rank == 0 ? shape : other.shape)
        }
        let left = rank == 1 ? try unsqueezed(0) : self
        let right = other.rank == 1 ? try other.unsqueezed(1) : other
        var product = try Tensor.batchedMatmul(left, right)
        if rank == 1 { product = try product.squeezed(-2) }
        if other.rank == 1 { product = try product.squeezed(-1) }
        OperationTrace.record("matmul", [self, other], output: product)
        return product
    }

    /// `input + a · b` for matrices `a` `[m, k]` and `b` `[k, n]`, with `input` broadcast to
    /// `[m, n]` (PyTorch's `addmm`): a bias column or row is written into the output first and
    /// the product accumulated onto it by BLAS, so the sum costs no pass of its own.
    ///
    /// ```swift
    /// let y = try Tensor.addmm(bias.reshaped([out, 1]), weight, columns)   // a 1×1 convolution
    /// ```
    public static func addmm(_ input: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        for operand in [input, a, b] { try operand.requireFloat("addmm") }
        guard a.rank == 2, b.rank == 2 else {
            throw TensorError.wrongRank(operation: "addmm", expected: "matrices [m, k] and [k, n]", shape: a.rank == 2 ? b.shape : a.shape)
        }
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        guard b.shape[0] == k, input.rank <= 2, (try? Layout.broadcast([input.shape, [m, n]], operation: "addmm")) == [m, n] else {
            throw TensorError.shapeMismatch(operation: "addmm", shapes: [input.shape, a.shape, b.shape])
        }
        var result = try gemm(a.detach(), b.detach(), batch: [], m: m, n: n, k: k,
                              accumulatingInto: try broadcastRows(input.detach().expanded(to: [m, n])))
        Autograd.record("addmm", output: &result, inputs: [input, a, b]) { grad in
            [input.requiresGrad ? try grad.sum(toShape: input.shape) : nil,
             a.requiresGrad ? try grad.matmul(b.detach().transposed()) : nil,
             b.requiresGrad ? try a.detach().transposed().matmul(grad) : nil]
        }
        OperationTrace.record("addmm", [input, a, b], output: result)
        return result
    }

    /// A new contiguous `[m, n]` copy of a (broadcast) matrix view, a row per task: a row whose
    /// values are one repeated value (a bias column) is a plain fill, which the generic strided
    /// copy did at a fraction of the memory's speed (13% of PointNet's step).
    private static func broadcastRows(_ matrix: Tensor) -> Tensor {
        let m = matrix.shape[0], n = matrix.shape[1], rowStride = matrix.strides[0], columnStride = matrix.strides[1]
        let result = Tensor(uninitializedShape: [m, n])
        let source = matrix.floats, output = result.floats
        withExtendedLifetime(matrix) {
            Parallel.forEachRange(m, costPerItem: n) { rows in
                for row in rows {
                    let from = source + row * rowStride, to = output + row * n
                    if columnStride == 0 || n == 1 {
                        to.initialize(repeating: from[0], count: n)
                    } else {
                        for column in 0..<n { to[column] = from[column * columnStride] }
                    }
                }
            }
        }
        return result
    }

    /// `a · b` for rank ≥ 2 operands with broadcast batch axes.
    private static func batchedMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        guard b.shape[b.rank - 2] == k else {
            throw TensorError.shapeMismatch(operation: "matmul", shapes: [a.shape, b.shape])
        }
        let batch = try Layout.broadcast([Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))], operation: "matmul")
        let left = try a.expanded(to: batch + [m, k]).detach(), right = try b.expanded(to: batch + [k, n]).detach()
        var result = try gemm(left, right, batch: batch, m: m, n: n, k: k)
        Autograd.record("matmul", output: &result, inputs: [a, b]) { grad in
            [a.requiresGrad ? try grad.matmul(right.transposed()).sum(toShape: a.shape) : nil,
             b.requiresGrad ? try left.transposed().matmul(grad).sum(toShape: b.shape) : nil]
        }
        return result
    }

    /// How BLAS can read a matrix view: row-major, or transposed, with its leading dimension.
    private static func blasLayout(_ x: Tensor) -> (transposed: Bool, leading: Int)? {
        let rows = x.shape[x.rank - 2], columns = x.shape[x.rank - 1]
        let rowStride = x.strides[x.rank - 2], columnStride = x.strides[x.rank - 1]
        if columnStride == 1 || columns == 1, rowStride >= Swift.max(columns, 1) { return (false, Swift.max(rowStride, 1)) }
        if rowStride == 1 || rows == 1, columnStride >= Swift.max(rows, 1) { return (true, Swift.max(columnStride, 1)) }
        return nil
    }

    /// The products `a · b` over the batch, into a new tensor or added onto `accumulatingInto`
    /// (contiguous `batch + [m, n]`, not shared), which is then returned.
    private static func gemm(_ a: Tensor, _ b: Tensor, batch: [Int], m: Int, n: Int, k: Int,
                             accumulatingInto addend: Tensor? = nil) throws -> Tensor {
        try BLAS.load()
        let left = blasLayout(a) == nil ? a.contiguousValues() : a
        let right = blasLayout(b) == nil ? b.contiguousValues() : b
        defer { withExtendedLifetime((left, right)) {} }
        let result = addend ?? Tensor(uninitializedShape: batch + [m, n])
        guard m > 0, n > 0 else { return result }
        guard k > 0 else { return addend ?? Tensor.zeros(batch + [m, n]) }
        let (transA, lda) = blasLayout(left) ?? (false, k)
        let (transB, ldb) = blasLayout(right) ?? (false, n)
        let batchCount = Layout.count(batch)
        let batchStridesA = Array(left.strides.dropLast(2)), batchStridesB = Array(right.strides.dropLast(2))
        let output = result.floats
        for index in 0..<batchCount {
            var remainder = index, offsetA = 0, offsetB = 0
            for axis in stride(from: batch.count - 1, through: 0, by: -1) {
                let position = remainder % batch[axis]
                remainder /= batch[axis]
                offsetA += position * batchStridesA[axis]
                offsetB += position * batchStridesB[axis]
            }
            BLAS.sgemm(transposeA: transA, transposeB: transB, m: m, n: n, k: k,
                       a: left.floats + offsetA, lda: lda, b: right.floats + offsetB, ldb: ldb,
                       beta: addend == nil ? 0 : 1, c: output + index * m * n, ldc: n)
        }
        return result
    }
}
