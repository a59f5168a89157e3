import Foundation
import GRDB
import PerceptImage
import PerceptLabels

extension AnnotationStore {
    /// The store as a `LabelDataset`: every image on disk (by path), the class list, and
    /// people's shapes (proposals are not labels until accepted). Annotation ids count from 1
    /// in image order.
    public func labelDataset() throws -> LabelDataset {
        let (images, classes, shapes) = try read { db in
            (try AnnotationStore.images(status: nil, in: db), try AnnotationStore.classes(in: db),
             try Row.fetchAll(db, sql: "SELECT * FROM shape WHERE source = 'user' ORDER BY imageID, position"))
        }
        var byImage: [Int: [LabelShape]] = [:]
        for row in shapes { byImage[row["imageID"], default: []].append(ShapeRow.shape(row)) }
        var dataset = LabelDataset(categories: classes.map { LabelCategory(id: $0.id, name: $0.name) })
        for image in images {
            dataset.images.append(DatasetImage(id: image.id, file: image.path, width: image.width, height: image.height,
                                               source: root.appendingPathComponent(image.path)))
            for shape in byImage[image.id] ?? [] {
                dataset.annotations.append(AnnotationStore.annotation(shape, id: dataset.annotations.count + 1, imageID: image.id))
            }
        }
        return dataset
    }

    /// Writes the labels in `format` into `target` through `DatasetConversion` (as `percept
    /// convert` does), with `conversion-report.json`; `target`
    /// must not exist or be empty unless `force`, and must not be inside the served folder.
    /// The files are written into a hidden sibling folder reached through a symbolic link at
    /// `target` (so paths the writers record, such as YOLO's `path:`, name `target`), and the
    /// finished folder is then renamed into place: a failed export leaves the old one intact.
    public func export(to target: URL, format: DatasetFormat, force: Bool = false,
                       images placement: ImagePlacement = .copy) throws -> ConversionReport {
        let target = target.standardizedFileURL
        let manager = FileManager.default
        let resolvedRoot = root.resolvingSymlinksInPath().path
        let resolvedTarget = target.resolvingSymlinksInPath().path
        guard resolvedTarget != resolvedRoot, !FolderScanner.isInside(resolvedTarget, root: resolvedRoot) else {
            throw AnnotatorError.forbidden("\(target.path): the export must not be written into the image folder \(root.path)")
        }
        let existing = (try? manager.contentsOfDirectory(atPath: target.path)) ?? []
        if manager.fileExists(atPath: target.path), !existing.isEmpty, !force {
            throw AnnotatorError.invalid(place: "target", detail: "the folder exists and is not empty; use --force (API: \"force\": true) to replace it")
        }
        let dataset = try labelDataset()
        // The same preparation and writers as `percept convert`, so both give the same files.
        let conversion = DatasetConversion(to: format, placement: placement)
        let report: ConversionReport
        let parent = target.deletingLastPathComponent(), name = target.lastPathComponent, unique = UUID().uuidString
        let staging = parent.appendingPathComponent(".\(name).partial-\(unique)")
        let previous = parent.appendingPathComponent(".\(name).previous-\(unique)")
        let hadPrevious = manager.fileExists(atPath: target.path)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            if hadPrevious { try manager.moveItem(at: target, to: previous) }
            try manager.createSymbolicLink(at: target, withDestinationURL: staging)
            report = try conversion.write(dataset, from: .coco, to: target)
            try manager.removeItem(at: target)
            try manager.moveItem(at: staging, to: target)
            if hadPrevious { try? manager.removeItem(at: previous) }
        } catch {
            if (try? manager.destinationOfSymbolicLink(atPath: target.path)) != nil { try? manager.removeItem(at: target) }
            try? manager.removeItem(at: staging)
            if hadPrevious, !manager.fileExists(atPath: target.path) { try? manager.moveItem(at: previous, to: target) }
            if let error = error as? LabelError { throw AnnotatorError.unreadable(file: target.path, reason: error.description) }
            throw AnnotatorError.unreadable(file: target.path, reason: error.localizedDescription)
        }
        return report
    }

    /// A shape as an annotation of the shared label model: a rect is a box, a polygon an
    /// outline with its enclosing box (as COCO stores it), a point one keypoint.
    static func annotation(_ shape: LabelShape, id: Int, imageID: Int) -> Annotation {
        let values = shape.coordinates
        var annotation = Annotation(id: id, imageID: imageID, categoryID: shape.classID,
                                    attributes: shape.attributes.members ?? [])
        switch shape.kind {
        case .rect:
            annotation.box = BoundingBox(minX: values[0], minY: values[1], maxX: values[2], maxY: values[3])
        case .polygon:
            let points = stride(from: 0, to: values.count - 1, by: 2).map { Point(x: values[$0], y: values[$0 + 1]) }
            annotation.polygons = [Polygon(points: points)]
            annotation.box = BoundingBox(enclosing: points)
        case .point:
            annotation.keypoints = [Keypoint(x: values[0], y: values[1])]
            annotation.keypointCount = 1
        }
        return annotation
    }
}
