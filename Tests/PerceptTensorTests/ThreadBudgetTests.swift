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

/// `ParallelLoop`: loops inside loops stay on one thread, and OpenBLAS and oneDNN calls from
/// inside a loop are counted (the engine and the data loader must make none). Serialized: the
/// count is the process's, and two tests that each make a nested call must not overlap.
@Suite("Parallel loops", .serialized)
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

    @Test("a oneDNN primitive or dnnl_sgemm from inside a parallel loop is counted; outside it is not")
    func nestedDNNLCallsAreCounted() throws {
        try #require(DNNL.isAvailable, "oneDNN is not loaded: \(DNNL.unavailableReason ?? "")")
        let x = GradientCheck.random([2, 3, 5, 5], seed: 9), w = GradientCheck.random([4, 3, 3, 3], seed: 10)
        let before = ParallelLoop.nestedLibraryCalls
        _ = try x.conv2d(weight: w, padding: 1).toArray()
        _ = try x.softmax(axis: -1)
        #expect(ParallelLoop.nestedLibraryCalls == before)
        ParallelLoop.run(iterations: 1) { _ in _ = try? x.conv2d(weight: w, padding: 1).toArray() }
        let afterConvolution = ParallelLoop.nestedLibraryCalls
        #expect(afterConvolution >= before + 1, "a convolution inside a loop went uncounted")
        ParallelLoop.run(iterations: 1) { _ in _ = try? x.softmax(axis: -1) }
        #expect(ParallelLoop.nestedLibraryCalls == afterConvolution + 1, "one softmax primitive inside a loop")
        let a = [Float](repeating: 1, count: 2 * 3), b = [Float](repeating: 2, count: 3 * 50)
        var c = [Float](repeating: 0, count: 2 * 50)
        var multiplied = false
        ParallelLoop.run(iterations: 1) { _ in
            multiplied = SgemmChoice.onednn(transposeA: false, transposeB: false, m: 2, n: 50, k: 3, alpha: 1, a: a, lda: 3,
                                            b: b, ldb: 50, beta: 0, c: &c, ldc: 50)
        }
        #expect(multiplied)
        #expect(ParallelLoop.nestedLibraryCalls == afterConvolution + 2, "one dnnl_sgemm inside a loop")
        #expect(c.allSatisfy { $0 == 6 })
    }
}
