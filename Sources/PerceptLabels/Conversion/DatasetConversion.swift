import Foundation
import PerceptImage

/// Everything between a dataset as read and the files of another format: class edits
/// (`--classes`, `--remap`, `--drop-classes`), clipping of float drift at the border, new
/// names for images whose files would land on the same path, the labels and images, and
/// `conversion-report.json`. `percept convert` and the annotator's export both write through
/// it, so the same dataset gives the same bytes.
///
///     let conversion = DatasetConversion(to: .yolo)
///     let report = try conversion.write(dataset, from: .coco, to: outputFolder)
public struct DatasetConversion: Sendable {
    /// The name of the report written beside the converted labels.
    public static let reportFileName = "conversion-report.json"

    /// The format written.
    public var target: DatasetFormat
    /// How image files reach the output.
    public var placement: ImagePlacement
    /// Fixes class ids and order; classes it does not list are left out.
    public var classes: ClassRegistry?
    /// Renames (or, two names to one, merges) classes before anything else.
    public var remapping: [String: String]
    /// Classes removed with their annotations, after remapping.
    public var droppedClasses: Set<String>
    /// Boxes crossing the image border by at most this many pixels are clipped as float drift.
    public var borderTolerance: Double
    /// Keep VOC's box edges fractional instead of rounding them to whole pixels.
    public var floatCoordinates: Bool

    /// A conversion into `target`.
    public init(to target: DatasetFormat, placement: ImagePlacement = .copy, classes: ClassRegistry? = nil,
                remapping: [String: String] = [:], droppedClasses: Set<String> = [], borderTolerance: Double = 0.5,
                floatCoordinates: Bool = false) {
        self.target = target
        self.placement = placement
        self.classes = classes
        self.remapping = remapping
        self.droppedClasses = droppedClasses
        self.borderTolerance = borderTolerance
        self.floatCoordinates = floatCoordinates
    }

    /// The dataset ready to write and what preparing it changed.
    public struct Prepared: Sendable {
        /// The dataset as it will be written.
        public var dataset: LabelDataset
        /// Images given new file names so no two land on one path.
        public var renamed: [ConversionReport.Renamed]
        /// Classes missing from `classes`, whose annotations were left out.
        public var unlistedClasses: [String]
        /// Annotations removed by `droppedClasses` or `classes`.
        public var removedAnnotations: Int
        /// Boxes and polygons clipped to the image as border drift.
        public var clippedAnnotations: Int
    }

    /// Applies the class edits, clips border drift and renames clashing images.
    public func prepare(_ dataset: LabelDataset) -> Prepared {
        var edited = dataset
        if !remapping.isEmpty { edited.renameClasses(remapping) }
        let before = edited.annotations.count
        if !droppedClasses.isEmpty { edited.dropClasses(droppedClasses) }
        let unlisted = classes.map { edited.adoptClasses($0) } ?? []
        let clipped = clipDrift(&edited)
        let renamed = DatasetConversion.separateFileNames(&edited, for: target)
        return Prepared(dataset: edited, renamed: renamed, unlistedClasses: unlisted,
                        removedAnnotations: before - edited.annotations.count, clippedAnnotations: clipped)
    }

    /// Prepares `dataset` (read as `source`) and writes it with `conversion-report.json` into
    /// `folder`; returns the report written. `recordedAs` is the folder's final path when
    /// `folder` is a staging folder (see `OutputFolder.write`).
    @discardableResult
    public func write(_ dataset: LabelDataset, from source: DatasetFormat, to folder: URL, recordedAs: URL? = nil) throws -> ConversionReport {
        try write(prepare(dataset), from: source, to: folder, recordedAs: recordedAs)
    }

    /// Writes an already prepared dataset (so a caller can show the preparation first).
    @discardableResult
    public func write(_ prepared: Prepared, from source: DatasetFormat, to folder: URL, recordedAs: URL? = nil) throws -> ConversionReport {
        let report = self.report(prepared, from: source)
        try target.write(prepared.dataset, to: folder, images: placement, recordedAs: recordedAs, floatCoordinates: floatCoordinates)
        try DatasetFiles.write(JSONWriter.encode(report.json), to: folder.appendingPathComponent(DatasetConversion.reportFileName))
        return report
    }

