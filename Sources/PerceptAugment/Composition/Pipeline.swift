import Foundation
import PerceptImage
import PerceptThreads

/// The outcome of augmenting one sample.
public struct AugmentResult: Sendable {
    /// The augmented sample.
    public var sample: Sample
    /// What the box and keypoint rules changed.
    public var statistics: AugmentStatistics
    /// The parameters each transform drew, when recorded; they replay to the same sample.
    public var records: [TransformRecord]
}

/// A transform list with its box settings: what a pipeline file describes.
///
///     let pipeline = try Pipeline(transforms: [Flip(.horizontal), try RandomCrop(width: 448, height: 448)],
///                                 settings: BoxSettings(minVisibility: 0.3))
///     let result = try pipeline.augment(sample, seed: 42)
public struct Pipeline: Sendable {
    /// The transforms, run in order.
    public var root: Compose
    /// The box and keypoint rules.
    public var settings: BoxSettings

    /// A pipeline of `transforms`.
    public init(transforms: [any Transform], settings: BoxSettings = BoxSettings()) throws {
        root = try Compose(transforms)
        self.settings = settings
    }

    /// Augments `sample` with the stream of `seed`; `recording` keeps the drawn parameters.
    /// Boxes slightly outside the image or degenerate on input are clipped (and dropped when
    /// empty) and counted, never an error.
    public func augment(_ sample: Sample, seed: UInt64, recording: Bool = false) throws -> AugmentResult {
        var random = AugmentRandom(seed: seed)
        return try run(sample, random: &random, context: AugmentContext(settings: settings, recording: recording))
    }

    /// Runs the pipeline again with `records` instead of fresh draws.
    public func replay(_ sample: Sample, records: [TransformRecord]) throws -> AugmentResult {
        var random = AugmentRandom(seed: 0)
        return try run(sample, random: &random, context: AugmentContext(settings: settings, replaying: records))
    }

    /// Augments every sample on `threads` threads (the `ThreadBudget` by default). Sample `i` uses the
    /// seed `AugmentRandom.derivedSeed(seed, index: i)`, so results do not depend on the
    /// thread count. Each element is the result or the error for that sample.
    public func augment(batch samples: [Sample], seed: UInt64, threads: Int? = nil,
                        recording: Bool = false) -> [Result<AugmentResult, any Error>] {
        let workers = max(1, min(threads ?? ThreadBudget.threads, samples.count))
        var results = [Result<AugmentResult, any Error>?](repeating: nil, count: samples.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let buffer = buffer
            let work = { (worker: Int) in
                for index in stride(from: worker, to: samples.count, by: workers) {
                    buffer[index] = Result { try augment(samples[index], seed: AugmentRandom.derivedSeed(seed, index: index), recording: recording) }
                }
            }
            ParallelLoop.run(iterations: workers, work)
        }
        return results.map { $0 ?? .failure(AugmentError.invalidSample("sample was not processed")) }
    }

    private func run(_ sample: Sample, random: inout AugmentRandom, context: AugmentContext) throws -> AugmentResult {
        try sample.validate()
        var context = context
        var input = sample
        if !sample.boxes.isEmpty { context.placeBoxes(sample.boxes, in: &input, canvas: sample.image.size) }
        let output = try root.run(input, random: &random, context: &context)
        return AugmentResult(sample: output, statistics: context.statistics, records: context.records)
    }
}
