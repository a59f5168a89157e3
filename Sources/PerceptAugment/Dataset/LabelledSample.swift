import PerceptImage
import PerceptLabels

/// One image's annotations packed into a `Sample`, so every geometry moves with the pixels,
/// and unpacked again after augmenting.
///
/// Each annotation with a shape becomes a box whose label is the annotation's position, so
/// the boxes that survive name their annotations. Polygon vertices and keypoints ride along as
/// keypoints kept outside the canvas (so their positions stay aligned); polygons are clipped
/// to the canvas afterwards. RLE masks become instance masks. Annotations without any shape
/// (an image's class in a classification dataset) are copied unchanged.
struct LabelledSample {
    /// The packed sample.
    let sample: Sample
    private let annotations: [Annotation]
    /// Per annotation: the keypoint ranges of its polygons, then of its own keypoints.
    private let polygonRanges: [[Range<Int>]]
    private let keypointRanges: [Range<Int>]
    private let hasMasks: Bool

    /// Packs `annotations` (all of one image) with `image`.
    init(image: Image, annotations: [Annotation]) throws {
        self.annotations = annotations
        var boxes: [BoundingBox] = [], labels: [Int] = [], points: [Keypoint] = []
        var polygonRanges: [[Range<Int>]] = [], keypointRanges: [Range<Int>] = []
        for (index, annotation) in annotations.enumerated() {
            var ranges: [Range<Int>] = []
            for polygon in annotation.polygons {
                ranges.append(points.count..<points.count + polygon.points.count)
                points += polygon.points.map { Keypoint(x: $0.x, y: $0.y) }
            }
            polygonRanges.append(ranges)
            keypointRanges.append(points.count..<points.count + annotation.keypoints.count)
            points += annotation.keypoints
            if let box = annotation.effectiveBox {
                boxes.append(box)
                labels.append(index)
            }
        }
        hasMasks = annotations.contains { $0.mask != nil && $0.effectiveBox != nil }
        let masks = try hasMasks ? labels.map { index in
            try annotations[index].mask?.decoded() ?? Mask(width: image.width, height: image.height)
        } : []
        self.polygonRanges = polygonRanges
        self.keypointRanges = keypointRanges
        sample = try Sample(image: image, boxes: boxes, labels: labels, instanceMasks: masks, keypoints: points)
    }

    /// How many annotations have a shape that can be dropped.
    var shapeCount: Int { sample.boxes.count }

    /// The annotations that survive in `result` with their moved geometry, in their original
    /// order; `keepKeypointsOutside` says whether keypoints off the canvas stay labelled.
    func annotations(after result: Sample, keepKeypointsOutside: Bool) -> [Annotation] {
        let canvas = result.image.size
        var survivors: [Int: Int] = [:]
        for (position, label) in result.labels.enumerated() { survivors[label] = position }
        var output: [Annotation] = []
        for (index, original) in annotations.enumerated() {
            guard original.effectiveBox != nil else {
                output.append(original)
                continue
            }
            guard let position = survivors[index] else { continue }
            var annotation = original
            annotation.area = nil
            annotation.polygons = polygonRanges[index].compactMap { range in
                PolygonClipping.clipped(Polygon(points: result.keypoints[range].map(\.point)), to: canvas)
            }
            // A moved polygon's own box is tighter than the moved box around the old outline.
            annotation.box = BoundingBox(enclosing: annotation.polygons.flatMap(\.points)) ?? result.boxes[position]
            annotation.keypoints = result.keypoints[keypointRanges[index]].map { point in
                let inside = point.x >= 0 && point.y >= 0 && point.x < Double(canvas.width) && point.y < Double(canvas.height)
                guard point.visibility != .notLabeled, inside || keepKeypointsOutside else {
                    return Keypoint(x: 0, y: 0, visibility: .notLabeled)
                }
                return point
            }
            if hasMasks, original.mask != nil { annotation.mask = RunLengthEncoding(mask: result.instanceMasks[position]) }
            output.append(annotation)
        }
        return output
    }
}

/// Cutting polygons to the image.
enum PolygonClipping {
    /// The part of `polygon` inside the `canvas` rectangle (Sutherland–Hodgman), or nil when
    /// fewer than three corners or no area remain.
    static func clipped(_ polygon: Polygon, to canvas: ImageSize) -> Polygon? {
        let width = Double(canvas.width), height = Double(canvas.height)
        var points = polygon.points
        let edges: [(inside: (Point) -> Bool, cross: (Point, Point) -> Point)] = [
            ({ $0.x >= 0 }, { crossing($0, $1, atX: 0) }),
            ({ $0.x <= width }, { crossing($0, $1, atX: width) }),
            ({ $0.y >= 0 }, { crossing($0, $1, atY: 0) }),
            ({ $0.y <= height }, { crossing($0, $1, atY: height) }),
        ]
        for edge in edges {
            guard let last = points.last else { break }
            var kept: [Point] = []
            var previous = last
            for point in points {
                if edge.inside(point) {
                    if !edge.inside(previous) { kept.append(edge.cross(previous, point)) }
                    kept.append(point)
                } else if edge.inside(previous) {
                    kept.append(edge.cross(previous, point))
                }
                previous = point
            }
            points = kept
        }
        let result = Polygon(points: points)
        return points.count >= 3 && result.area > 0 ? result : nil
    }

    private static func crossing(_ start: Point, _ end: Point, atX x: Double) -> Point {
        let fraction = (x - start.x) / (end.x - start.x)
        return Point(x: x, y: start.y + fraction * (end.y - start.y))
    }

    private static func crossing(_ start: Point, _ end: Point, atY y: Double) -> Point {
        let fraction = (y - start.y) / (end.y - start.y)
        return Point(x: start.x + fraction * (end.x - start.x), y: y)
    }
}
