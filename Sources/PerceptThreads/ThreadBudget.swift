import Foundation

/// The process's one thread budget. Every library that runs threads — the tensor engine's
/// loops, OpenBLAS, oneDNN's OpenMP pool, image kernels, evaluation loops, data-loader workers
/// — sizes itself from `threads`, so together they never run more threads than cores. A
/// library whose pool lives in C registers a setter, which runs now and on every change.
///
/// ```swift
/// ThreadBudget.set(1)                  // one thread everywhere: reproducible timings
/// let workers = ThreadBudget.threads   // how many tasks a loop may run at once
/// ```
public enum ThreadBudget {
    /// The cores the process may use: `PERCEPT_THREADS` when it holds a positive integer,
    /// otherwise the active processor count.
    public static let cores: Int = {
        if let text = ProcessInfo.processInfo.environment["PERCEPT_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    private static let state = Mutex()

    /// The threads one parallel loop (or one library call) may use.
    public static var threads: Int { state.withLock { $0.threads } }

    /// Sets the budget (at least 1) and passes it to every registered library.
    public static func set(_ threads: Int) {
        let appliers = state.withLock { budget -> [(Int) -> Void] in
            budget.threads = Swift.max(1, threads)
            return Array(budget.appliers.values)
        }
        let value = Swift.max(1, threads)
        for apply in appliers { apply(value) }
    }

    /// Registers `apply` under `name` (once; later calls with the same name are ignored) and
    /// calls it with the current budget.
    public static func register(_ name: String, _ apply: @escaping @Sendable (Int) -> Void) {
        let value = state.withLock { budget -> Int? in
            guard budget.appliers[name] == nil else { return nil }
            budget.appliers[name] = apply
            return budget.threads
        }
        if let value { apply(value) }
    }

    /// The default number of data-loader workers: half the budget (at least 1), leaving the
    /// other half to the training step that consumes the batches.
    public static var dataLoaderWorkers: Int { Swift.max(1, threads / 2) }

    /// The threads each of `workers` concurrent tasks may use inside itself (at least 1), so a
    /// pool of workers that each call a parallel library stays within the budget.
    public static func threadsPerWorker(_ workers: Int) -> Int { Swift.max(1, threads / Swift.max(1, workers)) }

    /// The budget and its appliers behind one lock.
    private struct Budget {
        var threads = ThreadBudget.cores
        var appliers: [String: (Int) -> Void] = [:]
    }

    /// A lock around `Budget`.
    private final class Mutex: @unchecked Sendable {
        private let lock = NSLock()
        private var budget = Budget()

        func withLock<T>(_ body: (inout Budget) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&budget)
        }
    }
}
