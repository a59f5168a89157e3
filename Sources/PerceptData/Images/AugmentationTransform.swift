import PerceptAugment
import PerceptImage
import PerceptTensor

extension Pipeline {
    /// This pipeline as a loader transform: each example's input (`[C, H, W]` in `0...1`) becomes
    /// an 8-bit image, is augmented with the example's seed, and comes back as a tensor; the
    /// target is kept. Chain normalisation after it with `ChannelNormalization.transform(after:)`.
    ///
    /// ```swift
    /// let augment = try Pipeline(contentsOf: url).exampleTransform()
    /// let loader = try DataLoader(train, batchSize: 64, transform: normalization.transform(after: augment))
    /// ```
    public func exampleTransform() -> DataLoader.Transform {
        let pipeline = self
        return { example, seed in
            let augmented = try pipeline.augment(Sample(image: try Image(tensor: example.input)), seed: seed)
            return Example(input: augmented.sample.image.tensor(), target: example.target)
        }
    }
}

extension Pipeline {
    /// This pipeline as a loader transform for segmentation: the input image and its class-id
    /// mask (an int64 `[H, W]` target) go through the pipeline together as one `Sample`, so
    /// every spatial transform moves the mask with the pixels (nearest neighbour, no new ids).
    public func segmentationTransform() -> DataLoader.Transform {
        let pipeline = self
        return { example, seed in
            let height = example.target.shape.first ?? 0, width = example.target.shape.last ?? 0
            let ids = example.target.toIntArray().map { UInt8(clamping: $0) }
            let mask = try Image(width: width, height: height, channels: 1, samples: .uint8(ids))
            let augmented = try pipeline.augment(Sample(image: try Image(tensor: example.input), semanticMask: mask), seed: seed).sample
            guard let moved = augmented.semanticMask, case .uint8(let movedIDs) = moved.samples else {
                throw DataError.invalidArgument("the augmentation pipeline dropped the segmentation mask")
            }
            return Example(input: augmented.image.tensor(), target: try Tensor(indices: movedIDs.map(Int.init), shape: [moved.height, moved.width]))
        }
    }
}
