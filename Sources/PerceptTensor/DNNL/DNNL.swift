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
        // libgomp's threads otherwise spin long at every barrier, which collapses under load.
        waitPolicy.apply()
        guard percept_dnnl_load() == 0 else { return false }
        // Every primitive and sgemm reports itself, so a call from inside a parallel loop is
        // counted as OpenBLAS's are (`ParallelLoop.nestedLibraryCalls`).
        percept_dnnl_set_call_observer { ParallelLoop.noteLibraryCall() }
        ThreadBudget.register("onednn") { percept_dnnl_set_threads(Int32($0)) }
        return true
    }()

    /// How oneDNN's OpenMP threads wait at barriers in this process: a short spin only on a
    /// machine idle enough for them when oneDNN loads, sleeping otherwise; a user's setting wins.
    static let waitPolicy = OpenMPWaitPolicy.choose(environment: ProcessInfo.processInfo.environment, load: OpenMPWaitPolicy.currentLoad(),
                                                    cores: ThreadBudget.cores, threads: ThreadBudget.threads)

    /// The wait policy's name for reports ("spin", "passive" or "user"); reading it loads oneDNN.
    public static var waitPolicyName: String {
        _ = isAvailable
        return waitPolicy.name
    }

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
