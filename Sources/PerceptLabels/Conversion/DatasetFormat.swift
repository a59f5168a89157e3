import Foundation

/// The dataset layouts Percept reads and writes, with one entry point for each direction.
public enum DatasetFormat: String, Sendable, CaseIterable, Codable {
    /// COCO instances JSON with images under `images/`.
    case coco
    /// Ultralytics YOLO: `data.yaml`, `images/<split>`, `labels/<split>`.
    case yolo
    /// Pascal VOC XML per image.
    case voc
    /// CVAT for images 1.1 XML.
    case cvat
    /// Label Studio JSON export.
    case labelStudio = "labelstudio"
    /// One folder per class.
    case folders

    /// What the format can store.
    public var carries: Set<LabelFeature> {
        switch self {
        case .coco: Set(LabelFeature.allCases)
        case .yolo: [.boxes, .polygons]
        case .voc: [.boxes, .vocAttributes]
        case .cvat: [.boxes, .polygons, .multiPartPolygons, .vocAttributes, .attributes]
        case .labelStudio: [.boxes, .polygons, .multiPartPolygons]
        case .folders: []
        }
    }

    /// Reads the dataset in `folder`; names-only formats take ids from `registry`.
    public func read(folder: URL, registry: ClassRegistry? = nil) -> (dataset: LabelDataset, problems: [LabelProblem]) {
        switch self {
        case .coco: COCODataset.read(folder: folder)
        case .yolo: YOLODataset.read(folder: folder)
        case .voc: VOCDataset.read(folder: folder, registry: registry)
        case .cvat: CVATDataset.read(folder: folder, registry: registry)
        case .labelStudio: LabelStudioDataset.read(folder: folder, registry: registry)
        case .folders: ClassFolderDataset.read(folder: folder, registry: registry)
        }
    }

    /// Writes `dataset` into `folder` and places its images; `recordedAs` is the path files
    /// record as the dataset's own (YOLO's `path:`) when `folder` is a staging folder that
    /// will be renamed there. `floatCoordinates` keeps VOC's box edges fractional instead of
    /// rounding them to whole pixels.
    public func write(_ dataset: LabelDataset, to folder: URL, images: ImagePlacement = .copy, recordedAs: URL? = nil,
                      floatCoordinates: Bool = false) throws {
        switch self {
        case .coco: try COCODataset.write(dataset, to: folder, images: images)
        case .yolo: try YOLODataset.write(dataset, to: folder, images: images, recordedAs: recordedAs)
        case .voc: try VOCDataset.write(dataset, to: folder, images: images, floatCoordinates: floatCoordinates)
        case .cvat: try CVATDataset.write(dataset, to: folder, images: images)
        case .labelStudio: try LabelStudioDataset.write(dataset, to: folder, images: images)
        case .folders: try ClassFolderDataset.write(dataset, to: folder, images: images)
        }
    }

    /// Where `write` puts each image file, relative to the output folder, by image id; images
    /// the format leaves out (class folders: images without annotations) are absent.
    public func imageLocations(in dataset: LabelDataset) -> [Int: String] {
        guard self != .folders else { return ClassFolderDataset.imageLocations(in: dataset) }
        return Dictionary(dataset.images.map { ($0.id, location(of: $0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The image's path in formats where it depends on the image alone; class folders, where
    /// it depends on the class, go through `ClassFolderDataset.imageLocations` instead.
    func location(of image: DatasetImage) -> String {
        switch self {
        case .folders: image.file
        case .coco, .cvat, .labelStudio: "images/\(image.file)"
        case .voc: "JPEGImages/\(image.file)"
        case .yolo: "images/\(image.split ?? "train")/\(image.file)"
        }
    }

    /// Guesses the format of `folder` from the files it holds; nil when nothing fits.
    public static func detect(folder: URL) -> DatasetFormat? {
        // A conversion's own report is not a label file.
        let top = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0 != DatasetConversion.reportFileName }
        if top.contains(where: { $0.hasSuffix(".yaml") }) { return .yolo }
        if top.contains("annotations.xml") { return .cvat }
        if top.contains("Annotations") || top.contains(where: { $0.hasSuffix(".xml") }) { return .voc }
        if top.contains(LabelStudioDataset.fileName) { return .labelStudio }
        if let json = top.first(where: { $0.hasSuffix(".json") }) ?? (top.contains("annotations") ? "annotations" : nil) {
            // A Label Studio export is a list; a COCO file is an object.
            let url = folder.appendingPathComponent(json)
            if !DatasetFiles.isDirectory(url), let handle = try? FileHandle(forReadingFrom: url),
               let head = try? handle.read(upToCount: 256), let first = head.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) {
                return first == UInt8(ascii: "[") ? .labelStudio : .coco
            }
            return .coco
        }
        return DatasetFiles.subfolders(of: folder).isEmpty ? nil : .folders
    }
}

/// Something a dataset can hold that some formats cannot.
public enum LabelFeature: String, Sendable, CaseIterable, Codable {
    /// Boxes of objects.
    case boxes
    /// Polygon outlines.
    case polygons
    /// Objects outlined by more than one polygon.
    case multiPartPolygons = "multi_part_polygons"
    /// RLE masks of objects that are not crowd regions.
    case masks
    /// Keypoints.
    case keypoints
    /// Crowd regions (`iscrowd`).
    case crowd
    /// VOC's own object attributes: pose, truncated, difficult, occluded.
    case vocAttributes = "voc_attributes"
    /// Any other attribute.
    case attributes
    /// Prediction scores.
    case scores
    /// Category supercategories and keypoint names.
    case categoryDetails = "category_details"
    /// COCO info and licenses.
    case info
    /// Box edges between whole pixels (VOC is written in whole pixels unless asked otherwise).
    case fractionalCoordinates = "fractional_coordinates"
}
