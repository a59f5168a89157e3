import Foundation
import PerceptImage

/// Checks a dataset against its images and itself: missing or unreadable images, sizes that
/// disagree with the file (including labels made for the un-rotated pixels of an EXIF-rotated
/// photo), boxes outside the image or without area, unknown category and image ids, and
/// repeated ids. Every finding is a `LabelProblem`; nothing stops at the first one.
public struct DatasetValidator: Sendable {
    /// Decode every image fully (slow) instead of reading headers only, to find truncated files.
    public var decodeImages: Bool
    /// With `decodeImages`, report image data the decoder could only partly recover (a JPEG
    /// scan with bad codes or cut short) as a warning instead of an error.
    public var acceptDamagedImages: Bool
    /// How far (in pixels) a box may cross the image border before it is an error rather than
    /// a warning about float drift.
    public var borderTolerance: Double

    /// A validator with the given settings.
    public init(decodeImages: Bool = false, acceptDamagedImages: Bool = false, borderTolerance: Double = 0.5) {
        self.decodeImages = decodeImages
        self.acceptDamagedImages = acceptDamagedImages
        self.borderTolerance = borderTolerance
    }

    /// Reads `folder` as `format` (detected when nil) and validates the result.
    public func validate(folder: URL, format: DatasetFormat? = nil, registry: ClassRegistry? = nil) -> [LabelProblem] {
        guard let format = format ?? DatasetFormat.detect(folder: folder) else {
            return [LabelProblem(file: folder.path, severity: .error, message: "cannot tell the dataset format; expected COCO, YOLO, VOC, CVAT, Label Studio or class folders")]
        }
        let (dataset, problems) = format.read(folder: folder, registry: registry)
        return problems + validate(dataset, labelFile: folder.path)
    }

    /// Validates a dataset already read; `labelFile` names dataset-wide problems.
    public func validate(_ dataset: LabelDataset, labelFile: String) -> [LabelProblem] {
        var problems: [LabelProblem] = []
        func report(_ file: String, _ severity: ProblemSeverity, _ message: String) {
            problems.append(LabelProblem(file: file, severity: severity, message: message))
        }
        for (kind, ids) in [("image", dataset.images.map(\.id)), ("category", dataset.categories.map(\.id)),
                            ("annotation", dataset.annotations.map(\.id))] {
            var seen = Set<Int>()
            for id in ids where !seen.insert(id).inserted { report(labelFile, .error, "\(kind) id \(id) is used more than once") }
        }
        let categoryIDs = Set(dataset.categories.map(\.id))
        let images = Dictionary(dataset.images.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for image in dataset.images { checkImageFile(image, report: report) }
        for annotation in dataset.annotations {
            guard let image = images[annotation.imageID] else {
                report(labelFile, .error, "annotation \(annotation.id) refers to image id \(annotation.imageID), which does not exist")
                continue
            }
            let file = image.source?.path ?? image.file
            if !categoryIDs.contains(annotation.categoryID) {
                report(file, .error, "annotation \(annotation.id): unknown category id \(annotation.categoryID)")
            }
            guard let box = annotation.effectiveBox else { continue }
            if box.isEmpty {
                report(file, .error, "annotation \(annotation.id): degenerate box \(box) (no area)")
                continue
            }
            let overshoot = max(-box.minX, -box.minY, box.maxX - Double(image.width), box.maxY - Double(image.height))
            if overshoot > borderTolerance {
                report(file, .error, "annotation \(annotation.id): box \(box) lies outside the \(image.width)x\(image.height) image")
            } else if overshoot > 0 {
                report(file, .warning, "annotation \(annotation.id): box \(box) crosses the border by \(JSONWriter.format(overshoot)) px; clipped on conversion")
            }
        }
        return problems
    }

    private func checkImageFile(_ image: DatasetImage, report: (String, ProblemSeverity, String) -> Void) {
        guard let source = image.source else { return }
        let file = source.path
        guard FileManager.default.fileExists(atPath: file) else {
            report(file, .error, "image file is missing")
            return
        }
        do {
            let info = try ImageInfo(contentsOf: source)
            if decodeImages, let damage = try Image.readReportingDamage(contentsOf: source).damage {
                guard acceptDamagedImages else { throw damage }
                report(file, .warning, "damaged image data, decoded with gray where it is missing: \(damage.message)")
            }
            let displayed = info.displayedSize
            guard displayed != image.size else { return }
            if info.exifOrientation >= 5, image.width == info.width, image.height == info.height {
                report(file, .error, "labels give \(image.size), the stored un-rotated size; the image is shown as \(displayed) after EXIF orientation \(info.exifOrientation)")
            } else {
                report(file, .error, "labels give \(image.size), the image is \(displayed)")
            }
        } catch {
            report(file, .error, "cannot read the image: \(error)")
        }
    }
}
