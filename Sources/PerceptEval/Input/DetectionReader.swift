import PerceptLabels

/// Reads a COCO results file (a list of detections) against its ground truth, completing each
/// detection as pycocotools' `loadRes` does: the first result decides whether areas come from
/// boxes (`bbox`), masks (`segmentation`) or keypoint extents (`keypoints`).
///
/// Results that cannot be evaluated are left out and reported as errors naming the entry:
/// an image id or category id the ground truth does not have, a missing or non-finite score
/// (`NaN`), a box with negative width or height, a mask whose size differs from its image,
/// keypoints of the wrong count.
public enum COCODetectionReader {
    /// Where the detections' areas and boxes come from (decided by the first result).
    enum Kind {
        case box, mask, keypoints
    }

    /// Reads `bytes` (the file `file`) for an evaluation of `iouType` against `groundTruth`.
    /// Throws only when the text is not JSON or the top level is not a list.
    public static func read(_ bytes: [UInt8], file: String, groundTruth: COCOGroundTruth, iouType: COCOIoUType,
                            keypointSigmas: COCOKeypointSigmas = .standard) throws
        -> (detections: [COCODetection], problems: [LabelProblem]) {
        let root = try JSONArraySplitter.parse(bytes, file: file, allowingNonFiniteNumbers: true)
        guard let elements = root.array else {
            throw LabelError.invalid(file: file, place: "top level", detail: "expected a list of results, found \(root.kindName)")
        }
        guard let first = elements.first else {
            return ([], [LabelProblem(file: file, severity: .warning, message: "the results list is empty")])
        }
        let kind: Kind
        if let box = first["bbox"]?.array, !box.isEmpty {
            kind = .box
        } else if first["segmentation"].map({ $0 != .null }) ?? false {
            kind = .mask
        } else if first["keypoints"].map({ $0 != .null }) ?? false {
            kind = .keypoints
        } else {
            throw LabelError.invalid(file: file, place: "[0]", detail: "the first result has no bbox, segmentation or keypoints, so the kind of results is unknown")
        }
        let images = Dictionary(groundTruth.images.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let keypointCounts = Dictionary(groundTruth.categories.map {
            ($0.id, keypointSigmas.sigmas(forCategory: $0.id, named: $0.name).count)
        }, uniquingKeysWith: { first, _ in first })
        // Entries are checked and completed across the cores, then gathered in file order.
        let entries: [Result<COCODetection, LabelError>] = parallelMap(count: elements.count, minimumChunk: 512) { index in
            Result {
                try detection(elements[index], index: index, file: file, kind: kind, iouType: iouType, images: images, keypointCounts: keypointCounts)
            }.mapError { $0 as? LabelError ?? .invalid(file: file, place: "[\(index)]", detail: "\($0)") }
        }
        var detections: [COCODetection] = [], problems: [LabelProblem] = []
        detections.reserveCapacity(entries.count)
        for entry in entries {
            switch entry {
            case .success(let detection): detections.append(detection)
            case .failure(let error): problems.append(error.problem)
            }
        }
        return (detections, problems)
    }

    /// One result completed as `loadRes` completes it; throws for what cannot be evaluated.
    private static func detection(_ element: JSONValue, index: Int, file: String, kind: Kind, iouType: COCOIoUType,
                                  images: [Int: COCOEvaluationImage], keypointCounts: [Int: Int]) throws -> COCODetection {
        let fields = try EntryFields(element, file: file, place: "[\(index)]")
        let imageID = try fields.integer("image_id"), categoryID = try fields.integer("category_id")
        guard let image = images[imageID] else {
            throw fields.invalid("image_id", "image \(imageID) is not in the ground truth")
        }
        guard let keypointCount = keypointCounts[categoryID] else {
            throw fields.invalid("category_id", "category \(categoryID) is not in the ground truth")
        }
        let score = try fields.finiteNumber("score")
        var detection = COCODetection(id: index + 1, imageID: imageID, categoryID: categoryID, box: [], area: 0, score: score)
        switch kind {
        case .box:
            detection.box = try fields.box()
            detection.area = detection.box[2] * detection.box[3]
            if iouType == .segm {
                detection.mask = fields.has("segmentation") ? try fields.mask(in: image) : try boxMask(detection.box, image: image, fields: fields)
            }
        case .mask:
            let mask = try fields.mask(in: image)
            detection.area = Double(mask.area)
            detection.box = fields.has("bbox") ? try fields.box() : mask.cocoBox
            if iouType == .segm { detection.mask = mask }
        case .keypoints:
            let keypoints = try fields.numbers("keypoints", expected: "[x, y, visibility] triplets") { $0 > 0 && $0 % 3 == 0 }
            let xs = stride(from: 0, to: keypoints.count, by: 3).map { keypoints[$0] }
            let ys = stride(from: 1, to: keypoints.count, by: 3).map { keypoints[$0] }
            let (left, right, top, bottom) = (xs.min() ?? 0, xs.max() ?? 0, ys.min() ?? 0, ys.max() ?? 0)
            detection.area = (right - left) * (bottom - top)
            detection.box = [left, top, right - left, bottom - top]
        }
        if iouType == .keypoints {
            detection.keypoints = try fields.numbers("keypoints", expected: "\(keypointCount) [x, y, visibility] triplets") { $0 == 3 * keypointCount }
        }
        return detection
    }

    /// The mask of a box, as pycocotools makes one for box results evaluated as masks: the
    /// polygon through its four corners.
    private static func boxMask(_ box: [Double], image: COCOEvaluationImage, fields: EntryFields) throws -> RunLengthEncoding {
        do {
            return try RunLengthEncoding(cocoBox: box, height: image.height, width: image.width)
        } catch LabelError.invalidArgument(let detail) {
            throw fields.invalid("bbox", detail)
        }
    }
}
