import PerceptTensor
import Testing
@testable import PerceptData

/// `count` examples whose input `[1, 2, 2]` is filled with the example's index and whose label is `labelOf(index)`.
func numberedDataset(_ count: Int, classes: Int = 2, labelOf: (Int) -> Int = { $0 % 2 }) throws -> TensorDataset {
    try TensorDataset(inputs: (0..<count).map { Tensor.full([1, 2, 2], Float($0)) },
                      labels: (0..<count).map(labelOf), classNames: (0..<classes).map { "class\($0)" })
}

/// Every batch of one epoch.
func collect(_ loader: DataLoader, epoch: Int = 0) throws -> [Batch] {
    var batches: [Batch] = []
    var iterator = loader.batches(epoch: epoch)
    while let batch = try iterator.next() { batches.append(batch) }
    return batches
}

/// A dataset whose example `failing` cannot be read.
struct FailingDataset: Dataset {
    let count: Int
    let failing: Int
    func example(at index: Int) throws -> Example {
        if index == failing { throw DataError.badExample(file: "broken.png", index: index, reason: "cannot decode") }
        return Example(input: Tensor.full([2], Float(index)), label: 0)
    }
}

@Suite("The data loader batches, orders and prefetches")
struct DataLoaderTests {
    @Test("sequential batches stack inputs to [N, …] and class indices to an int64 [N]")
    func sequentialStacking() throws {
        let loader = try DataLoader(numberedDataset(5), batchSize: 2, sampler: .sequential)
        let batches = try collect(loader)
        #expect(loader.batchesPerEpoch == 3)
        #expect(batches.map(\.indices) == [[0, 1], [2, 3], [4]])
        #expect(batches[0].input.shape == [2, 1, 2, 2])
        #expect(batches[0].input.toArray() == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(batches[1].target.dtype == .int64)
        #expect(batches[1].target.shape == [2])
        #expect(batches[1].target.toIntArray() == [0, 1])
        #expect(batches[2].input.shape == [1, 1, 2, 2])
    }

    @Test("random order is a permutation, fixed by the seed, and new every epoch")
    func seededShuffle() throws {
        let data = try numberedDataset(50)
        let first = try collect(DataLoader(data, batchSize: 7, seed: 3)).flatMap(\.indices)
        let again = try collect(DataLoader(data, batchSize: 7, seed: 3)).flatMap(\.indices)
        let nextEpoch = try collect(DataLoader(data, batchSize: 7, seed: 3), epoch: 1).flatMap(\.indices)
        let otherSeed = try collect(DataLoader(data, batchSize: 7, seed: 4)).flatMap(\.indices)
        #expect(first.sorted() == Array(0..<50))
        #expect(first != Array(0..<50))
        #expect(first == again)
        #expect(first != nextEpoch)
        #expect(first != otherSeed)
    }

    @Test("the same seed gives the same batches with 0, 1 and 4 workers, transforms included", arguments: [0, 1, 4])
    func workersDoNotChangeBatches(workers: Int) throws {
        let data = try numberedDataset(37)
        // The transform adds a value drawn from its seed, so any change of seed shows in the data.
        let noise: DataLoader.Transform = { example, seed in
            var generator = RandomGenerator(seed: seed)
            return Example(input: example.input + Float(generator.nextUnit()), target: example.target)
        }
        let reference = try DataLoader(data, batchSize: 4, seed: 11, workers: 1, transform: noise)
        let loader = try DataLoader(data, batchSize: 4, seed: 11, workers: workers, transform: noise)
        for epoch in 0..<2 {
            let expected = try collect(reference, epoch: epoch), found = try collect(loader, epoch: epoch)
            #expect(found.count == expected.count)
            for (a, b) in zip(found, expected) {
                #expect(a.indices == b.indices)
                #expect(a.input.toArray() == b.input.toArray())
                #expect(a.target.toIntArray() == b.target.toIntArray())
            }
        }
        // The noise really is there and differs between examples.
        let values = try collect(loader)[0].input.toArray()
        #expect(values[0] != values[0].rounded(.down))
    }

    @Test("drop-last drops the short batch")
    func dropLast() throws {
        let loader = try DataLoader(numberedDataset(10), batchSize: 4, sampler: .sequential, dropLast: true)
        #expect(loader.batchesPerEpoch == 2)
        #expect(try collect(loader).map(\.count) == [4, 4])
    }

