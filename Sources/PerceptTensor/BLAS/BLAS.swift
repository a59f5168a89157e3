import COpenBLAS
import Foundation
import PerceptThreads

/// OpenBLAS, loaded at first use with the kernel chosen for this CPU.
///
/// ```swift
/// try BLAS.load()
/// print(BLAS.coreName)   // "Haswell", "SkylakeX", …
/// ```
public enum BLAS {
    /// Loads OpenBLAS if it is not loaded yet; throws if the library cannot be found.
    public static func load() throws {
        // OpenBLAS starts its pool when it loads, sized from OPENBLAS_NUM_THREADS (else the cores),
        // and never shrinks it: start it within the budget (a user's setting wins).
        setenv("OPENBLAS_NUM_THREADS", String(ThreadBudget.threads), 0)
        // Its idle workers otherwise spin on sched_yield for ~2^28 cycles after every call, taking
        // the core the engine's loops and oneDNN's threads need next (~15% of PointNet's step on 2
        // cores in __schedule/sched_yield); the shortest timeout (2^4) lets them sleep at once, at
        // the price of a wake-up of microseconds per call.
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0)
        if percept_blas_load() != 0 {
            throw TensorError.blasUnavailable(String(cString: percept_blas_error()))
        }
        ThreadBudget.register("openblas") { percept_blas_set_threads(Int32($0)) }
    }

    /// Whether OpenBLAS is loaded and usable.
    public static var isAvailable: Bool { percept_blas_load() == 0 }

    /// The kernel family OpenBLAS runs ("Haswell", "SkylakeX", "Prescott", …), or "" if not loaded.
    public static var coreName: String { String(cString: percept_blas_corename()) }

    /// The core type Percept chose from the CPU's features, or nil when the user set
    /// `OPENBLAS_CORETYPE` (or the CPU needs none).
    public static var chosenCoreType: String? {
        let chosen = String(cString: percept_blas_chosen_coretype())
        return chosen.isEmpty ? nil : chosen
    }

    /// Whether the CPU has AVX2 with FMA, and AVX-512 (F, BW, VL, DQ).
    public static var cpuFeatures: (avx2: Bool, avx512: Bool) {
        let bits = percept_cpu_features()
        return (bits & 1 != 0, bits & 2 != 0)
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(percept_blas_threads()) }
        set { percept_blas_set_threads(Int32(max(1, newValue))) }
    }

    /// Row-major `C = alpha · op(A) · op(B) + beta · C` on raw buffers; the transpositions are
    /// passed to BLAS, not copied. `m×k` is op(A), `k×n` op(B), `m×n` C. Runs on OpenBLAS, or on
    /// oneDNN's `dnnl_sgemm` for the shapes where that measured faster (`SgemmChoice`).
    /// (CBLAS codes: 111 no transpose, 112 transpose.)
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if SgemmChoice.library(m: m, n: n, k: k) == .onednn,
           SgemmChoice.onednn(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) {
            return
        }
        ParallelLoop.noteLibraryCall()
        percept_sgemm(
            transposeA ? 112 : 111,
            transposeB ? 112 : 111,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
