import Foundation
import PerceptImage

/// How classification data is read: the validation share of a single folder, the seed of that
/// split, the image size and channels of folder images, and whether unreadable images are skipped.
public struct ClassificationDataOptions: Sendable {
    /// The share of each class held out for validation when a folder has no `val/` split.
    public var validationFraction: Double
    /// The seed of that split.
    public var seed: UInt64
    /// The size folder images are resized to; nil keeps the size all of them must share.
    public var imageSize: ImageSize?
    /// 1 or 3 to force gray or RGB; nil takes the majority of the folder.
    public var channels: Int?
    /// Leave unreadable images out with a warning instead of failing.
    public var skipBad: Bool

    /// Options; the defaults are a stratified 20% validation split with seed 0.
    public init(validationFraction: Double = 0.2, seed: UInt64 = 0, imageSize: ImageSize? = nil, channels: Int? = nil,
                skipBad: Bool = false) {
        self.validationFraction = validationFraction
        self.seed = seed
        self.imageSize = imageSize
        self.channels = channels
        self.skipBad = skipBad
    }
}

/// A classification dataset ready to train: the training and validation splits, what every
/// input looks like, and the warnings of reading it.
public struct ClassificationData: Sendable {
    /// The examples to train on.
    public let train: any ClassificationDataset
    /// The examples to validate on.
    public let validation: any ClassificationDataset
    /// `[C, H, W]` of every input.
    public let inputShape: [Int]
    /// What the reader worked around (skipped files, mixed channels).
    public let warnings: [DataWarning]

    /// Data from its parts.
    public init(train: any ClassificationDataset, validation: any ClassificationDataset, inputShape: [Int], warnings: [DataWarning] = []) {
        self.train = train
        self.validation = validation
        self.inputShape = inputShape
        self.warnings = warnings
    }

    /// The class names.
    public var classNames: [String] { train.classNames }

    /// The data a `--data` argument names: `fashion-mnist` (Debian's package; its test split
    /// validates), `cifar10:DIR`, `cifar100:DIR` (the python pickle batches; their test split
    /// validates), or an image folder `DIR` (ImageNet layout `train/`+`val/`, or class folders
    /// split by `validationFraction`).
    public static func load(_ specification: String, options: ClassificationDataOptions = ClassificationDataOptions()) throws
        -> ClassificationData {
        if specification == "fashion-mnist" {
            let (train, validation) = try MNISTFiles.load()
            return ClassificationData(train: train, validation: validation, inputShape: train.imageShape)
        }
        for (prefix, variant) in [("cifar10:", CIFARFiles.Variant.cifar10), ("cifar100:", .cifar100(coarse: false))]
        where specification.hasPrefix(prefix) {
            let folder = URL(fileURLWithPath: String(specification.dropFirst(prefix.count)))
            let (train, validation) = try CIFARFiles.load(folder: folder, variant: variant)
            return ClassificationData(train: train, validation: validation, inputShape: train.imageShape)
        }
        return try ImageFolder.load(URL(fileURLWithPath: specification), options: options)
    }
}
