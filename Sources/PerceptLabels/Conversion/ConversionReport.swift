/// What a conversion could not carry into the target format: for each kind of loss, how many
/// annotations (or images, or categories) it touched and in which image files.
public struct ConversionReport: Equatable, Sendable {
    /// One kind of loss.
    public struct Loss: Equatable, Sendable {
        /// The feature the target lacks.
        public var feature: LabelFeature
        /// What happens to it, for people (`polygons reduced to boxes`).
        public var effect: String
        /// How many annotations, images or categories it touched.
        public var count: Int
        /// The image files involved (sorted, each once); empty for dataset-level losses.
        public var files: [String]
    }

    /// The format converted from.
    public var source: DatasetFormat
    /// The format converted to.
    public var target: DatasetFormat
    /// Every loss, in the order of `LabelFeature.allCases`.
    public var losses: [Loss]
    /// Images written under a new name so that no file overwrote another.
    public var renamed: [Renamed] = []

    /// An image file given a new name; both paths are relative to the dataset, with the split
    /// in front when the image has one.
    public struct Renamed: Equatable, Sendable {
        /// The name it had.
        public var from: String
        /// The name it was written under.
        public var to: String

        /// A renaming.
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// The report of converting `dataset`, read from `source`, into `target`; with
    /// `roundsCoordinates`, box edges the target rounds to whole pixels are counted.
    public init(dataset: LabelDataset, from source: DatasetFormat, to target: DatasetFormat, roundsCoordinates: Bool = false) {
        self.source = source
        self.target = target
        let carried = target.carries
        let files = Dictionary(dataset.images.map { ($0.id, $0.file) }, uniquingKeysWith: { first, _ in first })
        var touched: [LabelFeature: (count: Int, files: Set<String>)] = [:]
        func note(_ feature: LabelFeature, _ annotation: Annotation) {
            guard !carried.contains(feature) else { return }
            touched[feature, default: (0, [])].count += 1
            if let file = files[annotation.imageID] { touched[feature, default: (0, [])].files.insert(file) }
        }
        for annotation in dataset.annotations {
            if annotation.isCrowd {
                note(.crowd, annotation)
                continue
            }
            if annotation.box != nil, target == .folders { note(.boxes, annotation) }
            if !annotation.polygons.isEmpty { note(.polygons, annotation) }
            if annotation.polygons.count > 1, carried.contains(.polygons) { note(.multiPartPolygons, annotation) }
            if annotation.mask != nil { note(.masks, annotation) }
            if !annotation.keypoints.isEmpty { note(.keypoints, annotation) }
            if annotation.score != nil { note(.scores, annotation) }
            let keys = Set(annotation.attributes.map(\.key))
            let vocKeys = keys.intersection(VOCDataset.objectAttributes)
            if !vocKeys.isEmpty { note(.vocAttributes, annotation) }
            if keys.count > vocKeys.count { note(.attributes, annotation) }
        }
        if roundsCoordinates {
            for annotation in dataset.annotations where !annotation.isCrowd {
                guard let box = annotation.effectiveBox else { continue }
                let rounded = VOCDataset.edgeValues(box).filter { $0 != $0.rounded() }.count
                guard rounded > 0 else { continue }
                touched[.fractionalCoordinates, default: (0, [])].count += rounded
                if let file = files[annotation.imageID] { touched[.fractionalCoordinates, default: (0, [])].files.insert(file) }
            }
        }
        if !carried.contains(.categoryDetails) {
            let detailed = dataset.categories.filter { $0.supercategory != nil || $0.keypointNames != nil || $0.skeleton != nil }
            if !detailed.isEmpty { touched[.categoryDetails] = (detailed.count, []) }
        }
        if !carried.contains(.info), dataset.info != nil || !dataset.licenses.isEmpty {
            touched[.info] = (dataset.licenses.count + (dataset.info == nil ? 0 : 1), [])
        }
        losses = LabelFeature.allCases.compactMap { feature in
            guard let found = touched[feature] else { return nil }
            return Loss(feature: feature, effect: ConversionReport.effect(of: feature, in: target), count: found.count,
                        files: found.files.sorted())
        }
    }

    /// What the target does with a feature it lacks.
    static func effect(of feature: LabelFeature, in target: DatasetFormat) -> String {
        switch feature {
        case .boxes: "boxes reduced to the image's class"
        case .polygons: target == .folders ? "polygons reduced to the image's class" : "polygons reduced to boxes"
        case .multiPartPolygons: "multi-part polygons reduced to their largest part"
        case .masks: "masks dropped (boxes kept)"
        case .keypoints: "keypoints dropped"
        case .crowd: "crowd regions dropped"
        case .vocAttributes, .attributes: "attributes lost"
        case .scores: "prediction scores dropped"
        case .categoryDetails: "supercategories and keypoint names lost"
        case .info: "info and licenses lost"
        case .fractionalCoordinates: "box coordinates rounded to whole pixels (--float-coords keeps them)"
        }
    }

    /// The report as JSON, for `conversion-report.json`.
    public var json: JSONValue {
        .object([
            ("from", .string(source.rawValue)), ("to", .string(target.rawValue)),
            ("losses", .array(losses.map { loss in
                .object([("feature", .string(loss.feature.rawValue)), ("effect", .string(loss.effect)),
                         ("count", .number(Double(loss.count))), ("files", .array(loss.files.map { .string($0) }))])
            })),
            ("renamed", .array(renamed.map { .object([("from", .string($0.from)), ("to", .string($0.to))]) })),
        ])
    }

    /// One line per loss, for a summary on the terminal.
    public var summaryLines: [String] {
        losses.map { "\($0.effect): \($0.count)" + ($0.files.isEmpty ? "" : " in \($0.files.count) file(s)") }
            + (renamed.isEmpty ? [] : ["images renamed so that no file overwrites another: \(renamed.count)"])
    }
}
