import PerceptAugment
import PerceptImage

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
