import PerceptImage

/// A crop of the source, a resize of that crop, then padding: the recorded parameters of
/// every crop, resize and pad transform.
public struct FrameParameters: TransformParameters, Equatable {
    /// Left column of the crop in the source.
    public var cropX: Int
    /// Top row of the crop in the source.
    public var cropY: Int
    /// Crop width.
    public var cropWidth: Int
    /// Crop height.
    public var cropHeight: Int
    /// Width after resizing the crop.
    public var resizedWidth: Int
    /// Height after resizing the crop.
    public var resizedHeight: Int
    /// Rows added above.
    public var padTop = 0
    /// Rows added below.
    public var padBottom = 0
    /// Columns added on the left.
    public var padLeft = 0
    /// Columns added on the right.
    public var padRight = 0

    /// A crop of `width × height` at `(x, y)` kept at its size.
    init(cropX: Int, cropY: Int, width: Int, height: Int) {
        self.init(cropX: cropX, cropY: cropY, cropWidth: width, cropHeight: height, resizedWidth: width, resizedHeight: height)
    }

    /// A crop of `cropWidth × cropHeight` at `(x, y)` resized to `resizedWidth × resizedHeight`.
    init(cropX: Int, cropY: Int, cropWidth: Int, cropHeight: Int, resizedWidth: Int, resizedHeight: Int) {
        self.cropX = cropX
        self.cropY = cropY
        self.cropWidth = cropWidth
        self.cropHeight = cropHeight
        self.resizedWidth = resizedWidth
        self.resizedHeight = resizedHeight
    }

    /// The whole of a `size` image resized to `width × height`.
    init(resizing size: ImageSize, width: Int, height: Int) {
        self.init(cropX: 0, cropY: 0, cropWidth: size.width, cropHeight: size.height, resizedWidth: width, resizedHeight: height)
    }

    /// The map of boxes and keypoints, pixel-edge coordinates.
    var transform: ProjectiveTransform {
        ProjectiveTransform.translation(x: Double(padLeft), y: Double(padTop))
            .concatenating(.scale(x: Double(resizedWidth) / Double(cropWidth), y: Double(resizedHeight) / Double(cropHeight)))
            .concatenating(.translation(x: Double(-cropX), y: Double(-cropY)))
    }
}

/// A crop, resize or pad transform: image, masks, boxes and keypoints all follow from one
/// `FrameParameters`.
public protocol FramingTransform: SpatialTransform where Parameters == FrameParameters {
    /// How image pixels are resampled when the crop is resized.
    var interpolation: Interpolation { get }
    /// What fills the padding of images.
    var padding: BorderMode { get }
    /// The label that fills the padding of masks under a constant border.
    var maskFill: Double { get }
}

extension FramingTransform {
    public var interpolation: Interpolation { .bilinear }
    public var padding: BorderMode { .zero }
    public var maskFill: Double { 0 }

    public func image(_ image: Image, parameters: FrameParameters) throws -> Image {
        try frame(image, parameters, interpolation: interpolation, border: padding)
    }

    public func mask(_ mask: Image, parameters: FrameParameters) throws -> Image {
        let border: BorderMode = if case .constant = padding { .constant([maskFill]) } else { padding }
        return try frame(mask, parameters, interpolation: .nearest, border: border)
    }

    public func boxes(_ boxes: [BoundingBox], parameters: FrameParameters, imageSize: ImageSize) throws -> [BoundingBox] {
        parameters.transform.moveBoxes(boxes)
    }

    public func keypoints(_ keypoints: [Keypoint], parameters: FrameParameters, imageSize: ImageSize) throws -> [Keypoint] {
        parameters.transform.moveKeypoints(keypoints)
    }

    private func frame(_ image: Image, _ frame: FrameParameters, interpolation: Interpolation, border: BorderMode) throws -> Image {
        var result = image
        if frame.cropX != 0 || frame.cropY != 0 || frame.cropWidth != image.width || frame.cropHeight != image.height {
            result = try result.cropped(x: frame.cropX, y: frame.cropY, width: frame.cropWidth, height: frame.cropHeight)
        }
        result = try result.resized(width: frame.resizedWidth, height: frame.resizedHeight, interpolation: interpolation)
        if frame.padTop > 0 || frame.padBottom > 0 || frame.padLeft > 0 || frame.padRight > 0 {
            result = try result.padded(top: frame.padTop, bottom: frame.padBottom, left: frame.padLeft, right: frame.padRight, mode: border)
        }
        return result
    }
}

/// Throws unless a `width × height` crop fits in `size`.
func checkCropFits(width: Int, height: Int, in size: ImageSize, transform: String) throws {
    guard width > 0, height > 0 else {
        throw AugmentError.invalidArgument(transform: transform, message: "crop size must be positive, found \(width)x\(height)")
    }
    guard width <= size.width, height <= size.height else {
        throw AugmentError.unsupported(transform: transform,
                                       message: "a \(width)x\(height) crop does not fit in a \(size) image; pad it first (PadIfNeeded)")
    }
}

/// Throws unless a target size is positive.
func checkTargetSize(width: Int, height: Int, transform: String) throws {
    guard width > 0, height > 0 else {
        throw AugmentError.invalidArgument(transform: transform, message: "size must be positive, found \(width)x\(height)")
    }
}
