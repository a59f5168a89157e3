import Foundation
import PerceptImage
import PerceptLabels

/// How `--data` is read for segmentation.
public struct SegmentationDataOptions: Sendable {
    /// The validation share when the data has no `train`/`val` split of its own.
    public var validationFraction: Double
    /// The seed of that split.
    public var seed: UInt64
    /// The channels of the images: 1 gray or 3 RGB (nil: those of the first image).
    public var channels: Int?
    /// The size examples are resized to (nil: keep each image's size).
    public var imageSize: ImageSize?
    /// The mask value counted nowhere.
    public var ignoreIndex: Int

    /// Options with the defaults: a 20 % validation split, seed 0, 255 ignored.
    public init(validationFraction: Double = 0.2, seed: UInt64 = 0, channels: Int? = nil, imageSize: ImageSize? = nil, ignoreIndex: Int = 255) {
        self.validationFraction = validationFraction
        self.seed = seed
        self.channels = channels
        self.imageSize = imageSize
        self.ignoreIndex = ignoreIndex
    }
}

/// Segmentation data split into training and validation sets, from a folder of one of two
/// kinds:
/// - label images: `images/` and `masks/` (each flat, or with `train/` and `val/`), a mask
///   per image with the same stem, and `classes.txt` (one name a line, background first), as
///   `percept dataset synth-shapes` writes;
/// - any labelled dataset Percept reads (COCO polygons and RLE, YOLO segmentation, CVAT,
///   Label Studio): each image's polygons and RLE masks are drawn in class order of the label
///   file's categories, class 0 being the background and crowd regions the ignore value.
public struct SegmentationData: Sendable {
    /// The training examples.
    public let train: SegmentationDataset
    /// The validation examples.
    public let validation: SegmentationDataset

    /// The class names, background first.
    public var classNames: [String] { train.classNames }

