import Foundation
import PerceptAugment
import PerceptRandom

/// A detection dataset seen through the YOLO training augmentation: example `i` is image `i`
/// in a mosaic with three others drawn from the seed (while mosaic is on), warped, coloured and
/// flipped, as ``DetectionAugmentation`` does. Its random choices depend only on the seed, the
/// epoch and the index, so any worker count gives the same batches. The trainer tells it the
/// epoch before asking for that epoch's batches (``EpochScheduledDataset``); mosaic turns off
/// for the last `closeMosaic` epochs (Ultralytics' `close_mosaic`, default 10).
///
/// ```swift
/// let train = try AugmentedDetectionDataset(base, augmentation: DetectionAugmentation(imageSize: 320), seed: 0)
/// let loader = try DataLoader(train, batchSize: 16, seed: 0, workers: 2, collation: .detection)
/// for epoch in 0..<epochs { train.startEpoch(epoch, of: epochs, closeMosaic: 10); var batches = loader.batches(epoch: epoch); … }
/// ```
public struct AugmentedDetectionDataset: EpochScheduledDataset {
    /// The images and labels.
    public let base: DetectionDataset
    /// The augmentation.
    public let augmentation: DetectionAugmentation
    /// The seed behind every random choice.
    public let seed: UInt64
    /// The last epochs without mosaic when the trainer sets the epoch (``startEpoch(_:of:)``).
    public let closeMosaic: Int
    private let state = EpochState()

    /// The augmented view of `base`; the augmentation's image size must be the dataset's.
    public init(_ base: DetectionDataset, augmentation: DetectionAugmentation, seed: UInt64, closeMosaic: Int = 10) throws {
        guard augmentation.imageSize == base.imageSize else {
            throw DataError.invalidArgument("the augmentation makes \(augmentation.imageSize)-pixel inputs but \(base.name) is read at \(base.imageSize)")
        }
        guard closeMosaic >= 0 else { throw DataError.invalidArgument("close_mosaic must be 0 or more, got \(closeMosaic)") }
        self.base = base
        self.augmentation = augmentation
        self.seed = seed
        self.closeMosaic = closeMosaic
    }

    /// The class names of the dataset.
    public var classNames: [String] { base.classNames }

    public var count: Int { base.count }

    /// Sets the epoch (0-based) whose examples come next, and whether they use mosaic: on
    /// unless `epoch` is among the last `closeMosaic` of `epochs`.
    public func startEpoch(_ epoch: Int, of epochs: Int, closeMosaic: Int) {
        state.set(epoch: epoch, mosaic: epoch < epochs - closeMosaic)
    }

    /// Sets the epoch as ``startEpoch(_:of:closeMosaic:)`` does with this dataset's `closeMosaic`.
    public func startEpoch(_ epoch: Int, of epochs: Int) {
        startEpoch(epoch, of: epochs, closeMosaic: closeMosaic)
    }

    /// Whether examples asked for now use mosaic.
    public var usesMosaic: Bool { state.current.mosaic }

    public func example(at index: Int) throws -> Example {
        try DetectionTargets.example(from: augmentedSample(at: index))
    }

    /// The augmented sample at `index` for the current epoch.
    public func augmentedSample(at index: Int) throws -> Sample {
        try DataError.checkIndex(index, count: count, file: base.name)
        let (epoch, mosaic) = state.current
        let exampleSeed = SeedMixing.derive(seed, UInt64(truncatingIfNeeded: epoch), UInt64(truncatingIfNeeded: index))
        var partners = Xoshiro256StarStar(seed: SeedMixing.derive(exampleSeed, 1))
        var indices = [index]
        if mosaic {
            for _ in 1..<DetectionAugmentation.sampleCount(mosaic: true) { indices.append(Int(partners.next() % UInt64(count))) }
        }
        return try augmentation.augment(indices.map { try base.sample(at: $0) }, seed: exampleSeed, mosaic: mosaic)
    }
}

/// The epoch and mosaic switch, shared by the copies of a dataset the loader's workers hold.
private final class EpochState: @unchecked Sendable {
    private var value = (epoch: 0, mosaic: true)
    private let lock = NSLock()

    var current: (epoch: Int, mosaic: Bool) { lock.withLock { value } }

    func set(epoch: Int, mosaic: Bool) { lock.withLock { value = (epoch, mosaic) } }
}
