/// An axis-aligned box stored as absolute pixel corners (xyxy) in the displayed image.
/// File formats convert at their boundary: COCO `[x, y, width, height]`, Pascal VOC
/// `[xmin, ymin, xmax, ymax]` and YOLO normalised `[cx, cy, w, h]`.
///
///     let box = BoundingBox(coco: [10, 20, 30, 40])
///     box.yolo(in: ImageSize(width: 100, height: 100))  // [0.25, 0.4, 0.3, 0.4]
public struct BoundingBox: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Left edge.
    public var minX: Double
    /// Top edge.
    public var minY: Double
    /// Right edge.
    public var maxX: Double
    /// Bottom edge.
    public var maxY: Double

    /// A box from its corners.
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// A box from COCO's `x, y, width, height` (top-left corner and size, absolute pixels).
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.init(minX: x, minY: y, maxX: x + width, maxY: y + height)
    }

    /// A box from YOLO's normalised centre and size, given the image size.
    public init(centerX: Double, centerY: Double, width: Double, height: Double, normalizedIn size: ImageSize) {
        let imageWidth = Double(size.width), imageHeight = Double(size.height)
        self.init(minX: (centerX - width / 2) * imageWidth, minY: (centerY - height / 2) * imageHeight,
                  maxX: (centerX + width / 2) * imageWidth, maxY: (centerY + height / 2) * imageHeight)
    }

    /// Width (negative for an inverted box).
    public var width: Double { maxX - minX }
    /// Height (negative for an inverted box).
    public var height: Double { maxY - minY }
    /// Area; zero for an empty or inverted box.
    public var area: Double { max(0, width) * max(0, height) }
    /// The centre point.
    public var center: Point { Point(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }
    /// Whether the box has no area (a line, a point, or inverted).
    public var isEmpty: Bool { !(maxX > minX && maxY > minY) }

    /// The box clipped to the canvas `0...width × 0...height`.
    public func clipped(to size: ImageSize) -> BoundingBox {
        let limitX = Double(size.width), limitY = Double(size.height)
        return BoundingBox(minX: min(max(minX, 0), limitX), minY: min(max(minY, 0), limitY),
                           maxX: min(max(maxX, 0), limitX), maxY: min(max(maxY, 0), limitY))
    }

    /// The overlap of two boxes, or nil when they do not overlap with positive area.
    public func intersection(_ other: BoundingBox) -> BoundingBox? {
        let box = BoundingBox(minX: max(minX, other.minX), minY: max(minY, other.minY),
                              maxX: min(maxX, other.maxX), maxY: min(maxY, other.maxY))
        return box.isEmpty ? nil : box
    }

    /// Intersection over union; 0 when either box is empty.
    public func intersectionOverUnion(_ other: BoundingBox) -> Double {
        let overlap = intersection(other)?.area ?? 0
        let union = area + other.area - overlap
        return union > 0 ? overlap / union : 0
    }

    /// The box moved by `dx, dy`.
    public func offsetBy(dx: Double, dy: Double) -> BoundingBox {
        BoundingBox(minX: minX + dx, minY: minY + dy, maxX: maxX + dx, maxY: maxY + dy)
    }

    /// The box scaled about the origin (for resizing an image by `sx, sy`).
    public func scaledBy(x sx: Double, y sy: Double) -> BoundingBox {
        BoundingBox(minX: minX * sx, minY: minY * sy, maxX: maxX * sx, maxY: maxY * sy)
    }

    /// The smallest box holding every point; nil for no points.
    public init?(enclosing points: [Point]) {
        guard let first = points.first else { return nil }
        var box = BoundingBox(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        for point in points.dropFirst() {
            box.minX = min(box.minX, point.x)
            box.minY = min(box.minY, point.y)
            box.maxX = max(box.maxX, point.x)
            box.maxY = max(box.maxY, point.y)
        }
        self = box
    }

    /// `[minX, minY, maxX, maxY]`.
    public var description: String { "[\(minX), \(minY), \(maxX), \(maxY)]" }
}

/// The ways box coordinates are written in label files.
public enum BoundingBoxFormat: String, Sendable, CaseIterable, Codable {
    /// Absolute corners `[xmin, ymin, xmax, ymax]`, Percept's own form.
    case xyxy
    /// Pascal VOC `[xmin, ymin, xmax, ymax]`, absolute pixels (the same numbers as xyxy, as
    /// Albumentations and torchvision read them; VOC's 1-based XML is handled by the reader).
    case pascalVOC = "pascal_voc"
    /// COCO `[x, y, width, height]`, absolute pixels.
    case coco
    /// YOLO `[centerX, centerY, width, height]`, normalised by the image size.
    case yolo

    /// Whether converting needs the image size.
    public var needsImageSize: Bool { self == .yolo }
}

extension BoundingBox {
    /// A box from four numbers in `format`; YOLO needs `imageSize`.
    public init(_ values: [Double], format: BoundingBoxFormat, imageSize: ImageSize? = nil) throws {
        guard values.count == 4 else {
            throw ImageError.invalidArgument("a \(format.rawValue) box has 4 numbers, found \(values.count)")
        }
        switch format {
        case .xyxy, .pascalVOC:
            self.init(minX: values[0], minY: values[1], maxX: values[2], maxY: values[3])
        case .coco:
            self.init(x: values[0], y: values[1], width: values[2], height: values[3])
        case .yolo:
            guard let imageSize, imageSize.width > 0, imageSize.height > 0 else {
                throw ImageError.invalidArgument("a YOLO box needs the image size (positive width and height)")
            }
            self.init(centerX: values[0], centerY: values[1], width: values[2], height: values[3],
                      normalizedIn: imageSize)
        }
    }

    /// The four numbers of this box in `format`; YOLO needs `imageSize`.
    public func values(in format: BoundingBoxFormat, imageSize: ImageSize? = nil) throws -> [Double] {
        switch format {
        case .xyxy, .pascalVOC:
            return [minX, minY, maxX, maxY]
        case .coco:
            return [minX, minY, width, height]
        case .yolo:
            guard let imageSize, imageSize.width > 0, imageSize.height > 0 else {
                throw ImageError.invalidArgument("a YOLO box needs the image size (positive width and height)")
            }
            let imageWidth = Double(imageSize.width), imageHeight = Double(imageSize.height)
            return [center.x / imageWidth, center.y / imageHeight, width / imageWidth, height / imageHeight]
        }
    }

    /// COCO `[x, y, width, height]`.
    public var coco: [Double] { [minX, minY, width, height] }

    /// YOLO normalised `[centerX, centerY, width, height]` in an image of `size`.
    public func yolo(in size: ImageSize) -> [Double] {
        let imageWidth = Double(max(size.width, 1)), imageHeight = Double(max(size.height, 1))
        return [center.x / imageWidth, center.y / imageHeight, width / imageWidth, height / imageHeight]
    }
}