    /// Reads `folder`.
    public static func load(_ folder: String, options: SegmentationDataOptions = SegmentationDataOptions()) throws -> SegmentationData {
        let root = URL(fileURLWithPath: folder)
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("masks").path) else { return try fromLabels(root, options: options) }
        let classNames = try readClassNames(root.appendingPathComponent("classes.txt"))
        let images = root.appendingPathComponent("images"), masks = root.appendingPathComponent("masks")
        let splits = ["train", "val"].filter { ImageFolder.isFolder(images.appendingPathComponent($0)) }
        var items: [String: [SegmentationDataset.Item]] = [:]
        for split in splits.isEmpty ? [""] : splits {
            items[split] = try pairs(images: split.isEmpty ? images : images.appendingPathComponent(split),
                                     masks: split.isEmpty ? masks : masks.appendingPathComponent(split))
        }
        if splits.isEmpty {
            return try split(items[""] ?? [], classNames: classNames, file: folder, options: options)
        }
        return try make(train: items["train"] ?? [], validation: items["val"] ?? [], classNames: classNames, file: folder, options: options)
    }

    /// Images paired with masks of the same stem (any image extension); an image without a mask is an error naming it.
    private static func pairs(images: URL, masks: URL) throws -> [SegmentationDataset.Item] {
        let maskFiles = try ImageFolder.entries(of: masks).filter { ImageFormat(fileExtension: $0.pathExtension) != nil }
        let maskByStem = Dictionary(maskFiles.map { ($0.deletingPathExtension().lastPathComponent, $0.path) }, uniquingKeysWith: { first, _ in first })
        return try ImageFolder.entries(of: images).filter { ImageFormat(fileExtension: $0.pathExtension) != nil }.map { image in
            let stem = image.deletingPathExtension().lastPathComponent
            guard let mask = maskByStem[stem] else {
                throw DataError.malformed(file: image.path, place: "mask", detail: "no mask named \(stem).* in \(masks.path)")
            }
            return SegmentationDataset.Item(image: image.path, mask: .labelImage(mask))
        }
    }

    /// `classes.txt`: one name a line, blank lines skipped, at least two names.
    static func readClassNames(_ url: URL) throws -> [String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw DataError.unreadable(file: url.path, reason: "a mask dataset needs classes.txt: one class name a line, background first")
        }
        let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count >= 2 else {
            throw DataError.malformed(file: url.path, place: "classes", detail: "expected at least two class names (background first), found \(names.count)")
        }
        return names
    }

    /// A label-file dataset: shapes per image, split by the images' own split when they have one.
    private static func fromLabels(_ root: URL, options: SegmentationDataOptions) throws -> SegmentationData {
        guard let format = DatasetFormat.detect(folder: root), format != .folders, format != .voc else {
            throw DataError.unreadable(file: root.path, reason: "expected images/ with masks/ and classes.txt, or a COCO, YOLO, CVAT or Label Studio dataset with polygons")
        }
        let (labels, problems) = format.read(folder: root)
        if let error = problems.first(where: { $0.severity == .error }) { throw DataError.malformed(file: error.file, place: error.line.map { "line \($0)" } ?? "labels", detail: error.message) }
        let categories = labels.categories.sorted { $0.id < $1.id }
        let classOfCategory = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1.id, $0 + 1) })
        let byImage = labels.annotationsByImage, locations = format.imageLocations(in: labels)
        let labelFile = root.path
        var train: [SegmentationDataset.Item] = [], validation: [SegmentationDataset.Item] = [], unsplit: [SegmentationDataset.Item] = []
        for image in labels.images {
            let shapes = (byImage[image.id] ?? []).compactMap { annotation -> SegmentationDataset.Shape? in
                guard let classID = classOfCategory[annotation.categoryID], !annotation.polygons.isEmpty || annotation.mask != nil else { return nil }
                return SegmentationDataset.Shape(classID: annotation.isCrowd ? options.ignoreIndex : classID, polygons: annotation.polygons, mask: annotation.mask)
            }
            let path = image.source?.path ?? root.appendingPathComponent(locations[image.id] ?? image.file).path
            let item = SegmentationDataset.Item(image: path, mask: .shapes(shapes, labelFile: labelFile))
            // COCO records no split; its file names often carry it (`train/0001.png`).
            switch image.split ?? image.file.split(separator: "/").first.map(String.init) {
            case "train": train.append(item)
            case "val", "valid", "validation": validation.append(item)
            default: unsplit.append(item)
            }
        }
        let classNames = ["background"] + categories.map(\.name)
        if train.isEmpty || validation.isEmpty { return try split(train + validation + unsplit, classNames: classNames, file: root.path, options: options) }
        return try make(train: train + unsplit, validation: validation, classNames: classNames, file: root.path, options: options)
    }

    /// A seeded random split of `items` by the validation fraction.
    private static func split(_ items: [SegmentationDataset.Item], classNames: [String], file: String, options: SegmentationDataOptions) throws -> SegmentationData {
        let parts = try StratifiedSplit.indices(labels: [Int](repeating: 0, count: items.count),
                                                fractions: [1 - options.validationFraction, options.validationFraction], seed: options.seed)
        return try make(train: parts[0].map { items[$0] }, validation: parts[1].map { items[$0] }, classNames: classNames, file: file, options: options)
    }

    private static func make(train: [SegmentationDataset.Item], validation: [SegmentationDataset.Item], classNames: [String], file: String,
                             options: SegmentationDataOptions) throws -> SegmentationData {
        guard let first = train.first else { throw DataError.malformed(file: file, place: "images", detail: "no training images found") }
        let channels = try options.channels ?? {
            do { return try Image(contentsOf: URL(fileURLWithPath: first.image)).channels >= 3 ? 3 : 1 } catch {
                throw DataError.unreadable(file: first.image, reason: "\(error)")
            }
        }()
        let make = { (items: [SegmentationDataset.Item]) in
            try SegmentationDataset(items: items, classNames: classNames, channels: channels, ignoreIndex: options.ignoreIndex, imageSize: options.imageSize)
        }
        return SegmentationData(train: try make(train), validation: try make(validation))
    }
}
