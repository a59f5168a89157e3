import Foundation
import Percept

/// The data of the `classify` commands: PerceptData's readers behind `--data`, inputs brought to
/// the model's square size, and `--augment` pipelines as loader transforms.
enum ClassifyData {
    /// Reads `--data`. Folder images are resized to `imageSize` when it is given; data of a fixed
    /// size (Fashion-MNIST, CIFAR) is resized on the fly by ``resizing(to:)`` when it differs.
    static func load(_ specification: String, imageSize: Int?, validationSplit: Double, seed: UInt64, skipBad: Bool,
                     channels: Int? = nil) throws -> ClassificationData {
        let options = ClassificationDataOptions(validationFraction: validationSplit, seed: seed,
                                                imageSize: imageSize.map { ImageSize(width: $0, height: $0) }, channels: channels, skipBad: skipBad)
        return try ClassificationData.load(specification, options: options)
    }

    /// The input channels of the data.
    static func channels(_ data: ClassificationData) -> Int { data.inputShape.first ?? 1 }
    /// The input side of the data (its height).
    static func side(_ data: ClassificationData) -> Int { data.inputShape.count == 3 ? data.inputShape[1] : 0 }

    /// A loader transform bringing `[C, H, W]` inputs in `0...1` to `size × size`, or nil when
    /// the data already has that size.
    static func resizing(_ data: ClassificationData, to size: Int) -> DataLoader.Transform? {
        guard data.inputShape.count == 3, data.inputShape[1] != size || data.inputShape[2] != size else { return nil }
        return { example, _ in
            let image = try Image(tensor: example.input)
            let resized = try image.resized(width: size, height: size, interpolation: size < image.width ? .area : .bilinear)
            return Example(input: resized.tensor(), target: example.target)
        }
    }

    /// The `--augment` pipeline as a loader transform, or nil without one.
    static func augmentation(_ augment: String?) throws -> DataLoader.Transform? {
        try augment.map { try Pipeline(contentsOf: URL(fileURLWithPath: $0)).exampleTransform() }
    }

    /// The side of what `augmentation` makes of the first training example, when that is square
    /// and differs from the data's own size (a pipeline ending in `Resize 224` over larger
    /// images): the size the model is built for when `--imgsz` does not say.
    static func outputSide(of augmentation: DataLoader.Transform, data: ClassificationData) throws -> Int? {
        guard data.train.count > 0 else { return nil }
        let shape = try augmentation(try data.train.example(at: 0), 0).input.shape
        guard shape.count == 3, shape[1] == shape[2], shape != data.inputShape else { return nil }
        return shape[1]
    }

    /// The training transform: `resize` (when there is one), then `augmentation` (when there is one).
    static func transform(augmentation: DataLoader.Transform?, resize: DataLoader.Transform?) -> DataLoader.Transform? {
        guard let augmentation else { return resize }
        guard let resize else { return augmentation }
        return { example, seed in try augmentation(try resize(example, seed), seed) }
    }
}
