import PerceptImage

/// The YOLO training augmentation, Ultralytics' defaults: a mosaic of four images on a `2s`
/// canvas (or, when mosaic is off, the image letterboxed to `s`), the random affine warp onto
/// the `s × s` input, random HSV gains, and a horizontal flip. Every random choice comes from
/// the seed, so the same seed and images give the same sample.
///
/// ```swift
/// let augmentation = try DetectionAugmentation(imageSize: 320)
/// let sample = try augmentation.augment([a, b, c, d], seed: 7, mosaic: true)   // 320 × 320
/// ```
public struct DetectionAugmentation: Sendable {
    /// Ultralytics' box candidate rule after the warp: a box keeps at least 10% of its area and
    /// at least 2 pixels on each side, or it is dropped with its label.
    public static let boxSettings = BoxSettings(minVisibility: 0.1, minSize: 2)
    /// The grey of padding and of the canvas outside the images.
    public static let fill = 114.0

    /// The side of the square model input.
    public let imageSize: Int
    /// The chance of a mosaic when mosaic is on (Ultralytics' `mosaic`, default 1).
    public let mosaicProbability: Double
    /// The warp: degrees 0, translate 0.1, scale 0.5 by default.
    public let affine: YOLORandomAffine
    /// The colour gains: hue 0.015, saturation 0.7, value 0.4 by default.
    public let hsv: RandomHSV
    /// The horizontal flip, probability 0.5 by default.
    public let flip: Flip
    /// The letterbox onto the square input, grey bars (validation, and training without mosaic).
    public let letterbox: LetterBox

    /// Ultralytics' training augmentation for `imageSize` inputs; throws for a size below 1 or a
    /// range out of bounds.
    public init(imageSize: Int, mosaicProbability: Double = 1, degrees: Double = 0, translate: Double = 0.1, scale: Double = 0.5,
                shear: Double = 0, hue: Double = 0.015, saturation: Double = 0.7, value: Double = 0.4,
                flipHorizontal: Double = 0.5) throws {
        try checkTargetSize(width: imageSize, height: imageSize, transform: "DetectionAugmentation")
        try checkRange(mosaicProbability...mosaicProbability, within: 0...1, argument: "mosaic", transform: "DetectionAugmentation")
        try checkRange(flipHorizontal...flipHorizontal, within: 0...1, argument: "fliplr", transform: "DetectionAugmentation")
        self.imageSize = imageSize
        self.mosaicProbability = mosaicProbability
        let grey = Self.fill
        affine = try YOLORandomAffine(outputSize: ImageSize(width: imageSize, height: imageSize), degrees: degrees, translate: translate,
                                      scale: scale, shear: shear, options: WarpOptions(border: .constant([grey, grey, grey, 255])))
        hsv = try RandomHSV(hue: hue, saturation: saturation, value: value)
        flip = Flip(.horizontal, probability: flipHorizontal)
        letterbox = try LetterBox(width: imageSize, height: imageSize, padding: .constant([grey, grey, grey, 255]))
    }

    /// How many images ``augment(_:seed:mosaic:)`` takes: four for a mosaic, else one.
    public static func sampleCount(mosaic: Bool) -> Int { mosaic ? 4 : 1 }

    /// The augmented `imageSize × imageSize` sample. With `mosaic` on, `samples` must hold four
    /// images (the first is the one being augmented) and a mosaic is made with
    /// `mosaicProbability`; otherwise only the first sample is used, letterboxed. Each image is
    /// first scaled so its longer side is `imageSize` (Ultralytics' `load_image`).
    public func augment(_ samples: [Sample], seed: UInt64, mosaic: Bool) throws -> Sample {
        guard let first = samples.first else {
            throw AugmentError.invalidArgument(transform: "DetectionAugmentation", message: "needs at least one sample")
        }
        var random = AugmentRandom(seed: seed)
        var context = AugmentContext(settings: Self.boxSettings)
        var sample: Sample
        if mosaic, samples.count == 4, random.chance(mosaicProbability) {
            let fitting = try MaxSizeResize(maxSize: imageSize, side: .longest)
            let tiles = try samples.map { try fitting.run($0, random: &random, context: &context) }
            let canvas = ImageSize(width: 2 * imageSize, height: 2 * imageSize)
            sample = try Mosaic(size: canvas, fill: [Self.fill]).run(tiles, random: &random, context: &context)
        } else {
            sample = try letterbox.run(first, random: &random, context: &context)
        }
        sample = try affine.run(sample, random: &random, context: &context)
        sample = try hsv.run(sample, random: &random, context: &context)
        return try flip.run(sample, random: &random, context: &context)
    }

    /// The image letterboxed to `imageSize × imageSize` without other changes (validation and
    /// prediction), with the geometry to take boxes back to the image.
    public func letterboxed(_ sample: Sample) throws -> (sample: Sample, frame: FrameParameters) {
        var random = AugmentRandom(seed: 0)
        let frame = try letterbox.drawParameters(for: sample, random: &random)
        // Every box stays: a letterbox only scales, and evaluation needs all labels.
        var context = AugmentContext()
        return (try letterbox.apply(sample, parameters: frame, context: &context), frame)
    }

}

extension FrameParameters {
    /// A box on the framed image taken back to the image it was made from (the inverse of the
    /// crop, resize and padding).
    public func sourceBox(_ box: BoundingBox) -> BoundingBox {
        (transform.inverted() ?? .identity).apply(box)
    }
}
