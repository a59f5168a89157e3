import Testing
import COpenBLAS
@testable import PerceptTensor

/// The sgemm chosen per shape (`SgemmChoice`): oneDNN's `dnnl_sgemm` where it measured faster,
/// OpenBLAS elsewhere. Both must give the product computed in Float64 to issue 14's parity,
/// for every transposition, alpha, beta and leading dimension, and a Linear layer's forward and
/// backward products on the zoo's shapes must agree on both engine paths. The allowance is
/// 1e-4, or ten times the error of the same sums accumulated plainly in Float32 where larger.
@Suite("sgemm per shape")
struct SgemmChoiceTests {
    /// Row-major `alpha · op(A) · op(B) + beta · C` in Float64, or accumulated plainly in
    /// Float32 when `plain` (the measure of Float32's own error).
    static func reference(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double, a: [Float], lda: Int,
                          b: [Float], ldb: Int, beta: Double, c: [Float], ldc: Int, plain: Bool = false) -> [Double] {
        var result = c.map(Double.init)
        for row in 0..<m {
            for column in 0..<n {
                var total = 0.0, plainTotal: Float = 0
                for inner in 0..<k {
                    let left = transposeA ? a[inner * lda + row] : a[row * lda + inner]
                    let right = transposeB ? b[column * ldb + inner] : b[inner * ldb + column]
                    total += Double(left) * Double(right)
                    plainTotal += left * right
                }
                let product = plain ? Double(plainTotal) : total
                result[row * ldc + column] = alpha * product + beta * Double(c[row * ldc + column])
            }
        }
        return result
    }

    /// The parity allowance for `expected`: 1e-4, or ten times `plain`'s error where larger.
    static func allowance(_ plain: [Double], _ expected: [Double]) -> Double {
        Swift.max(1e-4, 10 * DNNLRowTests.parityError(plain.map { Float($0) }, expected))
    }

    @Test("dnnl_sgemm and OpenBLAS give the Float64 product, for every transposition, alpha, beta and leading dimension",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func bothLibrariesAgreeWithFloat64(transposeA: Bool, transposeB: Bool) throws {
        try BLAS.load()
        try #require(DNNL.isAvailable, "oneDNN is not loaded: \(DNNL.unavailableReason ?? "")")
        let m = 3, n = 45, k = 17, lda = transposeA ? m + 1 : k + 2, ldb = transposeB ? k + 3 : n + 1, ldc = n + 2
        let a = GradientCheck.random([(transposeA ? k : m) * lda], seed: 71).toArray()
        let b = GradientCheck.random([(transposeB ? n : k) * ldb], seed: 72).toArray()
        let start = GradientCheck.random([m * ldc], seed: 73).toArray()
        let expected = Self.reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                                      b: b, ldb: ldb, beta: 2, c: start, ldc: ldc)
        var onednn = start, openblas = start
        let multiplied = SgemmChoice.onednn(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                            a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &onednn, ldc: ldc)
        #expect(multiplied)
        percept_sgemm(transposeA ? 112 : 111, transposeB ? 112 : 111, Int32(m), Int32(n), Int32(k), 0.5, a, Int32(lda), b,
                      Int32(ldb), 2, &openblas, Int32(ldc))
        let plain = Self.reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                                   b: b, ldb: ldb, beta: 2, c: start, ldc: ldc, plain: true)
        for (label, values) in [("oneDNN", onednn), ("OpenBLAS", openblas)] {
            #expect(DNNLRowTests.parityError(values, expected) <= Self.allowance(plain, expected), "\(label)")
        }
    }

    @Test("a few rows against many columns go to oneDNN, other shapes and the fallback path to OpenBLAS")
    func rule() throws {
        try #require(DNNL.isAvailable, "oneDNN is not loaded: \(DNNL.unavailableReason ?? "")")
        #expect(SgemmChoice.library(m: 1, n: 1000, k: 512) == .onednn)
        #expect(SgemmChoice.library(m: 1024, n: 1024, k: 1024) == .openblas)
        #expect(SgemmChoice.library(m: 64, n: 10, k: 128) == .openblas)
        #expect(SgemmChoice.library(m: 2, n: 3136, k: 64) == .openblas)
        #expect(DNNL.withFallbackKernels { SgemmChoice.library(m: 1, n: 1000, k: 512) } == .openblas)
    }

    /// A Linear layer `x · wᵀ + b` at batch `batch`: the output and the gradients of x, w and b
    /// for a fixed upstream gradient, on `path`.
    static func linear(batch: Int, inputs: Int, outputs: Int, path: EnginePath) throws -> [[Float]] {
        try path.run {
            let x = GradientCheck.random([batch, inputs], seed: 74).requiringGrad()
            let w = GradientCheck.random([outputs, inputs], low: -0.1, high: 0.1, seed: 75).requiringGrad()
            let b = GradientCheck.random([outputs], seed: 76).requiringGrad()
            let y = try x.matmul(w.t) + b
            try (y * GradientCheck.random([batch, outputs], seed: 77)).sum().backward()
            return [y.toArray(), try #require(x.grad).toArray(), try #require(w.grad).toArray(), try #require(b.grad).toArray()]
        }
    }

    @Test("Linear's forward and backward products agree on both paths with Float64, on the zoo's shapes",
          arguments: [(1, 512, 1000), (3, 1024, 512), (8, 256, 40), (64, 3136, 128)])
    func linearLayers(batch: Int, inputs: Int, outputs: Int) throws {
        let x = GradientCheck.random([batch, inputs], seed: 74).toArray()
        let w = GradientCheck.random([outputs, inputs], low: -0.1, high: 0.1, seed: 75).toArray()
        let b = GradientCheck.random([outputs], seed: 76).toArray(), g = GradientCheck.random([batch, outputs], seed: 77).toArray()
        func products(plain: Bool) -> [[Double]] {
            [Self.reference(transposeA: false, transposeB: true, m: batch, n: outputs, k: inputs, alpha: 1, a: x, lda: inputs,
                            b: w, ldb: inputs, beta: 1, c: (0..<batch).flatMap { _ in b }, ldc: outputs, plain: plain),
             Self.reference(transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs, alpha: 1, a: g, lda: outputs,
                            b: w, ldb: inputs, beta: 0, c: [Float](repeating: 0, count: batch * inputs), ldc: inputs, plain: plain),
             Self.reference(transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch, alpha: 1, a: g, lda: outputs,
                            b: x, ldb: inputs, beta: 0, c: [Float](repeating: 0, count: outputs * inputs), ldc: inputs, plain: plain),
             (0..<outputs).map { column in (0..<batch).reduce(0.0) { $0 + Double(g[$1 * outputs + column]) } }]
        }
        let expected = products(plain: false), plain = products(plain: true)
        for path in EnginePath.allCases {
            let results = try Self.linear(batch: batch, inputs: inputs, outputs: outputs, path: path)
            for (index, label) in ["output", "input gradient", "weight gradient", "bias gradient"].enumerated() {
                let error = DNNLRowTests.parityError(results[index], expected[index])
                #expect(error <= Self.allowance(plain[index], expected[index]), "\(label) \(path.testDescription): \(error)")
            }
        }
    }
}
