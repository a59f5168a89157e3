import PerceptTensor

/// Batches of a dataset: seeded ordering, drop-last, prefetch on `workers` threads (0 = the
/// calling thread) and an optional per-example transform (augmentation). The same seed gives the
/// same batches whatever the worker count: the order depends on (seed, epoch), and the seed handed
/// to the transform on (seed, epoch, position in the epoch, example index).
///
/// ```swift
/// let loader = try DataLoader(train, batchSize: 64, seed: 1, workers: 2)
/// var epoch = loader.batches(epoch: 0)
/// while let batch = try epoch.next() { … }
/// ```
public final class DataLoader: @unchecked Sendable {
    /// A per-example transform: the example and a seed for its random choices.
    public typealias Transform = @Sendable (Example, _ seed: UInt64) throws -> Example

    /// The dataset.
    public let dataset: any Dataset
    /// The batch size asked for.
    public let requestedBatchSize: Int
    /// The batch size used: the one asked for, or the dataset's size when that is smaller
    /// (`isBatchClamped`, for a notice), so a tiny dataset still gives one batch.
    public let batchSize: Int
    /// How an epoch orders examples.
    public let sampler: Sampler
    /// Whether a last, smaller batch is dropped.
    public let dropLast: Bool
    /// The seed behind ordering and transforms.
    public let seed: UInt64
    /// Threads that build batches ahead (0 = build each on the calling thread when asked).
    public let workers: Int
    /// The per-example transform, if any.
    public let transform: Transform?
    /// A name for the data in errors (a file or folder).
    public let name: String
    /// How targets are joined into a batch.
    public let collation: Collation
    private let plan: SamplingPlan

    /// A loader over `dataset`. Throws for an empty dataset, a batch size below 1, a negative
    /// worker count, or weights that do not fit the dataset.
    public init(_ dataset: any Dataset, batchSize: Int, sampler: Sampler = .random, dropLast: Bool = false,
                seed: UInt64 = 0, workers: Int = 0, name: String = "<data>", transform: Transform? = nil,
                collation: Collation = .stacked) throws {
        guard dataset.count > 0 else { throw DataError.invalidArgument("\(name): the dataset has no examples") }
        guard batchSize >= 1 else { throw DataError.invalidArgument("batch size must be at least 1, got \(batchSize)") }
        guard workers >= 0 else { throw DataError.invalidArgument("workers must be 0 or more, got \(workers)") }
        self.dataset = dataset
        self.requestedBatchSize = batchSize
        self.batchSize = min(batchSize, dataset.count)
        self.sampler = sampler
        self.dropLast = dropLast
        self.seed = seed
        self.workers = workers
        self.name = name
        self.transform = transform
        self.collation = collation
        self.plan = try SamplingPlan(sampler, dataset: dataset)
    }

    /// Whether the dataset is smaller than the batch size asked for (so every epoch is one batch).
    public var isBatchClamped: Bool { batchSize < requestedBatchSize }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The batches of epoch `epoch` (0-based) in order; a failing example throws from `next()`.
    public func batches(epoch: Int) -> Epoch {
        batches(epoch: epoch, rank: 0, of: 1)
    }

    /// Rank `rank`'s part of every batch of epoch `epoch` when `ranks` processes share it (data
    /// parallel): the same global order and batches as one process, each batch cut into `ranks`
    /// contiguous slices, with the same per-example seeds, so the ranks together see exactly the
    /// batches one process sees. A last batch smaller than `ranks` is left out, since some rank
    /// would get nothing of it.
    public func batches(epoch: Int, rank: Int, of ranks: Int) -> Epoch {
        let order = plan.order(epoch: epoch, seed: seed)
        var groups: [[Int]] = [], starts: [Int] = []
        for number in 0..<batchesPerEpoch {
            let start = number * batchSize, count = min(start + batchSize, order.count) - start
            guard count >= ranks else { continue }
            let sliceStart = start + count * rank / ranks, sliceEnd = start + count * (rank + 1) / ranks
            groups.append(Array(order[sliceStart..<sliceEnd]))
            starts.append(sliceStart)
        }
        let maker = BatchMaker(dataset: dataset, transform: transform, seed: seed, epoch: epoch, name: name, collation: collation)
        return Epoch(groups: groups, starts: starts, maker: maker, workers: workers)
    }

    /// One epoch's batches, produced in order by `next()`.
    public struct Epoch {
        private let groups: [[Int]]
        /// The position in the epoch of each group's first example (its seeds depend on it).
        private let starts: [Int]
        private let maker: BatchMaker
        private let prefetch: PrefetchHandle?
        private var position = 0

        init(groups: [[Int]], starts: [Int], maker: BatchMaker, workers: Int) {
            self.groups = groups
            self.starts = starts
            self.maker = maker
            if workers > 0, !groups.isEmpty {
                prefetch = PrefetchHandle(Prefetcher(batchCount: groups.count, workers: workers) { number in
                    try maker.batch(indices: groups[number], start: starts[number])
                })
            } else {
                prefetch = nil
            }
        }

        /// The number of batches in this epoch.
        public var count: Int { groups.count }

        /// The next batch, or nil after the last; throws the error of an example that failed,
        /// and the epoch ends there.
        public mutating func next() throws -> Batch? {
            if let prefetch { return try prefetch.prefetcher.take() }
            guard position < groups.count else { return nil }
            do {
                defer { position += 1 }
                return try maker.batch(indices: groups[position], start: starts[position])
            } catch {
                position = groups.count
                throw error
            }
        }
    }
}

/// Reads, transforms and stacks the examples of one batch; shared by the calling thread and
/// the prefetch workers.
struct BatchMaker: Sendable {
    let dataset: any Dataset
    let transform: DataLoader.Transform?
    let seed: UInt64
    let epoch: Int
    let name: String
    let collation: Collation

    /// The batch made of the dataset's `indices`, the first of which is at position `start` in the epoch.
    func batch(indices: [Int], start: Int) throws -> Batch {
        var examples: [Example] = []
        examples.reserveCapacity(indices.count)
        for (offset, index) in indices.enumerated() {
            var example = try dataset.example(at: index)
            if let transform {
                let position = start + offset
                let exampleSeed = SeedMixing.derive(seed, UInt64(truncatingIfNeeded: epoch),
                                                    UInt64(truncatingIfNeeded: position), UInt64(truncatingIfNeeded: index))
                example = try transform(example, exampleSeed)
            }
            examples.append(example)
        }
        return try BatchCollation.collate(examples, indices: indices, file: name, collation: collation)
    }
}