    /// What writing `prepared` (read as `source`) loses, and the images it renames.
    public func report(_ prepared: Prepared, from source: DatasetFormat) -> ConversionReport {
        var report = ConversionReport(dataset: prepared.dataset, from: source, to: target,
                                      roundsCoordinates: target == .voc && !floatCoordinates)
        report.renamed = prepared.renamed
        return report
    }

    /// The files `write` would create, relative to the output folder and sorted, found by
    /// writing into a temporary folder with links in place of image copies.
    public func plannedFiles(_ prepared: Prepared, from source: DatasetFormat) throws -> [String] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("percept-plan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var planner = self
        planner.placement = placement == .none ? .none : .symbolicLink
        try planner.write(prepared, from: source, to: scratch)
        return DatasetFiles.files(under: scratch)
    }

    /// Clips boxes and polygon points that cross the image border by no more than the
    /// tolerance; returns how many annotations changed.
    private func clipDrift(_ dataset: inout LabelDataset) -> Int {
        let sizes = Dictionary(dataset.images.map { ($0.id, $0.size) }, uniquingKeysWith: { first, _ in first })
        var changed = 0
        for index in dataset.annotations.indices {
            guard let size = sizes[dataset.annotations[index].imageID] else { continue }
            let width = Double(size.width), height = Double(size.height)
            var annotation = dataset.annotations[index]
            if let box = annotation.box {
                let overshoot = max(-box.minX, -box.minY, box.maxX - width, box.maxY - height)
                if overshoot > 0, overshoot <= borderTolerance { annotation.box = box.clipped(to: size) }
            }
            annotation.polygons = annotation.polygons.map { polygon in
                polygon.mapped { point in
                    let inside = point.x >= -borderTolerance && point.y >= -borderTolerance
                        && point.x <= width + borderTolerance && point.y <= height + borderTolerance
                    return inside ? Point(x: min(max(point.x, 0), width), y: min(max(point.y, 0), height)) : point
                }
            }
            if annotation != dataset.annotations[index] {
                dataset.annotations[index] = annotation
                changed += 1
            }
        }
        return changed
    }

    /// Gives a new name (`<stem>_2.<ext>`, `_3`, …) to every image whose label or image file
    /// would land where an earlier image's does in `target` (same name from different
    /// subfolders or splits, or the same stem with another extension); returns the renamings.
    public static func separateFileNames(_ dataset: inout LabelDataset, for target: DatasetFormat) -> [ConversionReport.Renamed] {
        let byImage = target == .folders ? dataset.annotationsByImage : [:]
        let keepsSplits = target == .yolo || (target == .folders && dataset.images.contains { $0.split != nil })
        var taken = Set<String>(), renamed: [ConversionReport.Renamed] = []
        for index in dataset.images.indices {
            let image = dataset.images[index]
            var prefix = keepsSplits ? "\(image.split ?? "train")/" : ""
            if target == .folders {
                prefix += ClassFolderDataset.dominantClass(byImage[image.id] ?? []).map { "\($0)/" } ?? ""
            }
            func key(_ file: String) -> String {
                // YOLO and VOC name label files by the image's stem, so a.png and a.jpg clash there.
                let stemmed = target == .yolo || target == .voc
                return prefix + (stemmed ? (file as NSString).deletingPathExtension : file)
            }
            var file = image.file
            var attempt = 1
            while taken.contains(key(file)) {
                attempt += 1
                let stem = (image.file as NSString).deletingPathExtension, ext = (image.file as NSString).pathExtension
                file = "\(stem)_\(attempt)" + (ext.isEmpty ? "" : ".\(ext)")
            }
            taken.insert(key(file))
            guard file != image.file else { continue }
            let splitPrefix = image.split.map { "\($0)/" } ?? ""
            renamed.append(ConversionReport.Renamed(from: splitPrefix + image.file, to: splitPrefix + file))
            dataset.images[index].file = file
        }
        return renamed
    }
}
