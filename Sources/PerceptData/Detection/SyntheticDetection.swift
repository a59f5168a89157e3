import Foundation
import PerceptImage
import PerceptLabels
import PerceptRandom

/// A detection dataset the project makes itself: circles, rectangles, triangles, blobs and stars
/// (and, when Fashion-MNIST is given, its clothes in five groups) pasted at random scales onto
/// textured backgrounds, some overlapping, some cut by the image edge, about one image in twenty
/// with nothing on it. Every box is the exact extent of the pixels its object left visible in
/// the image. The same seed gives the same scenes.
///
/// ```swift
/// let scene = SyntheticDetection.scene(index: 0, size: 320, seed: 7, items: nil)   // image and boxes
/// ```
public enum SyntheticDetection {
    /// The five shape classes, in class-index order.
    public static let shapeClassNames = ["circle", "rectangle", "triangle", "blob", "star"]

    /// The class names for a dataset with or without Fashion-MNIST items.
    public static func classNames(withFashionItems: Bool) -> [String] {
        shapeClassNames + (withFashionItems ? FashionItems.groupNames : [])
    }

    /// One object: its class index and its box (absolute xyxy, pixel edges).
    public struct Object: Equatable, Sendable {
        /// The index into ``classNames(withFashionItems:)``.
        public var classIndex: Int
        /// The tight box around the object's visible pixels.
        public var box: BoundingBox
    }

    /// One generated image and its objects.
    public struct Scene: Sendable {
        /// The RGB image.
        public var image: Image
        /// The objects in drawing order (later ones cover earlier ones).
        public var objects: [Object]
    }

    /// The share of images left without objects (background images).
    static let backgroundShare = 0.05
    /// Objects whose box overlaps an earlier one by more than this share of the smaller box are
    /// placed again, so no object hides another.
    static let maximumCover = 0.5

    /// The scene number `index` of the dataset made with `seed`, `size` pixels square; with
    /// `items`, half the objects are Fashion-MNIST items (from `items`' split for `validation`).
    public static func scene(index: Int, size: Int, seed: UInt64, items: FashionItems?, validation: Bool = false) -> Scene {
        var state = seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
        var random = Xoshiro256StarStar(seed: Xoshiro256StarStar.splitMix(&state))
        var pixels = SyntheticShapes.background(size: size, random: &random)
        var objects: [Object] = []
        let wanted = Double.random(in: 0..<1, using: &random) < backgroundShare ? 0 : Int.random(in: 1...8, using: &random)
        for _ in 0..<wanted {
            guard let placement = place(size: size, among: objects, random: &random) else { continue }
            let object: Object?
            if let items, Bool.random(using: &random) {
                object = items.paste(into: &pixels, size: size, centre: placement.centre, radius: placement.radius,
                                     validation: validation, random: &random)
            } else {
                object = drawShape(into: &pixels, size: size, centre: placement.centre, radius: placement.radius, random: &random)
            }
            if let object { objects.append(object) }
        }
        // The buffer holds exactly size × size × 3 samples.
        let image = (try? Image(width: size, height: size, channels: 3, samples: .uint8(pixels))) ?? Image(width: size, height: size, channels: 3)
        return Scene(image: image, objects: objects)
    }

    /// A centre and radius (log-uniform from 3.5% to 20% of the side, the centre anywhere that
    /// keeps at least a third of the object inside) whose box covers no earlier object too
    /// much; nil after ten tries.
    private static func place(size: Int, among objects: [Object], random: inout Xoshiro256StarStar) -> (centre: Point, radius: Double)? {
        let side = Double(size)
        for _ in 0..<10 {
            let radius = side * exp(Double.random(in: log(0.035)...log(0.2), using: &random))
            let centre = Point(x: Double.random(in: radius * 0.3...(side - radius * 0.3), using: &random),
                               y: Double.random(in: radius * 0.3...(side - radius * 0.3), using: &random))
            let reach = radius * 1.15
            let box = BoundingBox(minX: centre.x - reach, minY: centre.y - reach, maxX: centre.x + reach, maxY: centre.y + reach)
            if objects.allSatisfy({ coverShare(box, $0.box) <= maximumCover }) { return (centre, radius) }
        }
        return nil
    }

    /// A random colour whose largest channel difference to the background at `centre` is at
    /// least 80 levels (so objects stand out), drawn up to eight times; the last draw otherwise.
    static func contrastingColour(to pixels: [UInt8], at centre: Point, size: Int, levels: ClosedRange<Double>,
                                  random: inout Xoshiro256StarStar) -> [Double] {
        let x = min(max(Int(centre.x), 0), size - 1), y = min(max(Int(centre.y), 0), size - 1)
        let background = (0..<3).map { Double(pixels[(y * size + x) * 3 + $0]) }
        var colour: [Double] = []
        for _ in 0..<8 {
            colour = (0..<3).map { _ in Double.random(in: levels, using: &random).rounded() }
            if zip(colour, background).contains(where: { abs($0 - $1) >= 80 }) { break }
        }
        return colour
    }

    /// The intersection of two boxes as a share of the smaller one's area.
    static func coverShare(_ first: BoundingBox, _ second: BoundingBox) -> Double {
        let width = min(first.maxX, second.maxX) - max(first.minX, second.minX)
        let height = min(first.maxY, second.maxY) - max(first.minY, second.minY)
        guard width > 0, height > 0 else { return 0 }
        let smaller = min((first.maxX - first.minX) * (first.maxY - first.minY), (second.maxX - second.minX) * (second.maxY - second.minY))
        return smaller > 0 ? width * height / smaller : 1
    }

    /// A shape of a random class filled with a random, slightly noisy colour; nil when less
    /// than a 3 × 3 pixel box of it would be visible (then nothing is drawn).
    static func drawShape(into pixels: inout [UInt8], size: Int, centre: Point, radius: Double,
                                  random: inout Xoshiro256StarStar) -> Object? {
        let classIndex = Int.random(in: 0..<shapeClassNames.count, using: &random)
        let polygon = SyntheticShapes.outline(classID: classIndex + 1, centre: centre, radius: radius, random: &random)
        let colour = contrastingColour(to: pixels, at: centre, size: size, levels: 0...255, random: &random).map { UInt8($0) }
        guard let bounds = polygon.boundingBox else { return nil }
        let minX = max(0, Int(bounds.minX.rounded(.down))), minY = max(0, Int(bounds.minY.rounded(.down)))
        let maxX = min(size, Int(bounds.maxX.rounded(.up))), maxY = min(size, Int(bounds.maxY.rounded(.up)))
        guard maxX > minX, maxY > minY else { return nil }
        let local = Polygon(points: polygon.points.map { Point(x: $0.x - Double(minX), y: $0.y - Double(minY)) })
        let inside = Mask(polygon: local, width: maxX - minX, height: maxY - minY)
        guard let visible = inside.boundingBox, visible.maxX - visible.minX >= 3, visible.maxY - visible.minY >= 3 else { return nil }
        for y in 0..<inside.height {
            for x in 0..<inside.width where inside.values[y * inside.width + x] != 0 {
                let pixel = ((minY + y) * size + minX + x) * 3
                for channel in 0..<3 { pixels[pixel + channel] = SyntheticShapes.shade(colour[channel], random: &random) }
            }
        }
        return Object(classIndex: classIndex, box: visible.offsetBy(dx: Double(minX), dy: Double(minY)))
    }
}
