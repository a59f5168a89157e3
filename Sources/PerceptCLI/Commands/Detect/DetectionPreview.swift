import Percept

/// The preview PNG of `percept detect predict`: each box drawn in its class's colour with its
/// class name and score above it (black or white, whichever reads on the colour).
enum DetectionPreview {
    /// `image` (as 8-bit RGB) with `detections` drawn; `names` by class index.
    static func draw(_ detections: [Detection], on image: Image, names: [String]) throws -> Image {
        var canvas = try image.withChannels(3).converted(to: .uint8)
        let thickness = Swift.max(1, Swift.min(image.width, image.height) / 300 + 1)
        let scale = Swift.max(1, Swift.min(image.width, image.height) / 400 + 1)
        for detection in detections.reversed() {
            let color = DrawColor.category(detection.classIndex)
            canvas.drawRectangle(BoundingBox(minX: detection.x1, minY: detection.y1, maxX: detection.x2, maxY: detection.y2), color: color, thickness: thickness)
            let label = DetectPredictCommand.name(detection.classIndex, names) + " " + String(format: "%.2f", detection.score)
            let top = Swift.max(0, detection.y1 - Double(9 * scale))
            let bright = 0.299 * color.red + 0.587 * color.green + 0.114 * color.blue > 0.5
            canvas.drawText(label, at: Point(x: detection.x1, y: top), color: bright ? .black : .white, scale: scale, background: color)
        }
        return canvas
    }
}
