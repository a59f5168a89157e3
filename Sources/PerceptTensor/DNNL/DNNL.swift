import CDNNL
import Foundation
import PerceptThreads

/// oneDNN, the library PyTorch runs its CPU layers on, as the engine reaches it: Debian's
/// `libdnnl.so.2`, loaded by `CDNNL` at first use (so a program that never convolves maps
/// nothing). Without the library, or with `PERCEPT_NO_DNNL=1` in the environment, the engine
/// runs its own kernels, which also serve as the reference in tests.
public enum DNNL {
    /// Whether oneDNN is loaded and the engine uses it; the first read loads the library.
    public static let isAvailable: Bool = {
        // OpenMP reads its pool size once, when libgomp loads with oneDNN: start it within the
        // budget (a user's OMP_NUM_THREADS wins); later budget changes go through omp_set_num_threads.
        setenv("OMP_NUM_THREADS", String(ThreadBudget.threads), 0)
        // libgomp's threads otherwise spin at every barrier; when other processes share the
        // cores (builds, a second job) a spinning thread holds the core its partner needs, and
        // ResNet-18's batch-1 inference took 1.5 s instead of 30-40 ms on the project's shared
        // 2-core machines. Sleeping at barriers costs a few microseconds per primitive. A
        // user's OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
        if getenv("GOMP_SPINCOUNT") == nil { setenv("OMP_WAIT_POLICY", "passive", 0) }
        guard percept_dnnl_load() == 0 else { return false }
        // Every primitive and sgemm reports itself, so a call from inside a parallel loop is
        // counted as OpenBLAS's are (`ParallelLoop.nestedLibraryCalls`).
        percept_dnnl_set_call_observer { ParallelLoop.noteLibraryCall() }
        ThreadBudget.register("onednn") { percept_dnnl_set_threads(Int32($0)) }
        return true
    }()

    /// Whether the engine's own kernels are forced in place of oneDNN in the current task
    /// (see `withFallbackKernels`).
    @TaskLocal static var fallbackForced = false

    /// Whether operations run through oneDNN here and now: it is available and the current
    /// task has not forced the fallback.
    public static var isEnabled: Bool { !fallbackForced && isAvailable }

    /// Runs `body` on the engine's own kernels instead of oneDNN, as `PERCEPT_NO_DNNL=1` does for
    /// the whole process, but only for the current task and the tasks it starts: tests run the
    /// same parity checks through both paths in one process.
    ///
    /// ```swift
    /// let reference = try DNNL.withFallbackKernels { try x.conv2d(weight: w) }
    /// ```
    public static func withFallbackKernels<R>(_ body: () throws -> R) rethrows -> R {
        try $fallbackForced.withValue(true) { try body() }
    }

    /// The loaded version ("2.6.3"), or nil when oneDNN is not in use.
    public static var version: String? { isAvailable ? String(cString: percept_dnnl_version()) : nil }

    /// Why oneDNN is not in use, or nil when it is.
    public static var unavailableReason: String? { isAvailable ? nil : String(cString: percept_dnnl_error()) }
}
