import Foundation
import PerceptImage
import PerceptLabels
import PerceptTensor

/// Images with class-id masks for semantic segmentation. Each example is the image as
/// `[C, H, W]` in `0...1` and its mask as int64 `[H, W]` (0 background, `ignoreIndex` counted
/// nowhere). Masks come from label images or are drawn from a label file's polygons and RLE.
/// Every problem names the file: a mask whose size differs from its image, a class id beyond
/// the classes (other than the ignore value), an image whose channels differ from the model's.
public struct SegmentationDataset: Dataset {
    /// One object of a label file, drawn into the mask with its class id.
    public struct Shape: Sendable {
        /// The class id drawn (1 ... classes − 1), or the ignore value for crowd regions.
        public var classID: Int
        /// Polygons filled with the even-odd rule.
        public var polygons: [Polygon]
        /// An RLE mask, drawn as well when present.
        public var mask: RunLengthEncoding?

        /// A shape.
        public init(classID: Int, polygons: [Polygon], mask: RunLengthEncoding? = nil) {
            self.classID = classID
            self.polygons = polygons
            self.mask = mask
        }
    }

    /// Where an image's mask comes from.
    public enum MaskSource: Sendable {
        /// A label image (gray class ids, or VOC colours) at this path.
        case labelImage(String)
        /// Shapes drawn in order (later ones on top) over background, with the label file that holds them.
        case shapes([Shape], labelFile: String)
    }

    /// One example's files.
    public struct Item: Sendable {
        /// The image's path.
        public var image: String
        /// Its mask.
        public var mask: MaskSource

        /// An item.
        public init(image: String, mask: MaskSource) {
            self.image = image
            self.mask = mask
        }
    }

    /// The examples, in order.
    public let items: [Item]
    /// The class names, background first.
    public let classNames: [String]
    /// The channels the model reads: 1 (gray) or 3 (RGB).
    public let channels: Int
    /// The mask value counted nowhere.
    public let ignoreIndex: Int
    /// The size every example is resized to (images smoothly, masks to the nearest pixel), or nil to keep each.
    public let imageSize: ImageSize?

    /// A dataset over `items`.
    public init(items: [Item], classNames: [String], channels: Int, ignoreIndex: Int = 255, imageSize: ImageSize? = nil) throws {
        guard channels == 1 || channels == 3 else { throw DataError.invalidArgument("segmentation images have 1 or 3 channels, not \(channels)") }
        guard classNames.count >= 2 else { throw DataError.invalidArgument("segmentation needs at least two classes (background and one more), got \(classNames.count)") }
        self.items = items
        self.classNames = classNames
        self.channels = channels
        self.ignoreIndex = ignoreIndex
        self.imageSize = imageSize
    }

    public var count: Int { items.count }

    /// The same examples with other channels or size.
    public func with(channels: Int? = nil, imageSize: ImageSize?) throws -> SegmentationDataset {
        try SegmentationDataset(items: items, classNames: classNames, channels: channels ?? self.channels, ignoreIndex: ignoreIndex, imageSize: imageSize)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) throws -> SegmentationDataset {
        try SegmentationDataset(items: indices.map { items[$0] }, classNames: classNames, channels: channels, ignoreIndex: ignoreIndex, imageSize: imageSize)
    }

    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: "<segmentation data>")
        let (image, mask) = try pair(at: index)
        return Example(input: image.tensor(), target: try Tensor(indices: mask.map(Int.init), shape: [image.height, image.width]))
    }

    /// The image (with the model's channels) and its class ids at `index`, both at ``imageSize`` when set.
    public func pair(at index: Int) throws -> (image: Image, classIDs: [UInt8]) {
        let item = items[index]
        var image = try Self.modelImage(item.image, channels: channels)
        var (ids, maskFile) = try classIDs(item.mask, size: image.size)
        var maskSize = image.size
        if let imageSize, imageSize != image.size {
            image = try image.resized(width: imageSize.width, height: imageSize.height, interpolation: imageSize.width < image.width ? .area : .bilinear)
            let maskImage = try Image(width: maskSize.width, height: maskSize.height, channels: 1, samples: .uint8(ids))
            guard case .uint8(let resized) = try maskImage.resized(width: imageSize.width, height: imageSize.height, interpolation: .nearest).samples else {
                throw DataError.malformed(file: maskFile, place: "mask", detail: "resizing changed the sample type")
            }
            ids = resized
            maskSize = imageSize
        }
        if let bad = ids.firstIndex(where: { Int($0) >= classNames.count && Int($0) != ignoreIndex }) {
            throw DataError.malformed(file: maskFile, place: "pixel (\(bad % maskSize.width), \(bad / maskSize.width))",
                                      detail: "class id \(ids[bad]) is beyond the \(classNames.count) classes (0...\(classNames.count - 1)) and is not the ignore value \(ignoreIndex)")
        }
        return (image, ids)
    }

    /// The class ids of a mask that must be `size`, with the file they come from.
    private func classIDs(_ source: MaskSource, size: ImageSize) throws -> ([UInt8], String) {
        switch source {
        case .labelImage(let path):
            let mask = try Self.readImage(path)
            guard mask.size == size else {
                throw DataError.malformed(file: path, place: "mask", detail: "the mask is \(mask.size) but its image is \(size)")
            }
            return (try MaskDecoding.classIDs(mask, ignoreIndex: ignoreIndex, file: path), path)
        case .shapes(let shapes, let labelFile):
            var ids = [UInt8](repeating: 0, count: size.width * size.height)
            for shape in shapes {
                guard (0...255).contains(shape.classID) else {
                    throw DataError.malformed(file: labelFile, place: "mask", detail: "class id \(shape.classID) does not fit an 8-bit mask")
                }
                var drawn = Mask(width: size.width, height: size.height)
                for polygon in shape.polygons { drawn.fill(polygon) }
                if let rle = shape.mask {
                    guard rle.width == size.width, rle.height == size.height else {
                        throw DataError.malformed(file: labelFile, place: "mask", detail: "an RLE mask is \(rle.width)x\(rle.height) but its image is \(size)")
                    }
                    let decoded = try rle.decoded()
                    for (pixel, value) in decoded.values.enumerated() where value != 0 { ids[pixel] = UInt8(shape.classID) }
                }
                for (pixel, value) in drawn.values.enumerated() where value != 0 { ids[pixel] = UInt8(shape.classID) }
            }
            return (ids, labelFile)
        }
    }

    /// The image at `path` for a model reading `channels` channels (alpha dropped); a colour
    /// image for a gray model, or the reverse, throws naming the file rather than converting.
    public static func modelImage(_ path: String, channels: Int) throws -> Image {
        try modelImage(readImage(path), file: path, channels: channels)
    }

    /// A decoded image for a model reading `channels` channels, as ``modelImage(_:channels:)``;
    /// `file` names it in the error.
    public static func modelImage(_ decoded: Image, file path: String, channels: Int) throws -> Image {
        let colour = decoded.channels >= 3
        if colour != (channels == 3) {
            throw DataError.malformed(file: path, place: "image", detail: channels == 3
                ? "the model reads RGB images; this one is gray (use an RGB image, or train a gray model)"
                : "the model reads gray images; this one is RGB (convert it to gray, or train an RGB model)")
        }
        return try decoded.withChannels(channels)
    }

    private static func readImage(_ path: String) throws -> Image {
        do {
            return try Image(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataError.unreadable(file: path, reason: "\(error)")
        }
    }
}
