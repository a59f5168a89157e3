import Testing
@testable import PerceptTensor
import COpenBLAS

@Suite("OpenBLAS loading")
struct BLASTests {
    @Test("OpenBLAS loads at first use")
    func loads() throws {
        try BLAS.load()
        #expect(BLAS.isAvailable)
        #expect(!BLAS.coreName.isEmpty)
    }

    @Test("on a CPU with AVX2 or AVX-512 the OpenBLAS core is not Prescott")
    func coreIsNotPrescott() throws {
        try BLAS.load()
        let features = BLAS.cpuFeatures
        if features.avx2 || features.avx512 {
            #expect(BLAS.coreName.lowercased() != "prescott", "core \(BLAS.coreName)")
        }
        if features.avx512 { #expect(BLAS.coreName.lowercased().contains("skylakex") || BLAS.coreName.lowercased().contains("cooperlake") || BLAS.coreName.lowercased().contains("sapphire")) }
    }

    @Test("sgemm multiplies row-major matrices, with transpositions passed through")
    func sgemm() throws {
        try BLAS.load()
        let a: [Float] = [1, 2, 3, 4, 5, 6]        // 2×3
        let b: [Float] = [7, 8, 9, 10, 11, 12]     // 3×2
        var c = [Float](repeating: 0, count: 4)
        BLAS.sgemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: &c, ldc: 2)
        #expect(c == [58, 64, 139, 154])
        // Aᵀ·Aᵀᵀ with A stored 2×3: (3×2)·(2×3)
        var d = [Float](repeating: 0, count: 9)
        BLAS.sgemm(transposeA: true, transposeB: false, m: 3, n: 3, k: 2, a: a, lda: 3, b: a, ldb: 3, c: &d, ldc: 3)
        #expect(d == [17, 22, 27, 22, 29, 36, 27, 36, 45])
    }
}

@Suite("sgemm without OpenBLAS")
struct ReferenceSgemmTests {
    @Test("the fallback product agrees with OpenBLAS for every transposition, alpha and beta",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func agreesWithOpenBLAS(transposeA: Bool, transposeB: Bool) throws {
        try BLAS.load()
        let m = 5, n = 7, k = 6, lda = transposeA ? m + 1 : k + 2, ldb = transposeB ? k + 3 : n + 1, ldc = n + 2
        let a = (0..<(transposeA ? k : m) * lda).map { Float(($0 * 37) % 11) - 5 }
        let b = (0..<(transposeB ? n : k) * ldb).map { Float(($0 * 53) % 13) - 6 }
        let start = (0..<m * ldc).map { Float($0 % 7) }
        var expected = start, actual = start
        BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                   a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &expected, ldc: ldc)
        percept_sgemm_reference(transposeA ? 112 : 111, transposeB ? 112 : 111, Int32(m), Int32(n), Int32(k),
                                0.5, a, Int32(lda), b, Int32(ldb), 2, &actual, Int32(ldc))
        #expect(actual == expected)
        #expect(actual != start)
    }
}
