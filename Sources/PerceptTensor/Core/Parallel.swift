import PerceptThreads

/// The engine's own threads for large loops (through `ParallelLoop`, so a loop inside another
/// runs serially). OpenBLAS and oneDNN keep their own pools; the engine never calls either from
/// inside a parallel loop (`ParallelLoop.nestedLibraryCalls` counts any such call), so the pools
/// never run at the same time, and all three are sized by the one `ThreadBudget`.
public enum Parallel {
    /// Threads the engine's loops use: the process's `ThreadBudget` (the number of cores unless
    /// set); setting it sets the budget, and with it OpenBLAS's and oneDNN's threads.
    public static var threads: Int {
        get { ThreadBudget.threads }
        set { ThreadBudget.set(newValue) }
    }

    /// Runs `body(range)` over `0..<count` split into contiguous ranges, in parallel when the
    /// work (`count × costPerItem`) is large enough to pay for the threads.
    @inline(__always)
    public static func forEachRange(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = ParallelLoop.isInside ? 1 : min(threads, count, max(1, count * costPerItem / 32_768))
        if workers <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let chunk = (count + workers - 1) / workers
        ParallelLoop.run(iterations: workers) { worker in
            let start = worker * chunk
            let end = min(count, start + chunk)
            if start < end { body(start..<end) }
        }
    }
}
