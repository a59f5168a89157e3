/// What a dataset holds: image and annotation counts, images per split, annotations and
/// images per class, and histograms of box size and aspect ratio.
public struct DatasetStatistics: Sendable {
    /// Counts for one class.
    public struct ClassCount: Equatable, Sendable {
        /// The category id.
        public var id: Int
        /// The class name.
        public var name: String
        /// Annotations of the class.
        public var annotations: Int
        /// Images with at least one annotation of the class.
        public var images: Int
    }

    /// Counts of values falling between consecutive edges; the last bin is open above.
    public struct Histogram: Equatable, Sendable {
        /// The lower edge of each bin.
        public var lowerEdges: [Double]
        /// How many values fall in each bin.
        public var counts: [Int]
        /// A label per bin for plots and tables (`16-32`, `512+`).
        public var labels: [String]

        /// Counts `values` into bins starting at `lowerEdges` (sorted ascending).
        public init(_ values: [Double], lowerEdges: [Double], labels: [String]) {
            self.lowerEdges = lowerEdges
            self.labels = labels
            counts = [Int](repeating: 0, count: lowerEdges.count)
            for value in values {
                if let bin = lowerEdges.lastIndex(where: { value >= $0 }) { counts[bin] += 1 }
            }
        }
    }

    /// Images in the dataset.
    public var imageCount: Int
    /// Annotations in the dataset.
    public var annotationCount: Int
    /// Images without any annotation.
    public var backgroundImageCount: Int
    /// Images per split, in order of first appearance (empty when the layout has no splits).
    public var imagesPerSplit: [(split: String, images: Int)]
    /// Per class, in category order.
    public var classes: [ClassCount]
    /// Box sizes as the square root of the area, in pixels (COCO's small/medium/large edges
    /// are 32 and 96).
    public var boxSizes: Histogram
    /// Box width over height.
    public var aspectRatios: Histogram

    /// Bin edges of the box-size histogram.
    static let sizeEdges: [Double] = [0, 8, 16, 32, 64, 96, 128, 256, 512]
    /// Bin edges of the aspect-ratio histogram: powers of two around 1.
    static let aspectEdges: [Double] = [0, 0.125, 0.25, 0.5, 1, 2, 4, 8]

    /// The statistics of `dataset`.
    public init(_ dataset: LabelDataset) {
        imageCount = dataset.images.count
        annotationCount = dataset.annotations.count
        let byImage = dataset.annotationsByImage
        backgroundImageCount = dataset.images.filter { byImage[$0.id]?.isEmpty ?? true }.count
        var splits: [(split: String, images: Int)] = []
        for image in dataset.images {
            guard let split = image.split else { continue }
            if let index = splits.firstIndex(where: { $0.split == split }) { splits[index].images += 1 } else { splits.append((split, 1)) }
        }
        imagesPerSplit = splits
        var perClass: [Int: (annotations: Int, images: Set<Int>)] = [:]
        for annotation in dataset.annotations {
            perClass[annotation.categoryID, default: (0, [])].annotations += 1
            perClass[annotation.categoryID, default: (0, [])].images.insert(annotation.imageID)
        }
        classes = dataset.categories.map { category in
            ClassCount(id: category.id, name: category.name, annotations: perClass[category.id]?.annotations ?? 0,
                       images: perClass[category.id]?.images.count ?? 0)
        }
        let boxes = dataset.annotations.compactMap(\.effectiveBox).filter { !$0.isEmpty }
        boxSizes = Histogram(boxes.map { $0.area.squareRoot() }, lowerEdges: DatasetStatistics.sizeEdges,
                             labels: DatasetStatistics.rangeLabels(DatasetStatistics.sizeEdges))
        aspectRatios = Histogram(boxes.map { $0.width / $0.height }, lowerEdges: DatasetStatistics.aspectEdges,
                                 labels: DatasetStatistics.rangeLabels(DatasetStatistics.aspectEdges))
    }

    /// `a-b` for each bin and `last+` for the open one (the preview font has no `>`).
    static func rangeLabels(_ edges: [Double]) -> [String] {
        edges.indices.map { index in
            index + 1 < edges.count ? "\(JSONWriter.format(edges[index]))-\(JSONWriter.format(edges[index + 1]))"
                : "\(JSONWriter.format(edges[index]))+"
        }
    }

    /// The statistics as JSON (for `percept stats --json`).
    public var json: JSONValue {
        func histogram(_ value: Histogram) -> JSONValue {
            .array(value.counts.indices.map { index in
                .object([("bin", .string(value.labels[index])), ("from", .number(value.lowerEdges[index])),
                         ("count", .number(Double(value.counts[index])))])
            })
        }
        return .object([
            ("images", .number(Double(imageCount))), ("annotations", .number(Double(annotationCount))),
            ("background_images", .number(Double(backgroundImageCount))),
            ("splits", .object(imagesPerSplit.map { ($0.split, .number(Double($0.images))) })),
            ("classes", .array(classes.map { count in
                .object([("id", .number(Double(count.id))), ("name", .string(count.name)),
                         ("annotations", .number(Double(count.annotations))), ("images", .number(Double(count.images)))])
            })),
            ("box_size_histogram", histogram(boxSizes)), ("aspect_ratio_histogram", histogram(aspectRatios)),
        ])
    }
}
