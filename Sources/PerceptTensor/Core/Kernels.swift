/// Element-wise loops over tensors of any layout. Outputs are new contiguous tensors; inputs
/// are read through their strides (broadcast axes have stride 0), so views are never copied
/// just to be read.
enum Kernels {
    /// Applies `f` to every element of `a`.
    @inline(__always)
    static func map<A, O>(_ a: Tensor, _: A.Type, to dtype: DType, _ f: (A) -> O) -> Tensor {
        let result = Tensor(uninitializedShape: a.shape, dtype: dtype)
        let output = result.elements(O.self)
        let input = a.elements(A.self)
        if a.isContiguous {
            Parallel.forEachRange(a.count) { range in
                for i in range { output[i] = f(input[i]) }
            }
            return result
        }
        let runs = StridedRuns(shape: a.shape, strides: [result.strides, a.strides])
        let length = runs.runLength, strideA = runs.innerStride(1)
        Parallel.forEachRange(runs.runCount, costPerItem: length) { range in
            runs.forEachRun(in: range) { offsets in
                let o = output + offsets[0], x = input + offsets[1]
                for i in 0..<length { o[i] = f(x[i * strideA]) }
            }
        }
        return result
    }

    /// Applies `f` to the broadcast pairs of `a` and `b`.
    @inline(__always)
    static func map<A, B, O>(_ a: Tensor, _: A.Type, _ b: Tensor, _: B.Type, to dtype: DType,
                             operation: String, _ f: (A, B) -> O) throws -> Tensor {
        let shape = a.shape == b.shape ? a.shape : try Layout.broadcast([a.shape, b.shape], operation: operation)
        let result = Tensor(uninitializedShape: shape, dtype: dtype)
        let output = result.elements(O.self)
        let x = a.elements(A.self), y = b.elements(B.self)
        if a.shape == b.shape, a.isContiguous, b.isContiguous {
            Parallel.forEachRange(result.count) { range in
                for i in range { output[i] = f(x[i], y[i]) }
            }
            return result
        }
        let runs = StridedRuns(shape: shape, strides: [
            result.strides,
            Layout.broadcastStrides(shape: a.shape, strides: a.strides, to: shape),
            Layout.broadcastStrides(shape: b.shape, strides: b.strides, to: shape),
        ])
        let length = runs.runLength, strideA = runs.innerStride(1), strideB = runs.innerStride(2)
        Parallel.forEachRange(runs.runCount, costPerItem: length) { range in
            runs.forEachRun(in: range) { offsets in
                let o = output + offsets[0], p = x + offsets[1], q = y + offsets[2]
                if strideA == 1, strideB == 1 {
                    for i in 0..<length { o[i] = f(p[i], q[i]) }
                } else if strideA == 1, strideB == 0 {
                    let value = q[0]
                    for i in 0..<length { o[i] = f(p[i], value) }
                } else if strideA == 0, strideB == 1 {
                    let value = p[0]
                    for i in 0..<length { o[i] = f(value, q[i]) }
                } else {
                    for i in 0..<length { o[i] = f(p[i * strideA], q[i * strideB]) }
                }
            }
        }
        return result
    }

    /// Applies `f` to the broadcast triples of `a`, `b` and `c`.
    @inline(__always)
    static func map<A, B, C, O>(_ a: Tensor, _: A.Type, _ b: Tensor, _: B.Type, _ c: Tensor, _: C.Type,
                                to dtype: DType, operation: String, _ f: (A, B, C) -> O) throws -> Tensor {
        let shape = try Layout.broadcast([a.shape, b.shape, c.shape], operation: operation)
        let result = Tensor(uninitializedShape: shape, dtype: dtype)
        let output = result.elements(O.self)
        let x = a.elements(A.self), y = b.elements(B.self), z = c.elements(C.self)
        let runs = StridedRuns(shape: shape, strides: [
            result.strides,
            Layout.broadcastStrides(shape: a.shape, strides: a.strides, to: shape),
            Layout.broadcastStrides(shape: b.shape, strides: b.strides, to: shape),
            Layout.broadcastStrides(shape: c.shape, strides: c.strides, to: shape),
        ])
        let length = runs.runLength
        let sa = runs.innerStride(1), sb = runs.innerStride(2), sc = runs.innerStride(3)
        Parallel.forEachRange(runs.runCount, costPerItem: length) { range in
            runs.forEachRun(in: range) { offsets in
                let o = output + offsets[0], p = x + offsets[1], q = y + offsets[2], r = z + offsets[3]
                for i in 0..<length { o[i] = f(p[i * sa], q[i * sb], r[i * sc]) }
            }
        }
        return result
    }

    /// A contiguous copy of any tensor, of any dtype.
    static func copyContiguous(_ a: Tensor) -> Tensor {
        switch a.dtype.byteSize {
        case 8: return map(a, UInt64.self, to: a.dtype) { $0 }
        case 4: return map(a, UInt32.self, to: a.dtype) { $0 }
        default: return map(a, UInt8.self, to: a.dtype) { $0 }
        }
    }
}
