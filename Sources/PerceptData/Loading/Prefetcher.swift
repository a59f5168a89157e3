import Foundation
import PerceptThreads

/// Builds an epoch's batches ahead of time on worker threads. Workers take batch numbers in
/// order and keep at most `depth` finished batches waiting; the consumer takes them strictly in
/// order, so the batches are the same whatever the number of workers.
final class Prefetcher: @unchecked Sendable {
    private let condition = NSCondition()
    private let batchCount: Int
    private let depth: Int
    private let build: @Sendable (Int) throws -> Batch
    // Guarded by `condition`.
    private var finished: [Int: Result<Batch, Error>] = [:]
    private var nextToBuild = 0
    private var nextToTake = 0
    private var cancelled = false

    /// Starts `workers` threads building batches `0..<batchCount` with `build`.
    init(batchCount: Int, workers: Int, build: @escaping @Sendable (Int) throws -> Batch) {
        self.batchCount = batchCount
        self.depth = max(2, 2 * workers)
        self.build = build
        for _ in 0..<workers {
            // A worker counts as a parallel loop: image and tensor loops inside it run serially.
            let thread = Thread { [self] in ParallelLoop.asWorker { work() } }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// The next batch in order, waiting for it if needed; nil after the last one. A batch that
    /// failed rethrows its error, and the epoch ends there.
    func take() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToTake < batchCount, !cancelled else { return nil }
        while finished[nextToTake] == nil { condition.wait() }
        let result = finished.removeValue(forKey: nextToTake)
        nextToTake += 1
        condition.broadcast()
        switch result {
        case .success(let batch): return batch
        case .failure(let error):
            cancelled = true
            throw error
        case nil: return nil
        }
    }

    /// Stops the workers after the batch each is building; batches not taken are dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while !cancelled, nextToBuild < batchCount, nextToBuild >= nextToTake + depth { condition.wait() }
            guard !cancelled, nextToBuild < batchCount else {
                condition.unlock()
                return
            }
            let number = nextToBuild
            nextToBuild += 1
            condition.unlock()

            let result = Result { try build(number) }
            condition.lock()
            finished[number] = result
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// Cancels its prefetcher when the epoch that owns it goes away, so abandoned epochs free
/// their threads.
final class PrefetchHandle: Sendable {
    let prefetcher: Prefetcher
    init(_ prefetcher: Prefetcher) { self.prefetcher = prefetcher }
    deinit { prefetcher.cancel() }
}
