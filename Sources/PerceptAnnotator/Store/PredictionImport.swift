import Foundation
import PerceptImage
import PerceptLabels

extension AnnotationStore {
    /// Stores the detections of a COCO results file (`[{image_id, category_id, bbox, score,
    /// segmentation?}]`) as proposals. Image ids are looked up in `groundTruth` (the COCO
    /// annotations file the results refer to), or each result names its image in `file_name`;
    /// categories match the class list by the ground truth's names, or else by id.
    public func importPredictions(results resultsBytes: [UInt8], file: String,
                                  groundTruth: LabelDataset? = nil) throws -> ImportSummary {
        let root: JSONValue
        do {
            root = try JSONParser.parse(resultsBytes, file: file)
        } catch {
            throw AnnotatorError.invalid(place: file, detail: "\(error)")
        }
        guard let results = root.array else {
            throw AnnotatorError.invalid(place: "\(file): top level", detail: "expected a COCO results list, found \(root.kindName)")
        }
        var classIDs = Dictionary(uniqueKeysWithValues: try classes().map { ($0.id, $0.id) })
        if let groundTruth {
            let byName = try ensureClasses(groundTruth.categories.map { ($0.id, $0.name) })
            for category in groundTruth.categories { classIDs[category.id] = byName[category.name] }
        }
        let files = Dictionary((groundTruth?.images ?? []).map { ($0.id, $0.file) }, uniquingKeysWith: { first, _ in first })
        let matcher = ImageMatcher(images: try images())
        var summary = ImportSummary()
        var proposals: [Int: [LabelShape]] = [:]
        for (index, result) in results.enumerated() {
            let place = "\(file): [\(index)]"
            guard let name = result["file_name"]?.string ?? result["image_id"]?.integer.flatMap({ files[$0] }) else {
                summary.warnings.append("\(place): warning: no file_name and no image_id known from the ground truth; skipped")
                continue
            }
            guard let image = matcher.match(name) else {
                summary.warnings.append("\(place): warning: no image of the folder matches '\(name)'; skipped")
                continue
            }
            guard let category = result["category_id"]?.integer, let classID = classIDs[category] else {
                summary.warnings.append("\(place): warning: category_id \(result["category_id"].map { "\($0)" } ?? "missing") is not in the class list; skipped")
                continue
            }
            guard let score = result["score"]?.number else {
                throw AnnotatorError.invalid(place: "\(place).score", detail: "expected a number")
            }
            var annotation = Annotation(id: index + 1, imageID: image.id, categoryID: category)
            if let box = result["bbox"]?.array?.compactMap(\.number), box.count == 4 {
                annotation.box = BoundingBox(x: box[0], y: box[1], width: box[2], height: box[3])
            }
            for part in result["segmentation"]?.array ?? [] {
                if let flat = part.array?.compactMap(\.number), let polygon = try? Polygon(flat: flat) {
                    annotation.polygons.append(polygon)
                }
            }
            let shapes = AnnotationStore.shapes(of: annotation, classID: classID, in: image, score: min(max(score, 0), 1))
            if shapes.isEmpty { summary.warnings.append("\(place): warning: no usable bbox or segmentation; skipped") }
            proposals[image.id, default: []] += shapes
        }
        try replacePredictions(proposals)
        summary.images = proposals.count
        summary.shapes = proposals.values.map(\.count).reduce(0, +)
        return summary
    }
}
