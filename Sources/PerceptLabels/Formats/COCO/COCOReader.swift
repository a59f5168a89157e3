import PerceptImage
import PerceptMessages

/// Reads COCO instances JSON into a `LabelDataset`. Unknown fields are kept (images: `extra`,
/// annotations: `attributes`); a record with a wrong field is skipped and reported with its
/// path (`annotations[3].bbox`) so the rest of the file is still read.
public enum COCOReader {
    /// Reads an instances file. Throws only when the text is not JSON (naming line and
    /// column) or the top level is not an object; everything else becomes a problem.
    public static func read(_ bytes: [UInt8], file: String) throws -> (dataset: LabelDataset, problems: [LabelProblem]) {
        let root = try JSONParser.parse(bytes, file: file)
        guard root.members != nil else {
            throw LabelError.invalid(file: file, place: "top level", detail: "expected an object with images, annotations and categories, found \(root.kindName)")
        }
        var problems: [LabelProblem] = []
        var dataset = LabelDataset(info: root["info"], licenses: root["licenses"]?.array ?? [])
        func each(_ key: String, _ body: (JSONValue, String) throws -> Void) {
            guard let value = root[key] else {
                if key != "annotations" {
                    problems.append(LabelProblem(file: file, severity: .error, message: "missing '\(key)' (expected an array)"))
                }
                return
            }
            guard let elements = value.array else {
                problems.append(LabelProblem(file: file, severity: .error, message: "'\(key)' is \(value.kindName), expected an array"))
                return
            }
            for (index, element) in elements.enumerated() {
                do {
                    try body(element, "\(key)[\(index)]")
                } catch let error as LabelError {
                    problems.append(error.problem)
                } catch {
                    problems.append(LabelProblem(file: file, severity: .error, message: "\(key)[\(index)]: \(error)"))
                }
            }
        }
        each("images") { value, place in dataset.images.append(try image(value, file: file, place: place)) }
        each("categories") { value, place in dataset.categories.append(try category(value, file: file, place: place)) }
        let sizes = Dictionary(dataset.images.map { ($0.id, $0.size) }, uniquingKeysWith: { first, _ in first })
        each("annotations") { value, place in
            dataset.annotations.append(try annotation(value, file: file, place: place, imageSizes: sizes))
        }
        return (dataset, problems)
    }

    static func image(_ value: JSONValue, file: String, place: String) throws -> DatasetImage {
        let fields = COCOFields(value: value, file: file, place: place)
        try fields.requireObject()
        let known: Set = ["id", "file_name", "width", "height"]
        return DatasetImage(id: try fields.integer("id"), file: try fields.string("file_name"),
                            width: try fields.integer("width"), height: try fields.integer("height"),
                            extra: fields.members.filter { !known.contains($0.key) })
    }

    static func category(_ value: JSONValue, file: String, place: String) throws -> LabelCategory {
        let fields = COCOFields(value: value, file: file, place: place)
        try fields.requireObject()
        let keypointNames = try fields.optionalArray("keypoints")?.enumerated().map { index, name in
            guard let text = name.string else {
                throw LabelError.invalid(file: file, place: "\(place).keypoints[\(index)]", detail: "expected a string, found \(name.kindName)")
            }
            return text
        }
        let skeleton = try fields.optionalArray("skeleton")?.enumerated().map { index, pair in
            let numbers = pair.array?.compactMap(\.integer) ?? []
            guard numbers.count == 2 else {
                throw LabelError.invalid(file: file, place: "\(place).skeleton[\(index)]", detail: "expected a pair of keypoint numbers")
            }
            return numbers
        }
        return LabelCategory(id: try fields.integer("id"), name: try fields.string("name"),
                             supercategory: value["supercategory"]?.string, keypointNames: keypointNames, skeleton: skeleton)
    }

    static func annotation(_ value: JSONValue, file: String, place: String, imageSizes: [Int: ImageSize],
                           defaultID: Int? = nil) throws -> Annotation {
        let fields = COCOFields(value: value, file: file, place: place)
        try fields.requireObject()
        let imageID = try fields.integer("image_id")
        var annotation = Annotation(id: try defaultID ?? fields.integer("id"), imageID: imageID,
                                    categoryID: try fields.integer("category_id"))
        if let box = try fields.optionalNumbers("bbox") {
            guard box.count == 4 else {
                throw LabelError.invalid(file: file, place: "\(place).bbox", detail: "expected 4 numbers [x, y, width, height], found \(box.count)")
            }
            annotation.box = BoundingBox(x: box[0], y: box[1], width: box[2], height: box[3])
        }
        if let segmentation = value["segmentation"] {
            try readSegmentation(segmentation, into: &annotation, size: imageSizes[imageID],
                                 file: file, place: "\(place).segmentation")
        }
        if let keypoints = try fields.optionalNumbers("keypoints") {
            do {
                annotation.keypoints = try Keypoint.fromCOCO(keypoints)
            } catch {
                throw LabelError.invalid(file: file, place: "\(place).keypoints", detail: "\(error)")
            }
        }
        annotation.keypointCount = value["num_keypoints"]?.integer
        if let crowd = value["iscrowd"] {
            guard let flag = crowd.bool ?? crowd.integer.flatMap({ $0 == 0 || $0 == 1 ? $0 == 1 : nil }) else {
                throw LabelError.invalid(file: file, place: "\(place).iscrowd", detail: "expected 0 or 1, found \(crowd)")
            }
            annotation.isCrowd = flag
        }
        annotation.area = try fields.optionalNumber("area")
        annotation.score = try fields.optionalNumber("score")
        let known: Set = ["id", "image_id", "category_id", "bbox", "segmentation", "keypoints", "num_keypoints",
                          "iscrowd", "area", "score"]
        annotation.attributes = fields.members.filter { !known.contains($0.key) }
        return annotation
    }

