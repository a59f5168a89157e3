import PerceptImage

/// Mirrors a sample and all its targets left-right (Albumentations `HorizontalFlip`) or
/// top-bottom (`VerticalFlip`).
public struct Flip: SpatialTransform {
    public var name: String { direction == .horizontal ? "HorizontalFlip" : "VerticalFlip" }
    /// Which way to mirror.
    public var direction: FlipDirection
    /// The chance of flipping.
    public var probability: Double

    /// A flip applied with `probability`.
    public init(_ direction: FlipDirection, probability: Double = 0.5) {
        self.direction = direction
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> NoParameters { NoParameters() }
    public func image(_ image: Image, parameters: NoParameters) throws -> Image { image.flipped(direction) }
    public func mask(_ mask: Image, parameters: NoParameters) throws -> Image { mask.flipped(direction) }
    public func boxes(_ boxes: [BoundingBox], parameters: NoParameters, imageSize: ImageSize) throws -> [BoundingBox] {
        let width = Double(imageSize.width), height = Double(imageSize.height)
        return boxes.map { box in
            direction == .horizontal
                ? BoundingBox(minX: width - box.maxX, minY: box.minY, maxX: width - box.minX, maxY: box.maxY)
                : BoundingBox(minX: box.minX, minY: height - box.maxY, maxX: box.maxX, maxY: height - box.minY)
        }
    }
    public func keypoints(_ keypoints: [Keypoint], parameters: NoParameters, imageSize: ImageSize) throws -> [Keypoint] {
        keypoints.map { point in
            direction == .horizontal
                ? Keypoint(x: Double(imageSize.width) - point.x, y: point.y, visibility: point.visibility)
                : Keypoint(x: point.x, y: Double(imageSize.height) - point.y, visibility: point.visibility)
        }
    }
}

/// Turns a sample by a random number of clockwise quarter turns (Albumentations `RandomRotate90`).
public struct RandomRotate90: SpatialTransform {
    /// The number of clockwise quarter turns, 0–3.
    public struct Parameters: TransformParameters, Equatable {
        /// Clockwise quarter turns.
        public var quarterTurns: Int
    }

    public let name = "RandomRotate90"
    /// The chance of turning.
    public var probability: Double

    /// A turn by 0–3 quarters applied with `probability`.
    public init(probability: Double = 0.5) { self.probability = probability }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(quarterTurns: random.integer(in: 0...3))
    }
    public func image(_ image: Image, parameters: Parameters) throws -> Image { image.rotated90(quarterTurns: parameters.quarterTurns) }
    public func mask(_ mask: Image, parameters: Parameters) throws -> Image { mask.rotated90(quarterTurns: parameters.quarterTurns) }
    public func boxes(_ boxes: [BoundingBox], parameters: Parameters, imageSize: ImageSize) throws -> [BoundingBox] {
        Self.map(parameters.quarterTurns, imageSize).moveBoxes(boxes)
    }
    public func keypoints(_ keypoints: [Keypoint], parameters: Parameters, imageSize: ImageSize) throws -> [Keypoint] {
        Self.map(parameters.quarterTurns, imageSize).moveKeypoints(keypoints)
    }

    /// The turn in pixel-edge coordinates: clockwise sends `(x, y)` to `(height − y, x)`.
    static func map(_ quarterTurns: Int, _ size: ImageSize) -> ProjectiveTransform {
        let width = Double(size.width), height = Double(size.height)
        let entries: [Double] = switch ((quarterTurns % 4) + 4) % 4 {
        case 1: [0, -1, height, 1, 0, 0]
        case 2: [-1, 0, width, 0, -1, height]
        case 3: [0, 1, 0, -1, 0, width]
        default: [1, 0, 0, 0, 1, 0]
        }
        return (try? ProjectiveTransform(entries)) ?? .identity
    }
}
