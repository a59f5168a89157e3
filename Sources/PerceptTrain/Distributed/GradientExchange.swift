import Foundation
import PerceptDistributed
import PerceptNN
import PerceptTensor

/// How one step's gradient allreduce went.
public struct GradientExchangeReport: Equatable, Sendable {
    /// The buckets the gradients travelled in.
    public var buckets: Int
    /// The buckets whose allreduce started before the backward pass had finished its last
    /// parameter: their communication overlapped the rest of the pass.
    public var startedBeforeLastGradient: Int
    /// Seconds spent after the backward pass waiting for the allreduces to end (the
    /// communication that the pass did not hide).
    public var waitSeconds: Double
}

/// The gradient allreduce of a fixed list of trainable parameters, bucket by bucket: during the
/// backward pass each bucket's gradients (of a loss already weighted by this rank's share) are
/// packed and their sum over the ranks started as soon as the ``BucketSchedule`` allows; the pass's leaf reports
/// also move the sums in flight on. After the pass the rest start, all are awaited, and
/// ``unpack()`` writes the sums back as gradients.
final class GradientExchange {
    /// The parameters, in registration order.
    let parameters: [Parameter]
    private var schedule: BucketSchedule
    private let buffers: [AllreduceBuffer]
    /// Each parameter's offset in its bucket's buffer.
    private let offsets: [Int]

    /// Buckets of `parameters` for sums over `lane`, sized as ``BucketSchedule`` says.
    init(parameters: [Parameter], lane: Communicator, bucketFloats: Int, firstBucketFloats: Int) throws {
        self.parameters = parameters
        schedule = BucketSchedule(counts: parameters.map(\.count), bucketFloats: bucketFloats, firstBucketFloats: firstBucketFloats)
        var offsets = [Int](repeating: 0, count: parameters.count), sizes: [Int] = []
        for members in schedule.buckets {
            var size = 0
            for member in members {
                offsets[member] = size
                size += parameters[member].count
            }
            sizes.append(size)
        }
        self.offsets = offsets
        buffers = try sizes.map { try AllreduceBuffer(world: lane, count: $0) }
    }

    /// Whether this exchange was made for exactly `parameters` (freezing changes the list).
    func serves(_ parameters: [Parameter]) -> Bool {
        parameters.count == self.parameters.count && zip(parameters, self.parameters).allSatisfy { $0 === $1 }
    }

    /// Back-propagates `loss` and sums every parameter's gradient over the ranks:
    /// with `overlapping`, buckets start during the pass; without, all start after it.
    func backward(_ loss: Tensor, overlapping: Bool) throws -> GradientExchangeReport {
        schedule.reset()
        var finished = 0, startedAfter: [Int] = []
        func start(_ buckets: Range<Int>) throws {
            for bucket in buckets {
                try pack(bucket)
                try buffers[bucket].start()
                startedAfter.append(finished)
            }
        }
        if overlapping {
            var indexOf: [LeafID: Int] = [:]
            for (index, parameter) in parameters.enumerated() {
                if let id = parameter.value.leafID { indexOf[id] = index }
            }
            try loss.backward { leaf, _ in
                guard let index = indexOf[leaf] else { return }
                finished += 1
                try start(schedule.parameterFinal(index))
                for buffer in buffers where buffer.isInFlight { try buffer.test() }
            }
        } else {
            try loss.backward()
        }
        try start(schedule.remaining())
        let waitStarted = Date()
        for buffer in buffers { try buffer.wait() }
        return GradientExchangeReport(buckets: buffers.count, startedBeforeLastGradient: startedAfter.filter { $0 < finished }.count,
                                      waitSeconds: Date().timeIntervalSince(waitStarted))
    }

    /// Replaces each parameter's gradient with its bucket's sum; a parameter without a
    /// gradient gets one only when some rank sent a non-zero value.
    func unpack() throws {
        for (bucket, members) in schedule.buckets.enumerated() {
            let values = buffers[bucket].values
            for member in members {
                let parameter = parameters[member], start = offsets[member]
                let sum = values[start..<start + parameter.count]
                guard parameter.grad != nil || sum.contains(where: { $0 != 0 }) else { continue }
                parameter.grad = try Tensor(Array(sum), shape: parameter.shape)
            }
        }
    }

    /// Copies bucket `bucket`'s gradients into its buffer (zeros for a parameter without one).
    private func pack(_ bucket: Int) throws {
        let values = buffers[bucket].values
        for member in schedule.buckets[bucket] {
            let parameter = parameters[member], start = offsets[member]
            guard let grad = parameter.grad else {
                UnsafeMutableBufferPointer(rebasing: values[start..<start + parameter.count]).update(repeating: 0)
                continue
            }
            guard grad.shape == parameter.shape else {
                throw TensorError.shapeMismatch(operation: "gradient allreduce", shapes: [parameter.shape, grad.shape])
            }
            try grad.withUnsafeFloats { gradient in
                for index in gradient.indices { values[start + index] = gradient[index] }
            }
        }
    }
}
