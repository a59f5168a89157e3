import Foundation
import Testing
import PerceptThreads
@testable import PerceptTensor

/// The one thread budget: the engine's loops, OpenBLAS and oneDNN follow it.
@Suite("Thread budget")
struct ThreadBudgetTests {
    @Test("setting the engine's threads sets the budget and OpenBLAS's threads, and back")
    func librariesFollowTheBudget() throws {
        let before = ThreadBudget.threads
        #expect(before >= 1 && before <= ThreadBudget.cores)
        try BLAS.load()
        _ = DNNL.isAvailable
        Parallel.threads = 1
        #expect(ThreadBudget.threads == 1)
        #expect(BLAS.threads == 1)
        ThreadBudget.set(before)
        #expect(Parallel.threads == before)
        #expect(BLAS.threads == before)
        ThreadBudget.set(0)
        #expect(ThreadBudget.threads == 1, "the budget never drops below one thread")
        ThreadBudget.set(before)
        #expect(ThreadBudget.threadsPerWorker(before * 2) == 1)
        #expect(ThreadBudget.threadsPerWorker(1) == before)
    }
}

/// `ParallelLoop`: loops inside loops stay on one thread, and OpenBLAS calls from inside a loop
/// are counted (the engine and the data loader must make none).
@Suite("Parallel loops")
struct ParallelLoopTests {
    /// The calling thread's id.
    private static func currentThread() -> UInt { UInt(pthread_self()) }

    @Test("a parallel loop inside a parallel loop runs serially on the outer iteration's thread")
    func nestedLoopsRunSerially() {
        let outerCount = 8, innerCount = 16
        let lock = NSLock()
        var sameThread = 0, visited = 0
        ParallelLoop.run(iterations: outerCount) { _ in
            let outer = ParallelLoopTests.currentThread()
            #expect(ParallelLoop.isInside)
            let innerLock = NSLock()
            var inner: [UInt] = []
            // Locked so that a broken guard fails the count below instead of racing.
            ParallelLoop.run(iterations: innerCount) { _ in innerLock.withLock { inner.append(ParallelLoopTests.currentThread()) } }
            Parallel.forEachRange(1 << 20, costPerItem: 64) { _ in innerLock.withLock { inner.append(ParallelLoopTests.currentThread()) } }
            lock.withLock {
                visited += inner.count
                sameThread += inner.filter { $0 == outer }.count
            }
        }
        #expect(visited == outerCount * (innerCount + 1))
        #expect(sameThread == visited)
        #expect(!ParallelLoop.isInside)
    }

    @Test("a data-loader worker counts as a loop: the engine's loops inside it stay on its thread")
    func workersRunLoopsSerially() {
        let thread = ParallelLoopTests.currentThread()
        let lock = NSLock()
        var threads: [UInt] = []
        ParallelLoop.asWorker {
            Parallel.forEachRange(1 << 20, costPerItem: 64) { _ in lock.withLock { threads.append(ParallelLoopTests.currentThread()) } }
        }
        #expect(threads == [thread])
    }

    @Test("sgemm from inside a parallel loop is counted; outside it is not")
    func nestedBLASCallsAreCounted() throws {
        try BLAS.load()
        let a = [Float](repeating: 1, count: 4), b = [Float](repeating: 2, count: 4)
        var c = [Float](repeating: 0, count: 4)
        func multiply() {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.sgemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, a: pa.baseAddress!, lda: 2,
                                   b: pb.baseAddress!, ldb: 2, c: pc.baseAddress!, ldc: 2)
                    }
                }
            }
        }
        let before = ParallelLoop.nestedLibraryCalls
        multiply()
        #expect(ParallelLoop.nestedLibraryCalls == before)
        #expect(c == [4, 4, 4, 4])
        ParallelLoop.run(iterations: 1) { _ in multiply() }
        #expect(ParallelLoop.nestedLibraryCalls == before + 1)
    }
}
