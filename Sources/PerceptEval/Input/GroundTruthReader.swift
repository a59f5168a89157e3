import PerceptLabels

/// Reads a COCO instances file for evaluation. Records that cannot be evaluated are left out
/// and reported as errors naming the record (`annotations[4].area: missing`); things
/// pycocotools would also pass over are warnings.
public enum COCOGroundTruthReader {
    /// Reads `bytes` (the file `file`) for an evaluation of `iouType`; keypoints must number as
    /// many as the category's sigmas. Throws only when the text is not JSON or the top level is
    /// not an object.
    public static func read(_ bytes: [UInt8], file: String, iouType: COCOIoUType,
                            keypointSigmas: COCOKeypointSigmas = .standard) throws
        -> (groundTruth: COCOGroundTruth, problems: [LabelProblem]) {
        let root = try JSONParser.parse(bytes, file: file)
        guard root.members != nil else {
            throw LabelError.invalid(file: file, place: "top level", detail: "expected an object with images, annotations and categories, found \(root.kindName)")
        }
        var problems: [LabelProblem] = []
        func records(_ key: String, required: Bool) -> [JSONValue] {
            guard let value = root[key] else {
                if required { problems.append(LabelProblem(file: file, severity: .error, message: "missing '\(key)' (expected an array)")) }
                return []
            }
            guard let elements = value.array else {
                problems.append(LabelProblem(file: file, severity: .error, message: "'\(key)' is \(value.kindName), expected an array"))
                return []
            }
            return elements
        }
        func each(_ key: String, required: Bool = true, _ body: (EntryFields) throws -> Void) {
            for (index, element) in records(key, required: required).enumerated() {
                do {
                    try body(try EntryFields(element, file: file, place: "\(key)[\(index)]"))
                } catch let error as LabelError {
                    problems.append(error.problem)
                } catch {
                    problems.append(LabelProblem(file: file, severity: .error, message: "\(key)[\(index)]: \(error)"))
                }
            }
        }

        var images: [COCOEvaluationImage] = [], imagesByID: [Int: COCOEvaluationImage] = [:]
        each("images") { fields in
            let image = COCOEvaluationImage(id: try fields.integer("id"), width: try fields.integer("width"), height: try fields.integer("height"))
            guard imagesByID[image.id] == nil else { throw fields.invalid("id", "image id \(image.id) appears twice") }
            imagesByID[image.id] = image
            images.append(image)
        }
        var categories: [LabelCategory] = [], keypointCounts: [Int: Int] = [:]
        each("categories") { fields in
            let id = try fields.integer("id")
            guard let name = fields.value["name"]?.string else { throw fields.invalid("name", "missing (expected a string)") }
            guard keypointCounts[id] == nil else { throw fields.invalid("id", "category id \(id) appears twice") }
            keypointCounts[id] = keypointSigmas.sigmas(forCategory: id, named: name).count
            categories.append(LabelCategory(id: id, name: name))
        }
        var objects: [COCOGroundTruthObject] = [], annotationIDs: Set<Int> = []
        var unknownImages = 0, unknownCategories = 0, zeroIDs = 0
        each("annotations", required: false) { fields in
            let id = try fields.integer("id")
            guard annotationIDs.insert(id).inserted else {
                throw fields.invalid("id", "annotation id \(id) appears twice (pycocotools would evaluate the last one in both places)")
            }
            var object = COCOGroundTruthObject(id: id, imageID: try fields.integer("image_id"),
                                               categoryID: try fields.integer("category_id"), box: [], area: 0)
            guard let image = imagesByID[object.imageID] else { unknownImages += 1; return }
            guard let expectedKeypoints = keypointCounts[object.categoryID] else { unknownCategories += 1; return }
            object.area = try fields.finiteNumber("area")
            object.isCrowd = try fields.crowdFlag()
            if iouType != .segm || fields.has("bbox") { object.box = try fields.box() }
            switch iouType {
            case .bbox: break
            case .segm: object.mask = try fields.mask(in: image)
            case .keypoints:
                object.keypoints = try fields.numbers("keypoints", expected: "\(expectedKeypoints) [x, y, visibility] triplets") { $0 == 3 * expectedKeypoints }
                object.keypointCount = try fields.integer("num_keypoints")
            }
            if id == 0 { zeroIDs += 1 }
            objects.append(object)
        }
        if unknownImages > 0 {
            problems.append(LabelProblem(file: file, severity: .warning, message: "\(unknownImages) annotation(s) of images not listed in 'images' are not evaluated"))
        }
        if unknownCategories > 0 {
            problems.append(LabelProblem(file: file, severity: .warning, message: "\(unknownCategories) annotation(s) of categories not listed in 'categories' are not evaluated"))
        }
        if zeroIDs > 0 {
            problems.append(LabelProblem(file: file, severity: .warning,
                message: "an annotation has id 0: pycocotools counts a detection matched to it as a miss, and so does this evaluation"))
        }
        return (COCOGroundTruth(images: images, categories: categories, objects: objects), problems)
    }
}
