import PerceptImage

/// One training example and every target that must move with its pixels.
///
/// Boxes are absolute xyxy in the image's pixel-edge coordinates (pixel `(i, j)` covers
/// `[i, i+1) × [j, j+1)`); keypoints use the same coordinates, so the centre of pixel `(i, j)`
/// is `(i + 0.5, j + 0.5)`. `labels` holds one class per box. `instanceMasks` is either empty
/// or holds one mask per box, in the same order, and they are dropped together.
/// `semanticMask` is a one-channel UInt8 image of class ids.
///
///     let sample = try Sample(image: image, boxes: [box], labels: [3])
public struct Sample: Equatable, Sendable {
    /// The pixels.
    public var image: Image
    /// Object boxes, absolute xyxy.
    public var boxes: [BoundingBox]
    /// One class id per box.
    public var labels: [Int]
    /// Empty, or one mask per box.
    public var instanceMasks: [Mask]
    /// Class ids per pixel (one channel, UInt8), the image's size.
    public var semanticMask: Image?
    /// Labelled points.
    public var keypoints: [Keypoint]

    /// A sample; throws when the labels, masks or semantic mask do not fit the image and boxes.
    public init(image: Image, boxes: [BoundingBox] = [], labels: [Int]? = nil, instanceMasks: [Mask] = [],
                semanticMask: Image? = nil, keypoints: [Keypoint] = []) throws {
        self.image = image
        self.boxes = boxes
        self.labels = labels ?? [Int](repeating: 0, count: boxes.count)
        self.instanceMasks = instanceMasks
        self.semanticMask = semanticMask
        self.keypoints = keypoints
        try validate()
    }

    /// Checks that every part fits the image and the boxes.
    public func validate() throws {
        guard labels.count == boxes.count else {
            throw AugmentError.invalidSample("\(boxes.count) boxes need \(boxes.count) labels, found \(labels.count)")
        }
        guard instanceMasks.isEmpty || instanceMasks.count == boxes.count else {
            throw AugmentError.invalidSample("instance masks must be empty or one per box (\(boxes.count)), found \(instanceMasks.count)")
        }
        for (index, mask) in instanceMasks.enumerated() where mask.size != image.size {
            throw AugmentError.invalidSample("instance mask \(index) is \(mask.size), the image is \(image.size)")
        }
        if let semanticMask {
            guard semanticMask.size == image.size, semanticMask.channels == 1, semanticMask.sampleType == .uint8 else {
                throw AugmentError.invalidSample(
                    "the semantic mask must be a one-channel UInt8 image of \(image.size), found \(semanticMask.size) with \(semanticMask.channels) channel(s) of \(semanticMask.sampleType.rawValue)")
            }
        }
    }

    /// Whether each box has its own instance mask.
    var hasAlignedMasks: Bool { !instanceMasks.isEmpty && instanceMasks.count == boxes.count }
}

extension Mask {
    /// The mask as a one-channel UInt8 image of 0 and 1, for moving it with the geometry ops.
    var labelImage: Image {
        // Sizes match by construction, so the initializer cannot fail.
        (try? Image(width: width, height: height, channels: 1, samples: .uint8(values)))
            ?? Image(width: width, height: height, channels: 1)
    }

    /// A mask from a one-channel UInt8 label image (non-zero is inside).
    init(labelImage: Image) throws {
        guard case .uint8(let values) = labelImage.samples, labelImage.channels == 1 else {
            throw AugmentError.invalidSample("a mask image must have one UInt8 channel")
        }
        try self.init(width: labelImage.width, height: labelImage.height, values: values)
    }
}
