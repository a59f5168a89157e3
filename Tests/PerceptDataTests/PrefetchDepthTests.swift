import Foundation
import PerceptTensor
import Testing
@testable import PerceptData

/// A dataset whose reads block until the gate opens (or take `delay` seconds once it is open),
/// and which records the most reads ever in progress at once: one per batch being built, since
/// each worker builds one batch at a time.
final class GatedCountingDataset: Dataset, @unchecked Sendable {
    let count: Int
    let delay: Double
    private let condition = NSCondition()
    private var isOpen: Bool
    private var running = 0
    private var peak = 0

    init(count: Int, delay: Double = 0, open: Bool = true) {
        self.count = count
        self.delay = delay
        self.isOpen = open
    }

    /// The most reads in progress at the same time so far.
    var mostAtOnce: Int {
        condition.lock()
        defer { condition.unlock() }
        return peak
    }

    /// Lets every blocked and later read through.
    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    func example(at index: Int) throws -> Example {
        condition.lock()
        running += 1
        peak = max(peak, running)
        while !isOpen { condition.wait() }
        condition.unlock()
        Thread.sleep(forTimeInterval: delay)
        condition.lock()
        running -= 1
        condition.unlock()
        return Example(input: Tensor.full([2], Float(index)), label: index % 2)
    }
}

@Suite("The prefetcher keeps its workers busy ahead of the consumer")
struct PrefetchDepthTests {
    @Test("before the consumer takes anything, every worker is building a batch, and no more", arguments: [1, 2, 3])
    func batchesInFlight(workers: Int) throws {
        let data = GatedCountingDataset(count: 12, open: false)
        let loader = try DataLoader(data, batchSize: 1, sampler: .sequential, workers: workers)
        var epoch = loader.batches(epoch: 0)
        let deadline = Date().addingTimeInterval(10)
        while data.mostAtOnce < workers, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(data.mostAtOnce == workers)
        data.open()
        var indices: [Int] = []
        while let batch = try epoch.next() { indices += batch.indices }
        #expect(indices == Array(0..<12))
    }

    @Test("the batches come out in order and complete whatever the worker count")
    func orderKept() throws {
        for workers in [1, 2, 4] {
            let loader = try DataLoader(GatedCountingDataset(count: 10, delay: 0.002), batchSize: 3, sampler: .sequential, workers: workers)
            var epoch = loader.batches(epoch: 0)
            var indices: [[Int]] = []
            while let batch = try epoch.next() { indices.append(batch.indices) }
            #expect(indices == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
        }
    }
}
