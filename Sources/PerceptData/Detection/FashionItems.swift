import Foundation
import PerceptImage
import PerceptRandom

/// Fashion-MNIST's clothes as objects for ``SyntheticDetection``: each 28 × 28 item is scaled,
/// tinted with a random colour and blended onto the scene by its own grey level. Its ten
/// classes are merged into five groups a detector can tell apart at a glance (tops, trousers,
/// dresses, footwear, bags). Training scenes take items from the training split, validation
/// scenes from the test split, so no item is in both.
public struct FashionItems: Sendable {
    /// The group names, in class order after the shapes.
    public static let groupNames = ["top", "trouser", "dress", "footwear", "bag"]
    /// The group of each Fashion-MNIST label (T-shirt, trouser, pullover, dress, coat, sandal,
    /// shirt, sneaker, bag, ankle boot).
    static let groupOfLabel = [0, 1, 0, 2, 0, 3, 0, 3, 4, 3]
    /// Grey levels at or above this count as the item when its box is measured.
    static let boxThreshold: UInt8 = 32

    /// Items for training scenes.
    let train: ByteImageDataset
    /// Items for validation scenes.
    let validation: ByteImageDataset

    /// The items from the Fashion-MNIST files in `folder` (Debian's package by default).
    public init(folder: URL = MNISTFiles.debianFashionMNIST) throws {
        (train, validation) = try MNISTFiles.load(folder: folder)
    }

    /// Items from two ready-made splits (tests, other item sets in the same layout).
    init(train: ByteImageDataset, validation: ByteImageDataset) {
        self.train = train
        self.validation = validation
    }

    /// Pastes a random item as a square of side `2 · radius` around `centre`; returns its
    /// object (class index after the shapes), or nil when less than a 3 × 3 box would show.
    func paste(into pixels: inout [UInt8], size: Int, centre: Point, radius: Double, validation: Bool,
               random: inout Xoshiro256StarStar) -> SyntheticDetection.Object? {
        let source = validation ? self.validation : train
        let itemSide = source.imageShape.count == 3 ? source.imageShape[1] : 28
        let item = Int.random(in: 0..<source.labels.count, using: &random)
        let colour = SyntheticDetection.contrastingColour(to: pixels, at: centre, size: size, levels: 40...255, random: &random)
        let itemPixels = Array(source.pixels[item * itemSide * itemSide..<(item + 1) * itemSide * itemSide])
        let side = max(4, Int((2 * radius).rounded()))
        guard let grey = try? Image(width: itemSide, height: itemSide, channels: 1, samples: .uint8(itemPixels))
            .resized(width: side, height: side, interpolation: .bilinear),
            case .uint8(let levels) = grey.samples else { return nil }
        let left = Int((centre.x - Double(side) / 2).rounded()), top = Int((centre.y - Double(side) / 2).rounded())
        var minX = size, minY = size, maxX = -1, maxY = -1
        for y in max(0, top)..<min(size, top + side) {
            for x in max(0, left)..<min(size, left + side) {
                let level = levels[(y - top) * side + x - left]
                guard level > 0 else { continue }
                let alpha = Double(level) / 255, pixel = (y * size + x) * 3
                for channel in 0..<3 {
                    pixels[pixel + channel] = UInt8((Double(pixels[pixel + channel]) * (1 - alpha) + colour[channel] * alpha).rounded())
                }
                if level >= Self.boxThreshold {
                    minX = min(minX, x); maxX = max(maxX, x)
                    minY = min(minY, y); maxY = max(maxY, y)
                }
            }
        }
        guard maxX - minX + 1 >= 3, maxY - minY + 1 >= 3 else { return nil }
        return SyntheticDetection.Object(classIndex: SyntheticDetection.shapeClassNames.count + Self.groupOfLabel[source.labels[item] % 10],
                                         box: BoundingBox(minX: Double(minX), minY: Double(minY), maxX: Double(maxX + 1), maxY: Double(maxY + 1)))
    }
}
