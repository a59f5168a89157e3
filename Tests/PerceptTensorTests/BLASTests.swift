import Testing
@testable import PerceptTensor

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
