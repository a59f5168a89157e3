import Foundation
import GRDB
import PerceptImage
import PerceptLabels

/// What an import did: how many images and shapes it stored, and what it had to leave out.
public struct ImportSummary: Equatable, Sendable {
    /// Images of the folder that received shapes.
    public var images = 0
    /// Shapes stored.
    public var shapes = 0
    /// One line per thing left out (`file: warning: …`).
    public var warnings: [String] = []
}

extension AnnotationStore {
    /// Stores the labels of `dataset` (read by a `PerceptLabels` reader): its classes join the
    /// class list by name, and each of its images that matches an image of the folder (by
    /// relative path, else by a unique path suffix or file name) has its people's shapes replaced.
    public func importLabels(_ dataset: LabelDataset) throws -> ImportSummary {
        let classIDs = try ensureClasses(dataset.categories.map { ($0.id, $0.name) })
        let categoryToClass = Dictionary(dataset.categories.compactMap { category in classIDs[category.name].map { (category.id, $0) } },
                                         uniquingKeysWith: { first, _ in first })
        let matcher = ImageMatcher(images: try images())
        var summary = ImportSummary()
        var shapesByImage: [Int: [LabelShape]] = [:]
        let annotations = dataset.annotationsByImage
        for image in dataset.images {
            guard let record = matcher.match(image.file) else {
                summary.warnings.append("\(image.file): warning: no image of the folder matches; its labels were not imported")
                continue
            }
            var shapes: [LabelShape] = []
            for annotation in annotations[image.id] ?? [] {
                guard let classID = categoryToClass[annotation.categoryID] else {
                    summary.warnings.append("\(image.file): warning: annotation \(annotation.id) has unknown category \(annotation.categoryID)")
                    continue
                }
                let made = AnnotationStore.shapes(of: annotation, classID: classID, in: record)
                if made.isEmpty {
                    summary.warnings.append("\(image.file): warning: annotation \(annotation.id) has no box, polygon or keypoint the app can edit (crowd or mask only); left out")
                }
                shapes += made
            }
            shapesByImage[record.id, default: []] += shapes
        }
        try write { db in
            for (id, shapes) in shapesByImage.sorted(by: { $0.key < $1.key }) {
                let predictions = try AnnotationStore.state(of: id, in: db).shapes.filter { $0.source == .prediction }
                try db.execute(sql: "DELETE FROM shape WHERE imageID = ?", arguments: [id])
                try ShapeRow.insert(shapes + predictions, imageID: id, in: db)
                try AnnotationStore.refreshCounts(of: id, bumpVersion: true, in: db)
            }
        }
        summary.images = shapesByImage.count
        summary.shapes = shapesByImage.values.map(\.count).reduce(0, +)
        return summary
    }

    /// The editable shapes of an annotation, clipped into the image: its polygons, else its
    /// box, plus its labelled keypoints. Crowd regions and bare masks give none.
    static func shapes(of annotation: Annotation, classID: Int, in image: ImageRecord, score: Double? = nil) -> [LabelShape] {
        guard !annotation.isCrowd else { return [] }
        let width = Double(image.width), height = Double(image.height)
        func clip(_ point: Point) -> [Double] { [min(max(point.x, 0), width), min(max(point.y, 0), height)] }
        let attributes = JSONValue.object(annotation.attributes)
        var shapes: [LabelShape] = []
        for polygon in annotation.polygons where polygon.points.count >= 3 {
            shapes.append(LabelShape(kind: .polygon, classID: classID, coordinates: polygon.points.flatMap(clip),
                                attributes: attributes, score: score))
        }
        if shapes.isEmpty, let box = annotation.box {
            let corners = clip(Point(x: box.minX, y: box.minY)) + clip(Point(x: box.maxX, y: box.maxY))
            if corners[0] < corners[2], corners[1] < corners[3] {
                shapes.append(LabelShape(kind: .rect, classID: classID, coordinates: corners, attributes: attributes, score: score))
            }
        }
        for keypoint in annotation.keypoints where keypoint.visibility != .notLabeled {
            shapes.append(LabelShape(kind: .point, classID: classID, coordinates: clip(keypoint.point), attributes: attributes, score: score))
        }
        return shapes
    }
}

/// Finds the folder's image for a path written in a label file.
struct ImageMatcher {
    private var byPath: [String: ImageRecord] = [:]
    private var bySuffix: [String: [ImageRecord]] = [:]

    init(images: [ImageRecord]) {
        for image in images {
            byPath[image.path] = image
            let parts = image.path.split(separator: "/")
            for start in parts.indices {
                bySuffix[parts[start...].joined(separator: "/"), default: []].append(image)
            }
        }
    }

    /// The image at `file`, or the only image whose path ends with `file` (or its trailing
    /// components, so `images/train/a.jpg` finds `a.jpg`).
    func match(_ file: String) -> ImageRecord? {
        if let exact = byPath[file] { return exact }
        let parts = file.split(separator: "/")
        for start in parts.indices {
            if let candidates = bySuffix[parts[start...].joined(separator: "/")] {
                return candidates.count == 1 ? candidates[0] : nil
            }
        }
        return nil
    }
}
