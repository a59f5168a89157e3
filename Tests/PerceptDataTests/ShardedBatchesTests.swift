import PerceptTensor
import Testing
@testable import PerceptData

@Suite("a loader's batches shared among ranks")
struct ShardedBatchesTests {
    @Test("the ranks' slices of each batch, side by side, are one process's batch with its transform seeds", arguments: [2, 3])
    func slicesRebuildTheBatches(ranks: Int) throws {
        let data = try numberedDataset(26)
        // The transform adds a value drawn from its seed, so a slice with other seeds shows in the data.
        let noise: DataLoader.Transform = { example, seed in
            var generator = RandomGenerator(seed: seed)
            return Example(input: example.input + Float(generator.nextUnit()), target: example.target)
        }
        let loader = try DataLoader(data, batchSize: 6, seed: 5, transform: noise)
        for epoch in 0..<2 {
            let whole = try collect(loader, epoch: epoch)
            var parts: [[Batch]] = []
            for rank in 0..<ranks {
                var batches: [Batch] = [], iterator = loader.batches(epoch: epoch, rank: rank, of: ranks)
                while let batch = try iterator.next() { batches.append(batch) }
                parts.append(batches)
            }
            // 26 = 4 × 6 + 2: the last batch of 2 has a slice for 2 ranks, none for every rank of 3.
            let shared = ranks <= 2 ? whole.count : whole.count - 1
            #expect(parts.allSatisfy { $0.count == shared })
            for number in 0..<shared {
                let slices = parts.map { $0[number] }
                #expect(slices.flatMap(\.indices) == whole[number].indices)
                #expect(slices.flatMap { $0.input.toArray() } == whole[number].input.toArray())
                #expect(Set(slices.map(\.count)).count == 1 || number == whole.count - 1)
            }
        }
    }
}
