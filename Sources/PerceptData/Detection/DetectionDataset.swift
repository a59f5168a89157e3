import Foundation
import PerceptAugment
import PerceptImage
import PerceptLabels
import PerceptTensor

/// One split of a detection dataset — a YOLO `data.yaml` folder or a COCO folder, read through
/// `PerceptLabels` — whose examples are letterboxed `[3, s, s]` inputs in `0...1` with `[n, 5]`
/// targets (class, cx, cy, w, h normalised to the input; `n` may be 0 for a background image).
/// Class names come from the dataset, in category-id order. Images whose header cannot be read
/// are left out with a warning; labels with class ids beyond the names, splits that do not
/// exist and unreadable annotation files are errors.
///
/// ```swift
/// let train = try DetectionDataset(data: URL(fileURLWithPath: "shapes/data.yaml"), split: "train", imageSize: 320)
/// let loader = try DataLoader(train, batchSize: 16, collation: .detection)
/// ```
public struct DetectionDataset: Dataset {
    /// One image and its objects.
    public struct Record: Equatable, Sendable {
        /// The image file.
        public var file: URL
        /// The image's displayed size, from its header.
        public var size: ImageSize
        /// Object boxes, absolute xyxy in the image's pixels.
        public var boxes: [BoundingBox]
        /// One class index per box.
        public var classes: [Int]
    }

    /// The class names; a class index points into this array.
    public let classNames: [String]
    /// The side of the square inputs.
    public let imageSize: Int
    /// The split's images, in the reader's (sorted) order.
    public let records: [Record]
    /// What was read but not quite right: images left out, images without a label file.
    public let warnings: [LabelProblem]
    /// The dataset's folder, for messages.
    public let name: String
    /// The letterbox used for examples.
    private let augmentation: DetectionAugmentation

    /// Reads split `split` (`train`, `val`, …) of the dataset at `data`: a `data.yaml` (or any
    /// `.yaml`) file, or a folder holding a YOLO or COCO dataset. COCO images take their split
    /// from the first folder of their file name (`train/…`); a COCO dataset without such folders
    /// is all `train`.
    public init(data: URL, split: String, imageSize: Int) throws {
        let folder = data.pathExtension.lowercased() == "yaml" ? data.deletingLastPathComponent() : data
        guard let format = DatasetFormat.detect(folder: folder), format == .yolo || format == .coco else {
            throw DataError.unreadable(file: data.path, reason: "expected a YOLO data.yaml or a COCO annotations.json in the folder")
        }
        let (labels, problems) = format.read(folder: folder)
        var warnings: [LabelProblem] = [], skipped = Set<String>()
        for problem in problems {
            if problem.severity == .warning {
                warnings.append(problem)
            } else if ImageFormat(fileExtension: URL(fileURLWithPath: problem.file).pathExtension) != nil {
                skipped.insert(problem.file)
                warnings.append(LabelProblem(file: problem.file, severity: .warning, message: "left out: \(problem.message)"))
            } else {
                let more = problems.filter { $0.severity == .error }.count - 1
                throw DataError.malformed(file: problem.file, place: problem.line.map { "line \($0)" } ?? "dataset",
                                          detail: problem.message + (more > 0 ? " (and \(more) more problems; `percept validate` lists them)" : ""))
            }
        }
        let categories = labels.categories.sorted { $0.id < $1.id }
        let classOfCategory = Dictionary(categories.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let byImage = labels.annotationsByImage
        var records: [Record] = []
        for image in labels.images where Self.split(of: image, format: format) == split {
            guard let file = image.source, !skipped.contains(file.path) else { continue }
            guard FileManager.default.fileExists(atPath: file.path) else {
                warnings.append(LabelProblem(file: file.path, severity: .warning, message: "left out: the image file does not exist"))
                continue
            }
            var record = Record(file: file, size: image.size, boxes: [], classes: [])
            for annotation in byImage[image.id] ?? [] where !annotation.isCrowd {
                guard let box = annotation.effectiveBox, let classIndex = classOfCategory[annotation.categoryID] else {
                    throw DataError.malformed(file: file.path, place: "annotation \(annotation.id)",
                                              detail: "category \(annotation.categoryID) is not one of the dataset's \(categories.count) categories")
                }
                record.boxes.append(box)
                record.classes.append(classIndex)
            }
            records.append(record)
        }
        guard !records.isEmpty else {
            throw DataError.unreadable(file: data.path, reason: "split '\(split)' holds no readable images")
        }
        classNames = categories.map(\.name)
        self.imageSize = imageSize
        self.records = records
        self.warnings = warnings
        name = data.path
        augmentation = try DetectionAugmentation(imageSize: imageSize)
    }

    /// The split an image belongs to: YOLO's recorded split, or COCO's first folder.
    private static func split(of image: DatasetImage, format: DatasetFormat) -> String {
        if let split = image.split { return split }
        guard format == .coco, let slash = image.file.firstIndex(of: "/") else { return "train" }
        let folder = String(image.file[..<slash])
        return ["train", "val", "test"].contains(folder) ? folder : "train"
    }

    public var count: Int { records.count }

    /// The image at `index` decoded as 8-bit RGB at its own size, with its boxes and classes;
    /// throws ``DataError/badImage(file:reason:)`` naming the file when it cannot be decoded.
    public func sample(at index: Int) throws -> Sample {
        try DataError.checkIndex(index, count: count, file: name)
        let record = records[index]
        let image: Image
        do {
            image = try Image(contentsOf: record.file).withChannels(3).converted(to: .uint8)
        } catch {
            throw DataError.badImage(file: record.file.path, reason: "\(error)")
        }
        let scaleX = Double(image.width) / Double(record.size.width), scaleY = Double(image.height) / Double(record.size.height)
        let boxes = record.boxes.map { BoundingBox(minX: $0.minX * scaleX, minY: $0.minY * scaleY, maxX: $0.maxX * scaleX, maxY: $0.maxY * scaleY) }
        return try Sample(image: image, boxes: boxes, labels: record.classes)
    }

    /// The example at `index`: the image letterboxed to `imageSize` and its targets.
    public func example(at index: Int) throws -> Example {
        try DetectionTargets.example(from: letterboxed(at: index).sample)
    }

    /// The letterboxed sample at `index` and the frame that maps its boxes back to the image
    /// (``FrameParameters/sourceBox(_:)``).
    public func letterboxed(at index: Int) throws -> (sample: Sample, frame: FrameParameters) {
        try augmentation.letterboxed(sample(at: index))
    }
}
