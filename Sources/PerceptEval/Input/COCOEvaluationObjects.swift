import PerceptLabels

/// What the overlap between a detection and a ground truth is measured on.
public enum COCOIoUType: String, Sendable, CaseIterable {
    /// Boxes: intersection over union of `[x, y, width, height]` rectangles.
    case bbox
    /// Masks: intersection over union of RLE masks (polygons are rasterised as pycocotools does).
    case segm
    /// Keypoints: object keypoint similarity (OKS).
    case keypoints
}

/// An image of the ground truth: its id and size (masks are rasterised at this size).
public struct COCOEvaluationImage: Equatable, Sendable {
    /// COCO image id.
    public var id: Int
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// An image record.
    public init(id: Int, width: Int, height: Int) {
        self.id = id
        self.width = width
        self.height = height
    }
}

/// One ground-truth object with the fields COCOeval reads, the numbers kept exactly as written.
public struct COCOGroundTruthObject: Sendable {
    /// COCO annotation id (pycocotools records it as the match of a detection).
    public var id: Int
    /// The image it belongs to.
    public var imageID: Int
    /// Its category.
    public var categoryID: Int
    /// `[x, y, width, height]` as written; empty when the file has none.
    public var box: [Double]
    /// COCO `area`, which decides the area range (small, medium, large).
    public var area: Double
    /// COCO `iscrowd`: a crowd region may absorb any number of detections, which are then ignored.
    public var isCrowd: Bool
    /// COCO `num_keypoints` (keypoints evaluation ignores objects with none).
    public var keypointCount: Int
    /// Flat `[x, y, visibility, …]` keypoints (keypoints evaluation only).
    public var keypoints: [Double]
    /// The mask (segm evaluation only).
    public var mask: RunLengthEncoding?

    /// A ground-truth object.
    public init(id: Int, imageID: Int, categoryID: Int, box: [Double], area: Double, isCrowd: Bool = false,
                keypointCount: Int = 0, keypoints: [Double] = [], mask: RunLengthEncoding? = nil) {
        self.id = id
        self.imageID = imageID
        self.categoryID = categoryID
        self.box = box
        self.area = area
        self.isCrowd = isCrowd
        self.keypointCount = keypointCount
        self.keypoints = keypoints
        self.mask = mask
    }
}

/// One detection of a results file, completed as pycocotools' `loadRes` completes it.
public struct COCODetection: Sendable {
    /// 1-based position in the results file (pycocotools numbers results this way).
    public var id: Int
    /// The image it was found in.
    public var imageID: Int
    /// The predicted category.
    public var categoryID: Int
    /// `[x, y, width, height]`, given or derived from the mask or keypoints.
    public var box: [Double]
    /// The area that decides whether an unmatched detection counts in an area range.
    public var area: Double
    /// Confidence; higher ranks first.
    public var score: Double
    /// Flat `[x, y, visibility, …]` keypoints (keypoints evaluation only).
    public var keypoints: [Double]
    /// The mask (segm evaluation only).
    public var mask: RunLengthEncoding?

    /// A detection.
    public init(id: Int, imageID: Int, categoryID: Int, box: [Double], area: Double, score: Double,
                keypoints: [Double] = [], mask: RunLengthEncoding? = nil) {
        self.id = id
        self.imageID = imageID
        self.categoryID = categoryID
        self.box = box
        self.area = area
        self.score = score
        self.keypoints = keypoints
        self.mask = mask
    }
}

/// The ground truth of an evaluation: images, categories (ids and names) and objects.
public struct COCOGroundTruth: Sendable {
    /// Images in file order.
    public var images: [COCOEvaluationImage]
    /// Categories in file order.
    public var categories: [LabelCategory]
    /// Objects in file order.
    public var objects: [COCOGroundTruthObject]

    /// Ground truth holding the given parts.
    public init(images: [COCOEvaluationImage], categories: [LabelCategory], objects: [COCOGroundTruthObject]) {
        self.images = images
        self.categories = categories
        self.objects = objects
    }

    /// The category names by id.
    public var categoryNames: [Int: String] {
        Dictionary(categories.map { ($0.id, $0.name) }, uniquingKeysWith: { _, last in last })
    }
}