    @Test("a batch larger than the dataset gives one batch of everything, with or without drop-last", arguments: [false, true])
    func batchLargerThanDataset(dropLast: Bool) throws {
        let loader = try DataLoader(numberedDataset(6), batchSize: 64, dropLast: dropLast, seed: 2)
        #expect(loader.isBatchClamped)
        #expect(loader.batchSize == 6)
        let batches = try collect(loader)
        #expect(batches.count == 1)
        #expect(batches[0].indices.sorted() == Array(0..<6))
        #expect(batches[0].input.shape == [6, 1, 2, 2])
    }

    @Test("class-balanced sampling draws a rare class as often as a common one")
    func classBalanced() throws {
        // 95 examples of class 0, 5 of class 1.
        let data = try numberedDataset(100) { $0 < 95 ? 0 : 1 }
        let loader = try DataLoader(data, batchSize: 10, sampler: .classBalanced, seed: 5)
        var drawsOfRare = 0, draws = 0
        for epoch in 0..<20 {
            let labels = try collect(loader, epoch: epoch).flatMap { $0.target.toIntArray() }
            drawsOfRare += labels.filter { $0 == 1 }.count
            draws += labels.count
        }
        #expect(draws == 2000)
        #expect(abs(Double(drawsOfRare) / Double(draws) - 0.5) < 0.05)
    }

    @Test("weighted sampling never draws a zero weight and checks its weights")
    func weighted() throws {
        let data = try numberedDataset(4)
        let loader = try DataLoader(data, batchSize: 4, sampler: .weighted([0, 1, 0, 3]), seed: 8)
        let drawn = try (0..<10).flatMap { try collect(loader, epoch: $0).flatMap(\.indices) }
        #expect(Set(drawn) == [1, 3])
        #expect(drawn.filter { $0 == 3 }.count > drawn.filter { $0 == 1 }.count)
        #expect(throws: DataError.self) { try DataLoader(data, batchSize: 2, sampler: .weighted([1, 1])) }
        #expect(throws: DataError.self) { try DataLoader(data, batchSize: 2, sampler: .weighted([1, -1, 1, 1])) }
        #expect(throws: DataError.self) { try DataLoader(data, batchSize: 2, sampler: .weighted([0, 0, 0, 0])) }
    }

    @Test("bad loader arguments are typed errors")
    func badArguments() throws {
        let data = try numberedDataset(4)
        #expect(throws: DataError.self) { try DataLoader(data, batchSize: 0) }
        #expect(throws: DataError.self) { try DataLoader(data, batchSize: 2, workers: -1) }
        #expect(throws: DataError.self) { try DataLoader(numberedDataset(0), batchSize: 2) }
        #expect(throws: DataError.self) { try DataLoader(FailingDataset(count: 3, failing: 9), batchSize: 2, sampler: .classBalanced) }
    }

    @Test("an unreadable example throws from next(), naming its file and index", arguments: [0, 3])
    func failingExample(workers: Int) throws {
        let loader = try DataLoader(FailingDataset(count: 10, failing: 5), batchSize: 2, sampler: .sequential, workers: workers)
        var epoch = loader.batches(epoch: 0)
        var delivered = 0
        let error = #expect(throws: DataError.self) {
            while try epoch.next() != nil { delivered += 1 }
        }
        #expect(error == .badExample(file: "broken.png", index: 5, reason: "cannot decode"))
        #expect(delivered == 2)
        #expect(try epoch.next() == nil)
    }

    @Test("examples of different shapes in one batch are an error naming the example")
    func shapeMismatch() throws {
        let data = try TensorDataset(inputs: [Tensor.zeros([2]), Tensor.zeros([3])], labels: [0, 1], classNames: ["a", "b"])
        let loader = try DataLoader(data, batchSize: 2, sampler: .sequential, name: "tiny")
        var epoch = loader.batches(epoch: 0)
        #expect(throws: DataError.shapeMismatch(file: "tiny", index: 1, expected: [2], found: [3])) { try epoch.next() }
    }

    @Test("an epoch abandoned early releases its workers")
    func abandonedEpoch() throws {
        let loader = try DataLoader(numberedDataset(200), batchSize: 2, workers: 3)
        for epoch in 0..<5 {
            var iterator = loader.batches(epoch: epoch)
            #expect(try iterator.next()?.count == 2)
        }
    }
}
