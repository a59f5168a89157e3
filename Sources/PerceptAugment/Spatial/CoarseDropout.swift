import PerceptImage

/// Fills random rectangles of the image (Albumentations `CoarseDropout`, "cutout"). Masks,
/// boxes and keypoints keep their place; holes only hide pixels, and masks are filled too
/// when `maskFill` is set.
public struct CoarseDropout: SpatialTransform {
    /// The holes, in pixels.
    public struct Parameters: TransformParameters, Equatable {
        /// Each hole as `[x, y, width, height]`.
        public var holes: [[Int]]
    }

    public let name = "CoarseDropout"
    /// The chance of cutting holes.
    public var probability: Double
    /// How many holes.
    public var holeCount: ClosedRange<Int>
    /// Hole height as a fraction of the image height.
    public var holeHeight: ClosedRange<Double>
    /// Hole width as a fraction of the image width.
    public var holeWidth: ClosedRange<Double>
    /// The value per channel inside the holes.
    public var fill: [Double]
    /// The label written into masks inside the holes, or nil to leave masks alone.
    public var maskFill: Int?

    /// Cutout with the given hole counts and sizes.
    public init(holeCount: ClosedRange<Int> = 1...1, holeHeight: ClosedRange<Double> = 0.1...0.2,
                holeWidth: ClosedRange<Double> = 0.1...0.2, fill: [Double] = [0], maskFill: Int? = nil, probability: Double = 0.5) throws {
        try checkRange(holeCount, within: 0...Int.max, argument: "num_holes_range", transform: "CoarseDropout")
        try checkRange(holeHeight, within: 0...1, argument: "hole_height_range", transform: "CoarseDropout")
        try checkRange(holeWidth, within: 0...1, argument: "hole_width_range", transform: "CoarseDropout")
        self.holeCount = holeCount
        self.holeHeight = holeHeight
        self.holeWidth = holeWidth
        self.fill = fill
        self.maskFill = maskFill
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        let width = sample.image.width, height = sample.image.height
        let holes = (0..<random.integer(in: holeCount)).map { _ -> [Int] in
            let holeWidth = max(1, min(width, Int((random.uniform(self.holeWidth) * Double(width)).rounded())))
            let holeHeight = max(1, min(height, Int((random.uniform(self.holeHeight) * Double(height)).rounded())))
            return [random.integer(in: 0...(width - holeWidth)), random.integer(in: 0...(height - holeHeight)), holeWidth, holeHeight]
        }
        return Parameters(holes: holes)
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        try image.fillingRectangles(parameters.holes, values: fill)
    }

    public func mask(_ mask: Image, parameters: Parameters) throws -> Image {
        guard let maskFill else { return mask }
        return try mask.fillingRectangles(parameters.holes, values: [Double(maskFill)])
    }

    public func boxes(_ boxes: [BoundingBox], parameters: Parameters, imageSize: ImageSize) throws -> [BoundingBox] { boxes }

    public func keypoints(_ keypoints: [Keypoint], parameters: Parameters, imageSize: ImageSize) throws -> [Keypoint] { keypoints }
}
