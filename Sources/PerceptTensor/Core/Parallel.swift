import Dispatch
import Foundation

/// The engine's own threads for large loops. OpenBLAS keeps its own pool; the engine never
/// calls BLAS from inside a parallel loop, so the two never run at the same time and the
/// cores are not oversubscribed.
public enum Parallel {
    /// Threads the engine's loops use; defaults to the number of cores.
    nonisolated(unsafe) public static var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// Runs `body(range)` over `0..<count` split into contiguous ranges, in parallel when the
    /// work (`count × costPerItem`) is large enough to pay for the threads.
    @inline(__always)
    public static func forEachRange(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = min(threads, count, max(1, count * costPerItem / 32_768))
        if workers <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = worker * chunk
            let end = min(count, start + chunk)
            if start < end { body(start..<end) }
        }
    }
}
