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
        guard percept_dnnl_load() == 0 else { return false }
        ThreadBudget.register("onednn") { percept_dnnl_set_threads(Int32($0)) }
        return true
    }()

    /// The loaded version ("2.6.3"), or nil when oneDNN is not in use.
    public static var version: String? { isAvailable ? String(cString: percept_dnnl_version()) : nil }

    /// Why oneDNN is not in use, or nil when it is.
    public static var unavailableReason: String? { isAvailable ? nil : String(cString: percept_dnnl_error()) }
}

/// Which kernels a convolution runs on.
enum ConvolutionBackend: Sendable {
    /// oneDNN's primitives, falling back to `im2col` for a case oneDNN refuses.
    case dnnl
    /// The engine's im2col + sgemm kernels.
    case im2col

    /// oneDNN when it is available, else the engine's kernels.
    static var preferred: ConvolutionBackend { DNNL.isAvailable ? .dnnl : .im2col }
}
