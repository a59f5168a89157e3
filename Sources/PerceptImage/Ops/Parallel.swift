import PerceptThreads

/// Runs `body` over `0..<rows` in contiguous blocks, across cores when the job is large
/// enough (`rows * workPerRow` samples) to repay the thread hand-off and the caller is not
/// itself inside a parallel loop.
func forEachRowBlock(rows: Int, workPerRow: Int, _ body: (Range<Int>) -> Void) {
    let cores = ThreadBudget.threads
    guard cores > 1, rows > 1, rows * workPerRow >= 1 << 16, !ParallelLoop.isInside else {
        body(0..<rows)
        return
    }
    let blocks = min(rows, cores * 4)
    ParallelLoop.run(iterations: blocks) { block in
        body(rows * block / blocks..<rows * (block + 1) / blocks)
    }
}
