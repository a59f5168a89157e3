/// A binary mask: one byte per pixel, 0 outside and 1 inside, row-major.
public struct Mask: Equatable, Hashable, Sendable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `width * height` values, each 0 or 1.
    public private(set) var values: [UInt8]

    /// An all-zero mask.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        values = [UInt8](repeating: 0, count: self.width * self.height)
    }

    /// A mask from values; anything non-zero counts as inside.
    public init(width: Int, height: Int, values: [UInt8]) throws {
        guard width >= 0, height >= 0, values.count == width * height else {
            throw ImageError.invalidArgument("a \(width)x\(height) mask needs \(width * height) values, found \(values.count)")
        }
        self.width = width
        self.height = height
        self.values = values.map { $0 == 0 ? 0 : 1 }
    }

    /// The polygon filled with the even-odd rule; a pixel is inside when its centre is.
    public init(polygon: Polygon, width: Int, height: Int) {
        self.init(width: width, height: height)
        fill(polygon)
    }

    /// Whether the pixel at `x, y` is inside.
    public subscript(x: Int, y: Int) -> Bool {
        get { values[y * width + x] != 0 }
        set { values[y * width + x] = newValue ? 1 : 0 }
    }

    /// The size in pixels.
    public var size: ImageSize { ImageSize(width: width, height: height) }

    /// The number of pixels inside.
    public var area: Int { values.reduce(0) { $0 + Int($1) } }

    /// The tightest box around the inside pixels (pixel edges, so one pixel at (3, 4) gives
    /// `[3, 4, 4, 5]`); nil for an empty mask.
    public var boundingBox: BoundingBox? {
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where values[row + x] != 0 {
                minX = min(minX, x)
                maxX = max(maxX, x)
                minY = min(minY, y)
                maxY = y
            }
        }
        guard maxX >= 0 else { return nil }
        return BoundingBox(minX: Double(minX), minY: Double(minY), maxX: Double(maxX + 1), maxY: Double(maxY + 1))
    }

    /// Intersection over union with another mask of the same size; 0 when both are empty.
    public func intersectionOverUnion(_ other: Mask) throws -> Double {
        guard width == other.width, height == other.height else {
            throw ImageError.invalidArgument("mask sizes differ: \(size) and \(other.size)")
        }
        var intersection = 0, union = 0
        for index in values.indices {
            intersection += Int(values[index] & other.values[index])
            union += Int(values[index] | other.values[index])
        }
        return union > 0 ? Double(intersection) / Double(union) : 0
    }

    /// Marks the pixels whose centres lie inside `polygon` (scanline, even-odd rule).
    public mutating func fill(_ polygon: Polygon) {
        let points = polygon.points
        guard points.count >= 3 else { return }
        var crossings: [Double] = []
        for y in 0..<height {
            let centerY = Double(y) + 0.5
            crossings.removeAll(keepingCapacity: true)
            for index in points.indices {
                let start = points[index], end = points[(index + 1) % points.count]
                // Half-open test so a vertex on the scanline is counted once.
                if (start.y <= centerY) != (end.y <= centerY) {
                    crossings.append(start.x + (centerY - start.y) * (end.x - start.x) / (end.y - start.y))
                }
            }
            crossings.sort()
            for pair in stride(from: 0, to: crossings.count - 1, by: 2) {
                // Pixel x is inside when x + 0.5 lies in [left, right).
                let first = max(0, Int((crossings[pair] - 0.5).rounded(.up)))
                let last = min(width - 1, Int((crossings[pair + 1] - 0.5).rounded(.up)) - 1)
                if first <= last {
                    for x in first...last { values[y * width + x] = 1 }
                }
            }
        }
    }

    /// The mask as a one-channel 8-bit image, 0 and 255.
    public var image: Image {
        Image(uncheckedWidth: width, height: height, channels: 1, samples: .uint8(values.map { $0 * 255 }))
    }
}
