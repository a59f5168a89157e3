import Foundation
import PerceptImage
import PerceptMessages

/// One Ultralytics label file: a line per object, `class cx cy w h` for a box or
/// `class x1 y1 x2 y2 …` for a polygon, all normalised to 0…1; an empty file is a background
/// image.
public enum YOLOLabelFile {
    /// Coordinates this far outside 0…1 are float drift at the border: a warning, and clipped.
    public static let borderTolerance = 0.001

    /// One object read from a line.
    public struct Object: Equatable, Sendable {
        /// The 0-based class index.
        public var classIndex: Int
        /// The box in pixels (around the polygon for a segmentation line).
        public var box: BoundingBox
        /// The polygon in pixels, for a segmentation line.
        public var polygon: Polygon?
        /// The 1-based line it came from.
        public var line: Int
    }

    /// Parses a label file for an image of `size` with `classCount` classes. Bad lines are
    /// skipped and reported with their line number; the rest are returned.
    public static func parse(_ text: String, file: String, size: ImageSize, classCount: Int)
        -> (objects: [Object], problems: [LabelProblem]) {
        var objects: [Object] = [], problems: [LabelProblem] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard !fields.isEmpty else { continue }
            func report(_ severity: ProblemSeverity, _ message: String) {
                problems.append(LabelProblem(file: file, line: line, severity: severity, message: message))
            }
            guard let classIndex = Int(fields[0]) else {
                report(.error, "expected an integer class index, found \(quotedToken(fields[0]))")
                continue
            }
            guard classIndex >= 0, classIndex < classCount else {
                report(.error, "class \(classIndex) is beyond the \(classCount) names in data.yaml (0...\(classCount - 1))")
                continue
            }
            let numbers = fields.dropFirst().map { Double($0) }
            if let bad = numbers.firstIndex(where: { !($0?.isFinite ?? false) }) {
                report(.error, "field \(bad + 2) is \(quotedToken(fields[bad + 1])), expected a number")
                continue
            }
            var values = numbers.compactMap { $0 }
            guard values.count == 4 || (values.count >= 6 && values.count % 2 == 0) else {
                report(.error, "expected 5 numbers (class cx cy w h) or a class and 3 or more x y pairs, found \(fields.count) fields")
                continue
            }
            let checkedValues: [Double]
            if values.count == 4 {
                // Check the corners, not the centre: a box may cross the border only by drift.
                let corners = [values[0] - values[2] / 2, values[1] - values[3] / 2, values[0] + values[2] / 2, values[1] + values[3] / 2]
                checkedValues = corners + [values[2], values[3]]
            } else {
                checkedValues = values
            }
            let outside = checkedValues.filter { $0 < 0 || $0 > 1 }
            if let worst = outside.max(by: { distanceOutside($0) < distanceOutside($1) }), distanceOutside(worst) > roundingDrift {
                if distanceOutside(worst) > borderTolerance {
                    report(.error, "coordinate \(JSONWriter.format(worst)) is outside [0, 1]")
                    continue
                }
                report(.warning, "coordinate \(JSONWriter.format(worst)) drifts outside [0, 1]; clipped")
            }
            let width = Double(size.width), height = Double(size.height)
            if values.count == 4 {
                let box = BoundingBox(centerX: values[0], centerY: values[1], width: values[2], height: values[3], normalizedIn: size)
                objects.append(Object(classIndex: classIndex, box: outside.isEmpty ? box : box.clipped(to: size), line: line))
            } else {
                values = values.map { min(max($0, 0), 1) }
                let polygon = Polygon(points: stride(from: 0, to: values.count, by: 2).map {
                    Point(x: values[$0] * width, y: values[$0 + 1] * height)
                })
                if let box = polygon.boundingBox {
                    objects.append(Object(classIndex: classIndex, box: box, polygon: polygon, line: line))
                }
            }
        }
        return (objects, problems)
    }

    private static func distanceOutside(_ value: Double) -> Double { value < 0 ? -value : value - 1 }

    /// How far a corner of a box on the image edge lands outside [0, 1] only because its centre
    /// and size were written with six decimals (up to 5e-7 + 2.5e-7): clipped without a warning.
    static let roundingDrift = 1e-6

    /// Label lines for the objects: a polygon line when `polygon` is set, else a box line;
    /// coordinates with six decimals as Ultralytics writes them.
    public static func format(_ objects: [(classIndex: Int, box: BoundingBox, polygon: Polygon?)], size: ImageSize) -> String {
        let width = Double(max(size.width, 1)), height = Double(max(size.height, 1))
        return objects.map { object in
            let numbers: [Double]
            if let polygon = object.polygon {
                numbers = polygon.points.flatMap { [$0.x / width, $0.y / height] }
            } else {
                numbers = object.box.yolo(in: size)
            }
            return ([String(object.classIndex)] + numbers.map { formatCoordinate($0) }).joined(separator: " ") + "\n"
        }.joined()
    }

    static func formatCoordinate(_ value: Double) -> String {
        String(format: "%.6f", value)
    }
}
