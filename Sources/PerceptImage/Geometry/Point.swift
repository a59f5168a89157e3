/// A point in image coordinates (pixels, x to the right, y down).
public struct Point: Equatable, Hashable, Sendable, Codable {
    /// Horizontal position.
    public var x: Double
    /// Vertical position.
    public var y: Double

    /// A point at `x, y`.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A closed polygon (a segmentation outline), vertices in order.
public struct Polygon: Equatable, Hashable, Sendable, Codable {
    /// The vertices; the last connects back to the first.
    public var points: [Point]

    /// A polygon through `points`.
    public init(points: [Point]) {
        self.points = points
    }

    /// A polygon from COCO's flat `[x1, y1, x2, y2, …]`; throws on an odd count.
    public init(flat coordinates: [Double]) throws {
        guard coordinates.count % 2 == 0 else {
            throw ImageError.invalidArgument("a flat polygon needs pairs of numbers, found \(coordinates.count)")
        }
        points = stride(from: 0, to: coordinates.count, by: 2).map { Point(x: coordinates[$0], y: coordinates[$0 + 1]) }
    }

    /// COCO's flat `[x1, y1, x2, y2, …]`.
    public var flat: [Double] { points.flatMap { [$0.x, $0.y] } }

    /// The enclosed area (shoelace formula), always non-negative.
    public var area: Double {
        guard points.count >= 3 else { return 0 }
        var twiceArea = 0.0
        for index in points.indices {
            let current = points[index], next = points[(index + 1) % points.count]
            twiceArea += current.x * next.y - next.x * current.y
        }
        return abs(twiceArea) / 2
    }

    /// The tightest box around the vertices; nil for an empty polygon.
    public var boundingBox: BoundingBox? { BoundingBox(enclosing: points) }

    /// Every vertex mapped by `transform` (for moving a polygon with its image).
    public func mapped(_ transform: (Point) -> Point) -> Polygon {
        Polygon(points: points.map(transform))
    }
}

/// Whether a keypoint is labelled and seen, with COCO's numbers.
public enum KeypointVisibility: Int, Sendable, Codable, CaseIterable {
    /// Not labelled (COCO 0); its coordinates mean nothing.
    case notLabeled = 0
    /// Labelled but hidden (COCO 1).
    case occluded = 1
    /// Labelled and visible (COCO 2).
    case visible = 2
}

/// A labelled point such as a joint, with COCO visibility.
public struct Keypoint: Equatable, Hashable, Sendable, Codable {
    /// Horizontal position in pixels.
    public var x: Double
    /// Vertical position in pixels.
    public var y: Double
    /// Whether it is labelled and visible.
    public var visibility: KeypointVisibility

    /// A keypoint at `x, y`.
    public init(x: Double, y: Double, visibility: KeypointVisibility = .visible) {
        self.x = x
        self.y = y
        self.visibility = visibility
    }

    /// Keypoints from COCO's flat `[x1, y1, v1, x2, y2, v2, …]`; throws on a bad count or a
    /// visibility other than 0, 1 or 2.
    public static func fromCOCO(_ values: [Double]) throws -> [Keypoint] {
        guard values.count % 3 == 0 else {
            throw ImageError.invalidArgument("COCO keypoints come in triplets, found \(values.count) numbers")
        }
        return try stride(from: 0, to: values.count, by: 3).map { index in
            guard let visibility = KeypointVisibility(rawValue: Int(values[index + 2])),
                  Double(visibility.rawValue) == values[index + 2] else {
                throw ImageError.invalidArgument(
                    "keypoint \(index / 3): visibility must be 0, 1 or 2, found \(values[index + 2])")
            }
            return Keypoint(x: values[index], y: values[index + 1], visibility: visibility)
        }
    }

    /// COCO's flat triplets for `keypoints`.
    public static func toCOCO(_ keypoints: [Keypoint]) -> [Double] {
        keypoints.flatMap { [$0.x, $0.y, Double($0.visibility.rawValue)] }
    }

    /// The position as a point.
    public var point: Point { Point(x: x, y: y) }
}
