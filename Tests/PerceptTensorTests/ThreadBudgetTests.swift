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
