import PerceptImage

/// Resizes to a fixed size (Albumentations `Resize`).
public struct Resize: FramingTransform {
    public let name = "Resize"
    /// The chance of resizing.
    public var probability: Double
    /// Output width.
    public var width: Int
    /// Output height.
    public var height: Int
    /// Resampling.
    public var interpolation: Interpolation

    /// A resize to `width × height`.
    public init(width: Int, height: Int, interpolation: Interpolation = .bilinear, probability: Double = 1) throws {
        try checkTargetSize(width: width, height: height, transform: name)
        self.width = width
        self.height = height
        self.interpolation = interpolation
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> FrameParameters {
        FrameParameters(resizing: sample.image.size, width: width, height: height)
    }
}

/// Which side `MaxSizeResize` fixes.
public enum MaxSizeSide: String, Sendable {
    /// The longer side becomes the size (Albumentations `LongestMaxSize`).
    case longest
    /// The shorter side becomes the size (Albumentations `SmallestMaxSize`).
    case smallest
}

/// Scales keeping the aspect ratio so the longest or smallest side equals `maxSize`.
public struct MaxSizeResize: FramingTransform {
    public var name: String { side == .longest ? "LongestMaxSize" : "SmallestMaxSize" }
    /// The chance of resizing.
    public var probability: Double
    /// The target length of the chosen side.
    public var maxSize: Int
    /// Which side is fixed.
    public var side: MaxSizeSide
    /// Resampling.
    public var interpolation: Interpolation

    /// A resize that fixes `side` to `maxSize`.
    public init(maxSize: Int, side: MaxSizeSide, interpolation: Interpolation = .bilinear, probability: Double = 1) throws {
        guard maxSize > 0 else {
            throw AugmentError.invalidArgument(transform: side == .longest ? "LongestMaxSize" : "SmallestMaxSize",
                                               message: "max_size must be positive, found \(maxSize)")
        }
        self.maxSize = maxSize
        self.side = side
        self.interpolation = interpolation
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> FrameParameters {
        let size = sample.image.size
        let reference = side == .longest ? max(size.width, size.height) : min(size.width, size.height)
        let scale = Double(maxSize) / Double(max(reference, 1))
        return FrameParameters(resizing: size, width: max(1, Int((Double(size.width) * scale).rounded())),
                               height: max(1, Int((Double(size.height) * scale).rounded())))
    }
}

/// Pads up to a minimum size, centring the image (Albumentations `PadIfNeeded`).
public struct PadIfNeeded: FramingTransform {
    public let name = "PadIfNeeded"
    /// The chance of padding.
    public var probability: Double
    /// The smallest output width.
    public var minWidth: Int
    /// The smallest output height.
    public var minHeight: Int
    /// What fills the padding.
    public var padding: BorderMode
    /// The mask label in constant padding.
    public var maskFill: Double

    /// Padding up to `minWidth × minHeight`.
    public init(minWidth: Int, minHeight: Int, padding: BorderMode = .zero, maskFill: Double = 0, probability: Double = 1) {
        self.minWidth = minWidth
        self.minHeight = minHeight
        self.padding = padding
        self.maskFill = maskFill
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> FrameParameters {
        var frame = FrameParameters(resizing: sample.image.size, width: sample.image.width, height: sample.image.height)
        frame.centrePad(to: ImageSize(width: max(minWidth, sample.image.width), height: max(minHeight, sample.image.height)))
        return frame
    }
}

/// Scales to fit inside `width × height` keeping the aspect ratio, then pads the rest evenly
/// (the YOLO letterbox; grey 114 by default).
public struct LetterBox: FramingTransform {
    public let name = "LetterBox"
    /// The chance of letterboxing.
    public var probability: Double
    /// Output width.
    public var width: Int
    /// Output height.
    public var height: Int
    /// What fills the bars.
    public var padding: BorderMode
    /// Resampling.
    public var interpolation: Interpolation

    /// A letterbox to `width × height`.
    public init(width: Int, height: Int, padding: BorderMode = .constant([114, 114, 114, 255]),
                interpolation: Interpolation = .bilinear, probability: Double = 1) throws {
        try checkTargetSize(width: width, height: height, transform: name)
        self.width = width
        self.height = height
        self.padding = padding
        self.interpolation = interpolation
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> FrameParameters {
        let size = sample.image.size
        let scale = min(Double(width) / Double(size.width), Double(height) / Double(size.height))
        var frame = FrameParameters(resizing: size, width: min(width, max(1, Int((Double(size.width) * scale).rounded()))),
                                    height: min(height, max(1, Int((Double(size.height) * scale).rounded()))))
        frame.centrePad(to: ImageSize(width: width, height: height))
        return frame
    }
}

extension FrameParameters {
    /// Pads the resized crop evenly (the odd pixel at the bottom and right) up to `size`.
    mutating func centrePad(to size: ImageSize) {
        let extraWidth = max(0, size.width - resizedWidth), extraHeight = max(0, size.height - resizedHeight)
        padLeft = extraWidth / 2
        padRight = extraWidth - padLeft
        padTop = extraHeight / 2
        padBottom = extraHeight - padTop
    }
}
