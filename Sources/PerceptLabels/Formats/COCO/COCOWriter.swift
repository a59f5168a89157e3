import PerceptImage

/// Writes a `LabelDataset` as COCO instances JSON, and predictions as COCO results JSON.
public enum COCOWriter {
    /// Settings for writing.
    public struct Options: Sendable {
        /// Write RLE masks with compressed string counts (pycocotools' own output); false writes
        /// plain lists, as the original COCO files do for crowd regions.
        public var compressRLE: Bool
        /// Indent the output.
        public var pretty: Bool

        /// Options with the given settings.
        public init(compressRLE: Bool = true, pretty: Bool = false) {
            self.compressRLE = compressRLE
            self.pretty = pretty
        }
    }

    /// The dataset as an instances file: info, licenses, images, annotations, categories.
    public static func encode(_ dataset: LabelDataset, options: Options = Options()) -> [UInt8] {
        let sizes = Dictionary(dataset.images.map { ($0.id, $0.size) }, uniquingKeysWith: { first, _ in first })
        var members: [(key: String, value: JSONValue)] = []
        if let info = dataset.info { members.append(("info", info)) }
        members.append(("licenses", .array(dataset.licenses)))
        members.append(("images", .array(dataset.images.map(imageJSON))))
        members.append(("annotations", .array(dataset.annotations.map {
            annotationJSON($0, imageSize: sizes[$0.imageID], options: options)
        })))
        members.append(("categories", .array(dataset.categories.map(categoryJSON))))
        return JSONWriter.encode(.object(members), pretty: options.pretty)
    }

    /// Predictions as a results file: a list of `image_id`, `category_id`, `bbox` or
    /// `segmentation`, `score` (1 when an annotation has none).
    public static func encodeResults(_ annotations: [Annotation], options: Options = Options()) -> [UInt8] {
        let results: [JSONValue] = annotations.map { annotation in
            var members: [(key: String, value: JSONValue)] = [
                ("image_id", .number(Double(annotation.imageID))), ("category_id", .number(Double(annotation.categoryID))),
            ]
            if let box = annotation.box { members.append(("bbox", numbers(box.coco))) }
            if let segmentation = segmentationJSON(annotation, options: options) { members.append(("segmentation", segmentation)) }
            if !annotation.keypoints.isEmpty { members.append(("keypoints", numbers(Keypoint.toCOCO(annotation.keypoints)))) }
            members.append(("score", .number(annotation.score ?? 1)))
            return .object(members)
        }
        return JSONWriter.encode(.array(results), pretty: options.pretty)
    }

    static func imageJSON(_ image: DatasetImage) -> JSONValue {
        .object([("id", .number(Double(image.id))), ("file_name", .string(image.file)),
                 ("width", .number(Double(image.width))), ("height", .number(Double(image.height)))] + image.extra)
    }

    static func categoryJSON(_ category: LabelCategory) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .number(Double(category.id))), ("name", .string(category.name))]
        if let supercategory = category.supercategory { members.append(("supercategory", .string(supercategory))) }
        if let names = category.keypointNames { members.append(("keypoints", .array(names.map { .string($0) }))) }
        if let skeleton = category.skeleton { members.append(("skeleton", .array(skeleton.map { numbers($0.map(Double.init)) }))) }
        return .object(members)
    }

    static func annotationJSON(_ annotation: Annotation, imageSize: ImageSize?, options: Options) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .number(Double(annotation.id))), ("image_id", .number(Double(annotation.imageID))),
            ("category_id", .number(Double(annotation.categoryID))),
            ("segmentation", segmentationJSON(annotation, options: options) ?? .array([])),
            ("area", .number(annotation.area ?? computedArea(annotation, imageSize: imageSize))),
        ]
        if let box = annotation.effectiveBox { members.append(("bbox", numbers(box.coco))) }
        members.append(("iscrowd", .number(annotation.isCrowd ? 1 : 0)))
        if !annotation.keypoints.isEmpty {
            members.append(("keypoints", numbers(Keypoint.toCOCO(annotation.keypoints))))
            let labelled = annotation.keypoints.filter { $0.visibility != .notLabeled }.count
            members.append(("num_keypoints", .number(Double(annotation.keypointCount ?? labelled))))
        }
        if let score = annotation.score { members.append(("score", .number(score))) }
        return .object(members + annotation.attributes)
    }

    static func segmentationJSON(_ annotation: Annotation, options: Options) -> JSONValue? {
        if let mask = annotation.mask {
            let counts: JSONValue = options.compressRLE
                ? .string(mask.compressedString) : .array(mask.counts.map { .number(Double($0)) })
            return .object([("size", numbers([Double(mask.height), Double(mask.width)])), ("counts", counts)])
        }
        guard !annotation.polygons.isEmpty else { return nil }
        return .array(annotation.polygons.map { numbers($0.flat) })
    }

    /// The pixel area pycocotools would give the segmentation (mask, else rasterised
    /// polygons), else the box area.
    public static func computedArea(_ annotation: Annotation, imageSize: ImageSize?) -> Double {
        if let mask = annotation.mask { return Double(mask.area) }
        if !annotation.polygons.isEmpty, let size = imageSize,
           let rings = try? annotation.polygons.map({ try RunLengthEncoding(polygon: $0, height: size.height, width: size.width) }),
           let merged = try? RunLengthEncoding.merged(rings) {
            return Double(merged.area)
        }
        return annotation.effectiveBox?.area ?? 0
    }

    static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }
}

extension COCOReader {
    /// Reads a COCO results file (a list of predictions). Ids are numbered from 1 in file
    /// order, as pycocotools' `loadRes` does; `images` gives the sizes RLE masks must match.
    public static func readResults(_ bytes: [UInt8], file: String, images: [DatasetImage] = [])
        throws -> (annotations: [Annotation], problems: [LabelProblem]) {
        let root = try JSONParser.parse(bytes, file: file)
        guard let elements = root.array else {
            throw LabelError.invalid(file: file, place: "top level", detail: "expected a list of results, found \(root.kindName)")
        }
        let sizes = Dictionary(images.map { ($0.id, $0.size) }, uniquingKeysWith: { first, _ in first })
        var annotations: [Annotation] = [], problems: [LabelProblem] = []
        for (index, element) in elements.enumerated() {
            do {
                annotations.append(try annotation(element, file: file, place: "[\(index)]", imageSizes: sizes,
                                                  defaultID: annotations.count + 1))
            } catch let error as LabelError {
                problems.append(error.problem)
            }
        }
        return (annotations, problems)
    }
}
