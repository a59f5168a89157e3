import PerceptImage

/// Where each output pixel reads from (pixel-centre coordinates), for motions that are not
/// one matrix. Boxes follow by rasterising them and taking the moved pixels' extent;
/// keypoints by finding the output pixel that reads closest to them.
public struct DisplacementField: Sendable {
    /// Output width.
    public let width: Int
    /// Output height.
    public let height: Int
    /// Source x of each output pixel, row-major.
    public let sourceX: [Float]
    /// Source y of each output pixel, row-major.
    public let sourceY: [Float]

    /// A field over a `width × height` output.
    public init(width: Int, height: Int, sourceX: [Float], sourceY: [Float]) {
        self.width = width
        self.height = height
        self.sourceX = sourceX
        self.sourceY = sourceY
    }

    func image(_ image: Image, interpolation: Interpolation, border: BorderMode) throws -> Image {
        try image.remapped(sourceX: sourceX, sourceY: sourceY, width: width, height: height, interpolation: interpolation, border: border)
    }

    /// For each box, the extent of the output pixels that read a source pixel whose centre
    /// lies inside it; an empty box when none do.
    func moveBoxes(_ boxes: [BoundingBox]) -> [BoundingBox] {
        guard !boxes.isEmpty else { return [] }
        var extents = [(minX: Int, minY: Int, maxX: Int, maxY: Int)](repeating: (Int.max, Int.max, -1, -1), count: boxes.count)
        for y in 0..<height {
            for x in 0..<width {
                let index = y * width + x
                let centreX = Double(sourceX[index].rounded()) + 0.5, centreY = Double(sourceY[index].rounded()) + 0.5
                for (boxIndex, box) in boxes.enumerated()
                where centreX >= box.minX && centreX < box.maxX && centreY >= box.minY && centreY < box.maxY {
                    extents[boxIndex].minX = min(extents[boxIndex].minX, x)
                    extents[boxIndex].minY = min(extents[boxIndex].minY, y)
                    extents[boxIndex].maxX = max(extents[boxIndex].maxX, x)
                    extents[boxIndex].maxY = max(extents[boxIndex].maxY, y)
                }
            }
        }
        return extents.map { extent in
            guard extent.maxX >= 0 else { return BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0) }
            return BoundingBox(minX: Double(extent.minX), minY: Double(extent.minY),
                               maxX: Double(extent.maxX + 1), maxY: Double(extent.maxY + 1))
        }
    }

    /// Each keypoint moved to the output pixel that reads nearest to it; a point no output
    /// pixel reads within two pixels of has left the canvas and moves to `(-1, -1)`.
    func moveKeypoints(_ keypoints: [Keypoint]) -> [Keypoint] {
        keypoints.map { keypoint in
            let targetX = Float(keypoint.x - 0.5), targetY = Float(keypoint.y - 0.5)
            var best = Float.infinity, bestIndex = -1
            for index in 0..<width * height {
                let dx = sourceX[index] - targetX, dy = sourceY[index] - targetY
                let distance = dx * dx + dy * dy
                if distance < best {
                    best = distance
                    bestIndex = index
                }
            }
            guard bestIndex >= 0, best <= 4 else { return Keypoint(x: -1, y: -1, visibility: keypoint.visibility) }
            return Keypoint(x: Double(bestIndex % width) + 0.5, y: Double(bestIndex / width) + 0.5, visibility: keypoint.visibility)
        }
    }
}

/// A distortion whose parameters rebuild a displacement field; images, masks, boxes and
/// keypoints all follow from the field.
public protocol FieldTransform: SpatialTransform {
    /// Image sampling.
    var interpolation: Interpolation { get }
    /// What fills the outside.
    var border: BorderMode { get }
    /// The field that `parameters` make on a canvas of `size`.
    func field(_ parameters: Parameters, size: ImageSize) -> DisplacementField
}

extension FieldTransform {
    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        try field(parameters, size: image.size).image(image, interpolation: interpolation, border: border)
    }

    public func mask(_ mask: Image, parameters: Parameters) throws -> Image {
        let maskBorder: BorderMode = if case .constant = border { .zero } else { border }
        return try field(parameters, size: mask.size).image(mask, interpolation: .nearest, border: maskBorder)
    }

    public func boxes(_ boxes: [BoundingBox], parameters: Parameters, imageSize: ImageSize) throws -> [BoundingBox] {
        field(parameters, size: imageSize).moveBoxes(boxes)
    }

    public func keypoints(_ keypoints: [Keypoint], parameters: Parameters, imageSize: ImageSize) throws -> [Keypoint] {
        field(parameters, size: imageSize).moveKeypoints(keypoints)
    }
}
