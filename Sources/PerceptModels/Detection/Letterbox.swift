/// Ultralytics' letterbox geometry: an image is scaled by one factor to fit a `size` square
/// (`LetterBox`, scale-up allowed, centred) and padded; with a `stride` (as `predict` does for
/// PyTorch models) only to the next multiple of it on each axis, so the canvas may be a
/// rectangle. Boxes found on the canvas go back to the image as `scale_boxes` moves them
/// (padding subtracted, divided by the factor, clipped).
///
/// ```swift
/// let letterbox = Letterbox(imageWidth: 640, imageHeight: 480, size: 320, stride: 32)   // canvas 320×256
/// let original = letterbox.toImage(detection)   // canvas pixels → image pixels
/// ```
public struct Letterbox: Equatable, Sendable {
    /// The original image's width.
    public let imageWidth: Int
    /// The original image's height.
    public let imageHeight: Int
    /// The factor from image to canvas pixels.
    public let scale: Double
    /// The resized image's width on the canvas.
    public let resizedWidth: Int
    /// The resized image's height on the canvas.
    public let resizedHeight: Int
    /// The canvas width.
    public let canvasWidth: Int
    /// The canvas height.
    public let canvasHeight: Int
    /// Columns of padding left of the image.
    public let left: Int
    /// Rows of padding above the image.
    public let top: Int

    /// The geometry of an image of `imageWidth` × `imageHeight` fitted into a `size` square,
    /// padded to the square or, with `stride`, to the next multiple of `stride`.
    public init(imageWidth: Int, imageHeight: Int, size: Int, stride: Int? = nil) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        scale = Swift.min(Double(size) / Double(imageHeight), Double(size) / Double(imageWidth))
        resizedWidth = Int((Double(imageWidth) * scale).rounded(.toNearestOrEven))
        resizedHeight = Int((Double(imageHeight) * scale).rounded(.toNearestOrEven))
        var spareWidth = size - resizedWidth, spareHeight = size - resizedHeight
        if let stride, stride > 0 {
            spareWidth %= stride
            spareHeight %= stride
        }
        canvasWidth = resizedWidth + spareWidth
        canvasHeight = resizedHeight + spareHeight
        // Ultralytics: round(d − 0.1) before, round(d + 0.1) after, d half the spare pixels.
        left = Int((Double(spareWidth) / 2 - 0.1).rounded(.toNearestOrEven))
        top = Int((Double(spareHeight) / 2 - 0.1).rounded(.toNearestOrEven))
    }

    /// A detection on the canvas moved to the image, clipped to it.
    public func toImage(_ detection: Detection) -> Detection {
        let (gain, padX, padY) = boxMapping
        func clip(_ value: Double, _ limit: Int) -> Double { Swift.min(Swift.max(value, 0), Double(limit)) }
        var moved = detection
        moved.x1 = clip((detection.x1 - padX) / gain, imageWidth)
        moved.y1 = clip((detection.y1 - padY) / gain, imageHeight)
        moved.x2 = clip((detection.x2 - padX) / gain, imageWidth)
        moved.y2 = clip((detection.y2 - padY) / gain, imageHeight)
        return moved
    }

    /// A detection on the image moved to the canvas (the inverse of ``toImage(_:)`` inside the image).
    public func toCanvas(_ detection: Detection) -> Detection {
        let (gain, padX, padY) = boxMapping
        var moved = detection
        moved.x1 = detection.x1 * gain + padX
        moved.y1 = detection.y1 * gain + padY
        moved.x2 = detection.x2 * gain + padX
        moved.y2 = detection.y2 * gain + padY
        return moved
    }

    /// The factor and padding `scale_boxes` uses, recomputed from the two shapes as it does.
    private var boxMapping: (gain: Double, padX: Double, padY: Double) {
        let gain = Swift.min(Double(canvasHeight) / Double(imageHeight), Double(canvasWidth) / Double(imageWidth))
        return (gain, ((Double(canvasWidth) - Double(imageWidth) * gain) / 2 - 0.1).rounded(.toNearestOrEven),
                ((Double(canvasHeight) - Double(imageHeight) * gain) / 2 - 0.1).rounded(.toNearestOrEven))
    }
}
