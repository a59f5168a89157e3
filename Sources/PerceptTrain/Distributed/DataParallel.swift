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

    /// Floats per gradient bucket: 4 MB. PyTorch's DDP takes 25 MB, which would put
    /// all of yolov8n's 12.6 MB of gradients in one bucket and leave nothing to overlap; at 4 MB
    /// resnet18 travels in about 12 buckets and yolov8n in 4, while a bucket stays large enough
    /// that MPI's per-message cost (tens of microseconds) is small against its ≈2 ms of reduction here.
    public static let bucketFloats = 1 << 20
    /// Floats in the first bucket (the last layers' gradients, final first): 1 MB, as
    /// DDP, so communication starts early in the pass.
    public static let firstBucketFloats = 1 << 18
    /// Whether buckets start during the backward pass (true), or all after it (for comparison).
    public var overlapsCommunication = true
    /// How the last step's gradient allreduce went, or nil before the first.
    public private(set) var lastExchange: GradientExchangeReport?

    /// The communicator of the gradient sums, apart from the world's collectives (batch norm's
    /// under `--sync-bn` run during the backward pass too); made at the first step.
    private var lane: Communicator?
    /// The buckets of the current trainable parameters.
    private var exchange: GradientExchange?

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

    /// Back-propagates a batch's loss, given as its `terms`, and replaces every trainable
    /// parameter's gradient with the gradient one process gets from the global batch: each
    /// term, a mean over this rank's share of its normaliser, is weighted by that share of the
    /// global normaliser (examples, labelled points or their class weights), so the weighted
    /// terms of all ranks sum to the global loss. Returns the global loss times the global
    /// example count, and that count. The gradients travel in buckets (``bucketFloats``) whose
    /// allreduce starts as soon as the backward pass has finished them (unless
    /// ``overlapsCommunication`` is off), so communication overlaps the rest of the pass.
    public func backward(_ terms: [LossTerm], model: any ZooModel, examples: Int) throws -> (lossSum: Double, examples: Int) {
        let parameters = model.parameters(trainableOnly: true)
        let exchange: GradientExchange
        if let current = self.exchange, current.serves(parameters) {
            exchange = current
        } else {
            let lane = try self.lane ?? world.duplicate()
            self.lane = lane
            exchange = try GradientExchange(parameters: parameters, lane: lane, bucketFloats: Self.bucketFloats,
                                         firstBucketFloats: Self.firstBucketFloats)
            self.exchange = exchange
        }
        // One allreduce of every term's normaliser, its weighted value and the example count.
        var totals = try terms.map { $0.normaliser } + terms.map { Double(try $0.mean.item()) * $0.normaliser } + [Double(examples)]
        try world.allreduce(&totals)
        var loss: Tensor?, globalLoss = 0.0
        for (index, term) in terms.enumerated() where totals[index] > 0 {
            globalLoss += totals[terms.count + index] / totals[index]
            guard term.normaliser > 0 else { continue }
            let weighted = try term.mean * Float(term.normaliser / totals[index])
            loss = try loss.map { try $0 + weighted } ?? weighted
        }
        let globalExamples = totals[2 * terms.count]
        lastExchange = try exchange.backward(loss ?? LossTerm.total(terms) * Float(0), overlapping: overlapsCommunication)
        try exchange.unpack()
        return (globalLoss * globalExamples, Int(globalExamples))
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
