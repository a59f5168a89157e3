import PerceptImage

/// Four samples around a random centre on one canvas (the YOLO mosaic): sample 0 top-left,
/// 1 top-right, 2 bottom-left, 3 bottom-right, each with its inner corner at the centre.
/// Boxes are clipped to their own tile and filtered by the box settings; keypoints outside
/// their tile are dropped unless kept by option.
public struct Mosaic: MultiSampleTransform {
    /// The centre where the four tiles meet.
    public struct Parameters: TransformParameters, Equatable {
        /// Centre column.
        public var centerX: Int
        /// Centre row.
        public var centerY: Int
    }

    public let name = "Mosaic"
    public let sampleCount = 4
    /// The chance of making a mosaic (otherwise the first sample is returned).
    public var probability: Double
    /// The canvas size.
    public var size: ImageSize
    /// The range of the centre as a fraction of the canvas.
    public var centerRange: ClosedRange<Double>
    /// The value per channel where no tile reaches.
    public var fill: [Double]

    /// A mosaic on a `size` canvas.
    public init(size: ImageSize, centerRange: ClosedRange<Double> = 0.25...0.75, fill: [Double] = [114], probability: Double = 1) throws {
        try checkTargetSize(width: size.width, height: size.height, transform: "Mosaic")
        try checkRange(centerRange, within: 0...1, argument: "center_range", transform: "Mosaic")
        self.size = size
        self.centerRange = centerRange
        self.fill = fill
        self.probability = probability
    }

    public func drawParameters(for samples: [Sample], random: inout AugmentRandom) throws -> Parameters {
        Parameters(centerX: Int((random.uniform(centerRange) * Double(size.width)).rounded()),
                   centerY: Int((random.uniform(centerRange) * Double(size.height)).rounded()))
    }

    public func combine(_ samples: [Sample], parameters: Parameters, context: inout AugmentContext) throws -> Sample {
        let first = samples[0].image
        var canvas = try Image.filled(width: size.width, height: size.height, channels: first.channels, sampleType: first.sampleType, fill: fill)
        let aligned = samples.allSatisfy { $0.boxes.isEmpty || $0.hasAlignedMasks }
        let semantic = samples.contains { $0.semanticMask != nil }
        var semanticCanvas = try Image.filled(width: size.width, height: size.height, channels: 1, sampleType: .uint8, fill: [0])
        var boxes: [BoundingBox] = [], labels: [Int] = [], masks: [Mask] = [], keypoints: [Keypoint] = []
        let whole = PixelRegion(minX: 0, minY: 0, maxX: size.width, maxY: size.height)
        let cx = parameters.centerX, cy = parameters.centerY
        let tiles = [PixelRegion(minX: 0, minY: 0, maxX: cx, maxY: cy), PixelRegion(minX: cx, minY: 0, maxX: size.width, maxY: cy),
                     PixelRegion(minX: 0, minY: cy, maxX: cx, maxY: size.height), PixelRegion(minX: cx, minY: cy, maxX: size.width, maxY: size.height)]
        for (index, sample) in samples.enumerated() {
            let width = sample.image.width, height = sample.image.height
            let offsetX = index % 2 == 0 ? cx - width : cx, offsetY = index < 2 ? cy - height : cy
            let tile = tiles[index].intersection(whole)
            let visible = tile.intersection(PixelRegion(minX: offsetX, minY: offsetY, maxX: offsetX + width, maxY: offsetY + height))
            let moved = BoundingBox(minX: Double(offsetX), minY: Double(offsetY), maxX: 0, maxY: 0)
            for (boxIndex, box) in context.keptBoxes(sample.boxes.map { $0.offsetBy(dx: moved.minX, dy: moved.minY) },
                                                     canvas: size, region: tile.box) {
                boxes.append(box)
                labels.append(sample.labels[boxIndex])
                if aligned { masks.append(try place(sample.instanceMasks[boxIndex].labelImage, visible, offsetX, offsetY).mask()) }
            }
            let shifted = sample.keypoints.map { Keypoint(x: $0.x + moved.minX, y: $0.y + moved.minY, visibility: $0.visibility) }
            keypoints += context.placeKeypoints(shifted, canvas: size, region: tile.box)
            guard !visible.isEmpty else { continue }
            let source = PixelRegion(minX: visible.minX - offsetX, minY: visible.minY - offsetY,
                                     maxX: visible.maxX - offsetX, maxY: visible.maxY - offsetY)
            canvas = try canvas.pasting(sample.image.cropped(x: source.minX, y: source.minY, width: source.width, height: source.height),
                                        x: visible.minX, y: visible.minY, transform: name)
            if let mask = sample.semanticMask {
                semanticCanvas = try semanticCanvas.pasting(mask.cropped(x: source.minX, y: source.minY, width: source.width, height: source.height),
                                                            x: visible.minX, y: visible.minY, transform: name)
            }
        }
        return try Sample(image: canvas, boxes: boxes, labels: labels, instanceMasks: aligned ? masks : [],
                          semanticMask: semantic ? semanticCanvas : nil, keypoints: keypoints)
    }

    /// A label image moved by the offset onto the canvas, kept only inside `visible`.
    private func place(_ labels: Image, _ visible: PixelRegion, _ offsetX: Int, _ offsetY: Int) throws -> Image {
        let empty = Image(width: size.width, height: size.height, channels: 1)
        guard !visible.isEmpty else { return empty }
        return try empty.pasting(labels.cropped(x: visible.minX - offsetX, y: visible.minY - offsetY, width: visible.width, height: visible.height),
                                 x: visible.minX, y: visible.minY, transform: name)
    }
}

extension Image {
    /// A one-channel label image as a binary mask.
    func mask() throws -> Mask { try Mask(labelImage: self) }
}