    /// Polygons (a list of flat lists) or an RLE object with compressed or uncompressed counts.
    static func readSegmentation(_ value: JSONValue, into annotation: inout Annotation, size: ImageSize?,
                                 file: String, place: String) throws {
        if let rings = value.array {
            annotation.polygons = try rings.enumerated().map { index, ring in
                let numbers = ring.array?.compactMap(\.number) ?? []
                guard let array = ring.array, numbers.count == array.count, numbers.count % 2 == 0 else {
                    throw LabelError.invalid(file: file, place: "\(place)[\(index)]", detail: "expected a flat list of x, y numbers")
                }
                return try Polygon(flat: numbers)
            }
            return
        }
        guard value.members != nil else {
            throw LabelError.invalid(file: file, place: place, detail: "expected a list of polygons or an RLE object, found \(value.kindName)")
        }
        let rleSize = value["size"]?.array?.compactMap(\.integer) ?? []
        guard rleSize.count == 2, rleSize[0] >= 0, rleSize[1] >= 0 else {
            throw LabelError.invalid(file: file, place: "\(place).size", detail: "expected [height, width]")
        }
        if let size, size.height != rleSize[0] || size.width != rleSize[1] {
            throw LabelError.invalid(file: file, place: "\(place).size",
                                     detail: "RLE size [\(rleSize[0]), \(rleSize[1])] differs from the image's [\(size.height), \(size.width)]")
        }
        do {
            if let text = value["counts"]?.string {
                annotation.mask = try RunLengthEncoding(compressed: text, height: rleSize[0], width: rleSize[1])
            } else if let list = value["counts"]?.array {
                let counts = list.compactMap { $0.integer.flatMap(UInt32.init(exactly:)) }
                guard counts.count == list.count else {
                    throw LabelError.invalidArgument("uncompressed counts must be non-negative integers")
                }
                annotation.mask = RunLengthEncoding(height: rleSize[0], width: rleSize[1], counts: counts)
            } else {
                throw LabelError.invalidArgument("expected 'counts' as a string or a list of integers")
            }
        } catch LabelError.invalidArgument(let detail) {
            throw LabelError.invalid(file: file, place: "\(place).counts", detail: detail)
        }
    }
}

/// Typed access to one COCO record's fields, with errors naming the field path.
struct COCOFields {
    let value: JSONValue
    let file: String
    let place: String

    var members: [(key: String, value: JSONValue)] { value.members ?? [] }

    func requireObject() throws {
        guard value.members != nil else {
            throw LabelError.invalid(file: file, place: place, detail: "expected an object, found \(value.kindName)")
        }
    }

    func integer(_ key: String) throws -> Int {
        guard let field = value[key] else { throw LabelError.invalid(file: file, place: "\(place).\(key)", detail: "missing (expected an integer)") }
        guard let number = field.integer else {
            throw LabelError.invalid(file: file, place: "\(place).\(key)", detail: "expected an integer, found \(describe(field))")
        }
        return number
    }

    func string(_ key: String) throws -> String {
        guard let field = value[key] else { throw LabelError.invalid(file: file, place: "\(place).\(key)", detail: "missing (expected a string)") }
        guard let text = field.string else {
            throw LabelError.invalid(file: file, place: "\(place).\(key)", detail: "expected a string, found \(describe(field))")
        }
        return text
    }

    func optionalNumber(_ key: String) throws -> Double? {
        guard let field = value[key], field != .null else { return nil }
        guard let number = field.number else {
            throw LabelError.invalid(file: file, place: "\(place).\(key)", detail: "expected a number, found \(describe(field))")
        }
        return number
    }

    func optionalArray(_ key: String) throws -> [JSONValue]? {
        guard let field = value[key], field != .null else { return nil }
        guard let elements = field.array else {
            throw LabelError.invalid(file: file, place: "\(place).\(key)", detail: "expected an array, found \(describe(field))")
        }
        return elements
    }

    func optionalNumbers(_ key: String) throws -> [Double]? {
        guard let elements = try optionalArray(key) else { return nil }
        let numbers = elements.compactMap(\.number)
        guard numbers.count == elements.count else {
            throw LabelError.invalid(file: file, place: "\(place).\(key)", detail: "expected numbers only")
        }
        return numbers
    }

    private func describe(_ field: JSONValue) -> String {
        switch field {
        case .number(let number): JSONWriter.format(number)
        case .string(let text): "\"\(escapedForMessage(text))\""
        default: field.kindName
        }
    }
}
