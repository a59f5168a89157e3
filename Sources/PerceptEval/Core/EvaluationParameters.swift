/// A named range of object areas in pixels; objects outside it are ignored for that range.
public struct COCOAreaRange: Equatable, Sendable {
    /// The label `summarize` looks for: `all`, `small`, `medium`, `large`.
    public var label: String
    /// Smallest area inside (inclusive).
    public var lower: Double
    /// Largest area inside (inclusive).
    public var upper: Double

    /// A range from its parts.
    public init(label: String, lower: Double, upper: Double) {
        self.label = label
        self.lower = lower
        self.upper = upper
    }

    /// COCO's four ranges for boxes and masks: all, small (< 32²), medium (32²–96²), large.
    public static let detection = [
        COCOAreaRange(label: "all", lower: 0, upper: 1e10), COCOAreaRange(label: "small", lower: 0, upper: 1024),
        COCOAreaRange(label: "medium", lower: 1024, upper: 9216), COCOAreaRange(label: "large", lower: 9216, upper: 1e10),
    ]

    /// COCO's three ranges for keypoints: all, medium, large.
    public static let keypoints = [
        COCOAreaRange(label: "all", lower: 0, upper: 1e10), COCOAreaRange(label: "medium", lower: 1024, upper: 9216),
        COCOAreaRange(label: "large", lower: 9216, upper: 1e10),
    ]
}

/// The settings of a COCO evaluation, with pycocotools' defaults for each IoU type.
public struct COCOEvaluationParameters: Equatable, Sendable {
    /// Boxes, masks or keypoints.
    public var iouType: COCOIoUType
    /// IoU (or OKS) thresholds: 0.50, 0.55, …, 0.95.
    public var iouThresholds: [Double]
    /// Recall points of the interpolated precision: 0, 0.01, …, 1.
    public var recallThresholds: [Double]
    /// Detections kept per image, ascending (1, 10, 100; 20 for keypoints).
    public var maxDetections: [Int]
    /// Area ranges; `summarize` uses those labelled all, small, medium, large.
    public var areaRanges: [COCOAreaRange]
    /// The categories to evaluate; nil evaluates every category of the ground truth.
    public var categoryIDs: [Int]?
    /// Keypoint sigmas (keypoints evaluation).
    public var keypointSigmas: COCOKeypointSigmas

    /// pycocotools' defaults for `iouType`.
    public init(iouType: COCOIoUType) {
        self.iouType = iouType
        iouThresholds = COCOEvaluationParameters.evenlySpaced(from: 0.5, to: 0.95, count: 10)
        recallThresholds = COCOEvaluationParameters.evenlySpaced(from: 0, to: 1, count: 101)
        maxDetections = iouType == .keypoints ? [20] : [1, 10, 100]
        areaRanges = iouType == .keypoints ? COCOAreaRange.keypoints : COCOAreaRange.detection
        categoryIDs = nil
        keypointSigmas = .standard
    }

    /// `count` values from `start` to `end` computed as numpy's `linspace` does (start + i·step,
    /// the last one exactly `end`), so that 0.75 compares equal where pycocotools finds it.
    static func evenlySpaced(from start: Double, to end: Double, count: Int) -> [Double] {
        let step = (end - start) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? end : Double($0) * step + start }
    }
}
