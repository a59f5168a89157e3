import Foundation
import PerceptImage
import PerceptLabels
import PerceptRandom

/// A segmentation dataset the project makes itself: circles, rectangles, triangles and blobs
/// (classes 1–4, 0 background) in random colours on textured backgrounds (gradients, stripes,
/// checks, noise), each image with its class-id mask and its shapes as polygons. The same
/// seed gives the same bytes.
///
/// ```swift
/// let scene = SyntheticShapes.scene(index: 0, size: 128, seed: 7)   // image, mask, shapes
/// try SyntheticShapes.write(to: URL(fileURLWithPath: "shapes"), count: 1200, size: 128, validationFraction: 0.2, seed: 7)
/// ```
public enum SyntheticShapes {
    /// The class names, background first.
    public static let classNames = ["background", "circle", "rectangle", "triangle", "blob"]

    /// One generated image.
    public struct Scene: Sendable {
        /// The RGB image.
        public var image: Image
        /// The class id of every pixel, as a one-channel image.
        public var mask: Image
        /// The shapes in drawing order (later ones cover earlier ones): class id and outline.
        public var shapes: [(classID: Int, polygon: Polygon)]
    }

    /// The scene number `index` of the dataset made with `seed`, `size` pixels square.
    public static func scene(index: Int, size: Int, seed: UInt64) -> Scene {
        var state = seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        var random = Xoshiro256StarStar(seed: Xoshiro256StarStar.splitMix(&state))
        var pixels = background(size: size, random: &random)
        var ids = [UInt8](repeating: 0, count: size * size)
        var shapes: [(classID: Int, polygon: Polygon)] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let classID = Int.random(in: 1...4, using: &random)
            let polygon = outline(classID: classID, size: Double(size), random: &random)
            let colour = (0..<3).map { _ in UInt8.random(in: 0...255, using: &random) }
            let inside = Mask(polygon: polygon, width: size, height: size)
            for pixel in 0..<size * size where inside.values[pixel] != 0 {
                ids[pixel] = UInt8(classID)
                for channel in 0..<3 { pixels[pixel * 3 + channel] = shade(colour[channel], random: &random) }
            }
            shapes.append((classID, polygon))
        }
        // Both images are built with exactly width × height × channels samples.
        let image = (try? Image(width: size, height: size, channels: 3, samples: .uint8(pixels))) ?? Image(width: size, height: size, channels: 3)
        let mask = (try? Image(width: size, height: size, channels: 1, samples: .uint8(ids))) ?? Image(width: size, height: size, channels: 1)
        return Scene(image: image, mask: mask, shapes: shapes)
    }

    /// Writes `count` scenes into `folder`: `images/{train,val}/NNNNN.png`,
    /// `masks/{train,val}/NNNNN.png`, `annotations.json` (COCO polygons, file names relative to
    /// `images/`) and `classes.txt`. The last `validationFraction` of the scenes are `val`.
    public static func write(to folder: URL, count: Int, size: Int, validationFraction: Double, seed: UInt64) throws {
        guard count >= 1, size >= 8, (0..<1).contains(validationFraction) else {
            throw DataError.invalidArgument("synthetic shapes need count ≥ 1, size ≥ 8 and a validation fraction in [0, 1); got \(count), \(size), \(validationFraction)")
        }
        let validationCount = Int((Double(count) * validationFraction).rounded())
        let manager = FileManager.default
        for split in ["train", "val"] {
            for kind in ["images", "masks"] {
                try manager.createDirectory(at: folder.appendingPathComponent(kind).appendingPathComponent(split), withIntermediateDirectories: true)
            }
        }
        var images: [DatasetImage] = [], annotations: [Annotation] = []
        for index in 0..<count {
            let split = index >= count - validationCount ? "val" : "train"
            let name = String(format: "%05d.png", index)
            let scene = scene(index: index, size: size, seed: seed)
            try scene.image.write(to: folder.appendingPathComponent("images/\(split)/\(name)"))
            try scene.mask.write(to: folder.appendingPathComponent("masks/\(split)/\(name)"))
            images.append(DatasetImage(id: index + 1, file: "\(split)/\(name)", width: size, height: size, split: split))
            for shape in scene.shapes {
                annotations.append(Annotation(id: annotations.count + 1, imageID: index + 1, categoryID: shape.classID, polygons: [shape.polygon]))
            }
        }
        let categories = classNames.enumerated().dropFirst().map { LabelCategory(id: $0.offset, name: $0.element, supercategory: "shape") }
        let dataset = LabelDataset(images: images, categories: categories, annotations: annotations)
        try Data(COCOWriter.encode(dataset)).write(to: folder.appendingPathComponent("annotations.json"), options: .atomic)
        try Data((classNames.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("classes.txt"), options: .atomic)
    }

    /// A textured RGB background: a gradient, stripes, checks or smooth noise between two colours
    /// (shared with ``SyntheticDetection``).
    static func background(size: Int, random: inout Xoshiro256StarStar) -> [UInt8] {
        let first = (0..<3).map { _ in Double.random(in: 0...255, using: &random) }
        let second = (0..<3).map { _ in Double.random(in: 0...255, using: &random) }
        let kind = Int.random(in: 0..<4, using: &random)
        let period = Double.random(in: 6...24, using: &random), angle = Double.random(in: 0..<Double.pi, using: &random)
        let (cosine, sine) = (cos(angle), sin(angle))
        let phases = (0..<4).map { _ in Double.random(in: 0..<(2 * Double.pi), using: &random) }
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            for x in 0..<size {
                let (u, v) = (Double(x) * cosine + Double(y) * sine, Double(y) * cosine - Double(x) * sine)
                let mix: Double
                switch kind {
                case 0: mix = Double(x + y) / Double(2 * max(size - 1, 1))
                case 1: mix = 0.5 + 0.5 * sin(2 * Double.pi * u / period + phases[0])
                case 2: mix = (Int((u / period).rounded(.down)) + Int((v / period).rounded(.down))) & 1 == 0 ? 0.2 : 0.8
                default: mix = 0.5 + 0.25 * sin(u / period + phases[1]) * cos(v / period + phases[2]) + 0.25 * sin((u + v) / (2 * period) + phases[3])
                }
                for channel in 0..<3 {
                    let value = first[channel] + (second[channel] - first[channel]) * mix + Double.random(in: -12...12, using: &random)
                    pixels[(y * size + x) * 3 + channel] = UInt8(max(0, min(255, value.rounded())))
                }
            }
        }
        return pixels
    }

    /// A sample of a shape's colour with a little noise.
    static func shade(_ value: UInt8, random: inout Xoshiro256StarStar) -> UInt8 {
        UInt8(max(0, min(255, Int(value) + Int.random(in: -10...10, using: &random))))
    }

    /// The outline of a shape of class `classID` at a random place, size and rotation.
    private static func outline(classID: Int, size: Double, random: inout Xoshiro256StarStar) -> Polygon {
        let radius = Double.random(in: size * 0.1...size * 0.22, using: &random)
        let centre = Point(x: Double.random(in: radius * 0.6...(size - radius * 0.6), using: &random),
                           y: Double.random(in: radius * 0.6...(size - radius * 0.6), using: &random))
        return outline(classID: classID, centre: centre, radius: radius, random: &random)
    }

    /// The outline of a shape of class `classID` (1 circle, 2 rectangle, 3 triangle, 4 blob,
    /// 5 five-pointed star) of about `radius` around `centre`, at a random rotation.
    static func outline(classID: Int, centre: Point, radius: Double, random: inout Xoshiro256StarStar) -> Polygon {
        let rotation = Double.random(in: 0..<(2 * Double.pi), using: &random)
        func around(_ radii: [Double]) -> Polygon {
            Polygon(points: radii.enumerated().map { index, length in
                let angle = rotation + 2 * Double.pi * Double(index) / Double(radii.count)
                return Point(x: centre.x + length * cos(angle), y: centre.y + length * sin(angle))
            })
        }
        switch classID {
        case 1:
            return around([Double](repeating: radius, count: 48))
        case 2:
            let aspect = Double.random(in: 0.5...1, using: &random)
            let (halfWidth, halfHeight) = (radius, radius * aspect)
            let corners = [(-halfWidth, -halfHeight), (halfWidth, -halfHeight), (halfWidth, halfHeight), (-halfWidth, halfHeight)]
            return Polygon(points: corners.map { dx, dy in
                Point(x: centre.x + dx * cos(rotation) - dy * sin(rotation), y: centre.y + dx * sin(rotation) + dy * cos(rotation))
            })
        case 3:
            return around([radius * 1.15, radius * 1.15, radius * 1.15])
        case 5:
            let inner = Double.random(in: 0.4...0.55, using: &random)
            return around((0..<10).map { radius * ($0 % 2 == 0 ? 1.1 : 1.1 * inner) })
        default:
            let lobes = Double(Int.random(in: 3...5, using: &random)), depth = Double.random(in: 0.25...0.4, using: &random)
            let phase = Double.random(in: 0..<(2 * Double.pi), using: &random)
            return around((0..<36).map { radius * (1 + depth * sin(lobes * 2 * Double.pi * Double($0) / 36 + phase)) })
        }
    }
}
