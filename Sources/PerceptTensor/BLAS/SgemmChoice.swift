import CDNNL

/// Which library runs a matrix product of a given shape: OpenBLAS's `cblas_sgemm` or oneDNN's
/// own `dnnl_sgemm`, whichever measured faster for the zoo's shapes (README, "sgemm per shape";
/// `Tools/measure-sgemm-shapes`). `BLAS.sgemm` asks here; nothing else decides.
enum SgemmChoice {
    /// A library with an sgemm.
    enum Library: Equatable { case openblas, onednn }

    /// The library for `C[m×n] = op(A)[m×k] · op(B)[k×n]`: oneDNN (when enabled) for a few rows
    /// against many columns over a long inner axis, where OpenBLAS's threading costs more than
    /// the product. Short inner axes stay on OpenBLAS: the one measured (vae_fashion's 32-wide
    /// code) gained little, and the VAE's parity with PyTorch lost its margin there.
    static func library(m: Int, n: Int, k: Int) -> Library {
        guard m <= 8, n >= 40, k >= 128 else { return .openblas }
        return DNNL.isEnabled ? .onednn : .openblas
    }

    /// Runs the product on `dnnl_sgemm` (row-major, as `BLAS.sgemm`); false when oneDNN refused,
    /// and the caller then runs OpenBLAS.
    static func onednn(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) -> Bool {
        let plain = CChar(UInt8(ascii: "N")), transposed = CChar(UInt8(ascii: "T"))
        return percept_dnnl_sgemm(transposeA ? transposed : plain, transposeB ? transposed : plain, Int64(m), Int64(n),
                                  Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc)) == 0
    }
}
