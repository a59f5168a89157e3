import PerceptData
import PerceptDistributed
import PerceptModels
import PerceptNN
import PerceptTensor

/// Data-parallel training over the ranks of an MPI job: every rank holds the whole model, takes
/// its slice of each global batch, and all ranks step the same optimizer on the same averaged
/// gradient, so N ranks train the weights one process trains with the same global batch.
/// The CLI sets ``current`` once; every ``Trainer`` made afterwards uses it.
public final class DataParallel: @unchecked Sendable {
    /// The ranks.
    public let world: Communicator
    /// Whether batch norm uses statistics over the global batch (`--sync-bn`) instead of each rank's slice.
    public let synchronizesBatchNorm: Bool

    /// The data-parallel setting of this process, or nil when it trains alone.
    public nonisolated(unsafe) static var current: DataParallel?

    /// Data parallelism over `world`.
    public init(world: Communicator, synchronizesBatchNorm: Bool) {
        self.world = world
        self.synchronizesBatchNorm = synchronizesBatchNorm
    }

    /// Whether this rank writes logs, plots and checkpoints (rank 0).
    public var isLeader: Bool { world.isLeader }

    /// Readies `model` for training with global batch `batch`: checks that the batch divides
    /// among the ranks, gives every rank rank 0's weights, and with `--sync-bn` makes batch norm
    /// reduce its statistics over the ranks.
    public func prepare(_ model: any ZooModel, batch: Int) throws {
        try checkBatch(batch)
        try broadcastState(model)
        if synchronizesBatchNorm {
            let world = self.world
            BatchNorm.crossProcessSum = { values in
                var sums = values
                try world.allreduce(&sums)
                return sums
            }
        }
    }

    /// Checks that the global batch divides among the ranks.
    public func checkBatch(_ batch: Int) throws {
        guard batch % world.size == 0 else {
            throw DistributedTrainingError.batchNotDivisible(batch: batch, ranks: world.size)
        }
    }

    /// Gives every rank rank 0's parameters and buffers (after each rank drew its own initial weights).
    public func broadcastState(_ model: any ZooModel) throws {
        let keys = model.stateDictKeys(), state = model.stateDict()
        let tensors = keys.compactMap { state[$0] }
        var values = tensors.flatMap { $0.toArray() }
        var count = [Double(values.count)]
        let local = count[0]
        try world.allreduce(&count)
        guard count[0] == local * Double(world.size) else {
            throw DistributedError.mismatch(rank: world.rank, what: "the model's number of values", expected: "the same count on every rank", found: String(values.count))
        }
        try world.broadcast(&values)
        var loaded: [String: Tensor] = [:], offset = 0
        for (key, tensor) in zip(keys, tensors) {
            loaded[key] = try Tensor(Array(values[offset..<offset + tensor.count]), shape: tensor.shape)
            offset += tensor.count
        }
        try model.load(loaded, strict: true)
    }

    /// Replaces every trainable parameter's gradient with the mean over the global batch, where
    /// this rank's gradient is the mean over its `examples`; returns the global loss sum and
    /// example count (`lossSum` is this rank's). One bucketed allreduce after the backward pass:
    /// the engine's tape gives no hook when a parameter's gradient is final.
    public func averageGradients(_ model: any ZooModel, lossSum: Double, examples: Int) throws -> (lossSum: Double, examples: Int) {
        let parameters = model.parameters(trainableOnly: true)
        let weight = Float(examples)
        var flat: [Float] = []
        flat.reserveCapacity(parameters.reduce(0) { $0 + $1.count })
        for parameter in parameters {
            if let grad = parameter.grad {
                flat.append(contentsOf: grad.toArray().map { $0 * weight })
            } else {
                flat.append(contentsOf: repeatElement(0, count: parameter.count))
            }
        }
        var totals = [lossSum, Double(examples)]
        try world.allreduce(&totals)
        try world.allreduce(&flat)
        let scale = 1 / Float(max(totals[1], 1))
        var offset = 0
        for parameter in parameters {
            let slice = flat[offset..<offset + parameter.count].map { $0 * scale }
            if parameter.grad != nil || slice.contains(where: { $0 != 0 }) {
                parameter.grad = try Tensor(slice, shape: parameter.shape)
            }
            offset += parameter.count
        }
        return (totals[0], Int(totals[1]))
    }
}

/// Problems of a data-parallel run's set-up.
public enum DistributedTrainingError: Error, CustomStringConvertible, Equatable {
    /// `--batch` does not split evenly among the ranks.
    case batchNotDivisible(batch: Int, ranks: Int)

    public var description: String {
        switch self {
        case let .batchNotDivisible(batch, ranks):
            "error: --batch \(batch) is the global batch and must divide evenly among the \(ranks) ranks (try \(max(batch / ranks, 1) * ranks) or \((batch / ranks + 1) * ranks))"
        }
    }
}
