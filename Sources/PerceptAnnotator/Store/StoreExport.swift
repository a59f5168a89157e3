import Foundation
import GRDB
import PerceptImage
import PerceptLabels

extension AnnotationStore {
    /// The store as a `LabelDataset`: every image on disk (by path) whose status is in
    /// `statuses` (all when nil), the class list, and people's shapes (proposals are not
    /// labels until accepted). Annotation ids count from 1 in image order.
    public func labelDataset(statuses: Set<ImageStatus>? = nil) throws -> LabelDataset {
        let (allImages, classes, shapes) = try read { db in
            (try AnnotationStore.images(status: nil, in: db), try AnnotationStore.classes(in: db),
             try Row.fetchAll(db, sql: "SELECT * FROM shape WHERE source = 'user' ORDER BY imageID, position"))
        }
        let images = statuses.map { wanted in allImages.filter { wanted.contains($0.status) } } ?? allImages
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

    /// What an export must keep clear of: the image folder and the database.
    public var protectedLocations: [OutputFolder.Protected] {
        [OutputFolder.Protected(root, role: "image folder"), OutputFolder.Protected(databaseURL, role: "annotation store")]
    }

    /// `path` checked as an export target under the output-folder rule (`argument` names it
    /// in messages); writes nothing.
    public func exportTarget(_ path: String, argument: String, force: Bool) throws(OutputFolderError) -> OutputFolder {
        try OutputFolder(path: path, argument: argument, protecting: protectedLocations, force: force)
    }

    /// Writes the labels of the images whose status is in `statuses` (all when nil) in
    /// `format` into `target` (checked by `exportTarget`) through `DatasetConversion`, as
    /// `percept convert` does, with `conversion-report.json`. The folder is written beside the
    /// target and renamed into place (`OutputFolder.write`), so a failed export leaves the
    /// old one intact. `floatCoordinates` keeps VOC's box edges fractional.
    public func export(to target: OutputFolder, format: DatasetFormat, statuses: Set<ImageStatus>? = nil,
                       images placement: ImagePlacement = .copy, floatCoordinates: Bool = false,
                       command: String = "percept annotate export") throws -> ConversionReport {
        let dataset = try labelDataset(statuses: statuses)
        // The same preparation and writers as `percept convert`, so both give the same files.
        let conversion = DatasetConversion(to: format, placement: placement, floatCoordinates: floatCoordinates)
        do {
            return try target.write(command: command) { folder in
                try conversion.write(dataset, from: .coco, to: folder, recordedAs: target.location)
            }
        } catch let error as LabelError {
            throw AnnotatorError.unreadable(file: target.location.path, reason: error.description)
        }
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
