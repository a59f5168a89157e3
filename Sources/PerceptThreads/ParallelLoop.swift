import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one way Percept's libraries split a loop across threads. A loop started from inside
/// another parallel loop (or on a data-loader worker, which counts as one) runs serially on the
/// calling thread, so loops inside loops never multiply threads beyond the `ThreadBudget`.
/// OpenBLAS and oneDNN run their own pools and must not be called from inside a loop: their
/// entry points call `noteLibraryCall()`, which counts such calls for the tests to check.
///
/// ```swift
/// ParallelLoop.run(iterations: blocks) { block in work(on: block) }
/// ```
public enum ParallelLoop {
    /// Whether the current thread is running an iteration of a parallel loop, or is a worker.
    public static var isInside: Bool { depth > 0 }

    /// Runs `body(i)` for every `i` in `0..<iterations`, on up to `ThreadBudget.threads` threads
    /// when `iterations > 1` and the caller is not itself inside a loop; otherwise in order on the
    /// calling thread.
    public static func run(iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 1, ThreadBudget.threads > 1, !isInside else {
            // Still a loop body: a library call from here is as wrong as from a worker thread.
            asWorker { for iteration in 0..<max(0, iterations) { body(iteration) } }
            return
        }
        DispatchQueue.concurrentPerform(iterations: iterations) { iteration in
            asWorker { body(iteration) }
        }
    }

    /// Runs `body` with the current thread marked as a worker, so parallel loops inside it run
    /// serially (data-loader and augmentation workers wrap their work in this).
    public static func asWorker<Result>(_ body: () throws -> Result) rethrows -> Result {
        let outer = depth
        depth = outer + 1
        defer { depth = outer }
        return try body()
    }

    /// Records a call into a library with its own thread pool (OpenBLAS, oneDNN); a call from
    /// inside a parallel loop is counted in `nestedLibraryCalls`.
    @inline(__always)
    public static func noteLibraryCall() {
        if isInside { NestedCalls.shared.add() }
    }

    /// How many calls into OpenBLAS or oneDNN came from inside a parallel loop since the process
    /// started (or since `resetNestedLibraryCalls()`); the design keeps it at zero.
    public static var nestedLibraryCalls: Int { NestedCalls.shared.count }

    /// Sets `nestedLibraryCalls` back to zero (for tests).
    public static func resetNestedLibraryCalls() { NestedCalls.shared.reset() }

    /// This thread's nesting depth, kept in a pthread key (thread-local, no allocation).
    private static var depth: Int {
        get { Int(bitPattern: pthread_getspecific(depthKey.key)) }
        set { pthread_setspecific(depthKey.key, UnsafeRawPointer(bitPattern: newValue)) }
    }

    private static let depthKey = ThreadKey()

    /// A pthread key made once per process.
    private final class ThreadKey: Sendable {
        let key: pthread_key_t
        init() {
            var key = pthread_key_t()
            pthread_key_create(&key, nil)
            self.key = key
        }
    }

    /// The count of nested library calls behind a lock.
    private final class NestedCalls: @unchecked Sendable {
        static let shared = NestedCalls()
        private let lock = NSLock()
        private var total = 0

        var count: Int { lock.withLock { total } }
        func add() { lock.withLock { total += 1 } }
        func reset() { lock.withLock { total = 0 } }
    }
}
