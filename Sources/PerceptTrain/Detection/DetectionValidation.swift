import PerceptData
import PerceptEval
import PerceptLabels
import PerceptModels
import PerceptTensor

/// Validation of a detector: every image's ground truth and post-processed detections, in input
/// pixels, evaluated at the end by `PerceptEval`'s COCO evaluation (pycocotools' numbers).
public final class DetectionValidation: ValidationAccumulator {
    /// The ground truth collected so far (one COCO image per validated image, categories = class indices).
    public private(set) var groundTruth: COCOGroundTruth
    /// The detections collected so far.
    public private(set) var detections: [COCODetection] = []
    private let loss: any DetectionLoss
    private let thresholds: DetectionThresholds

    /// An empty accumulator for a head whose output `loss` decodes.
    public init(loss: any DetectionLoss, classNames: [String], thresholds: DetectionThresholds) {
        self.loss = loss
        self.thresholds = thresholds
        let categories = (0..<loss.classes).map { LabelCategory(id: $0, name: classNames.indices.contains($0) ? classNames[$0] : String($0)) }
        groundTruth = COCOGroundTruth(images: [], categories: categories, objects: [])
    }

    public func add(output: Tensor, batch: Batch) throws {
        let height = batch.input.shape[2], width = batch.input.shape[3]
        let (boxes, scores) = try loss.decode(output, inputHeight: height, inputWidth: width)
        let found = try DetectionPostprocessing.detections(boxes: boxes, scores: scores, thresholds: thresholds)
        let truths = try DetectionTargets.truths(batch.target, batchSize: batch.count, classes: loss.classes, width: width, height: height, examples: batch.indices)
        for image in 0..<batch.count {
            let imageID = groundTruth.images.count
            groundTruth.images.append(COCOEvaluationImage(id: imageID, width: width, height: height))
            for truth in truths[image] {
                let box = [Double(truth.x1), Double(truth.y1), Double(truth.x2 - truth.x1), Double(truth.y2 - truth.y1)]
                groundTruth.objects.append(COCOGroundTruthObject(id: groundTruth.objects.count + 1, imageID: imageID, categoryID: truth.classIndex,
                                                                 box: box, area: box[2] * box[3]))
            }
            for detection in found[image] {
                let box = [detection.x1, detection.y1, detection.x2 - detection.x1, detection.y2 - detection.y1]
                detections.append(COCODetection(id: detections.count + 1, imageID: imageID, categoryID: detection.classIndex, box: box,
                                                area: box[2] * box[3], score: Double(detection.score)))
            }
        }
    }

    /// The COCO evaluation of everything collected (nil before any image).
    public func evaluation() throws -> COCOEvaluationResult? {
        guard !groundTruth.images.isEmpty else { return nil }
        return try COCOEvaluator.evaluate(groundTruth: groundTruth, detections: detections, parameters: COCOEvaluationParameters(iouType: .bbox))
    }

    /// `map` (COCO AP@[.50:.95]), `map50` (AP@.50), and `precision` and `recall` (the mean, over
    /// the classes that have ground truth, of each class's best-F1 point at IoU 0.50), 0 where
    /// undefined; `fitness` = 0.1 · map50 + 0.9 · map. Box evaluation cannot fail on the boxes
    /// collected here, so an evaluation error (none is possible) would read as zeros.
    public func metrics() -> [String: Double] {
        guard let result = try? evaluation() else { return ["map50": 0, "map": 0, "precision": 0, "recall": 0, "fitness": 0] }
        let map = Swift.max(result.stats[0], 0), map50 = Swift.max(result.stats[1], 0)
        let present = Set(groundTruth.objects.map(\.categoryID))
        let points = result.categoryIDs.indices.filter { present.contains(result.categoryIDs[$0]) }.map { result.operatingPoints[$0] }
        let mean = { (value: (COCOOperatingPoint) -> Double) in points.isEmpty ? 0 : points.map { $0.map(value) ?? 0 }.reduce(0, +) / Double(points.count) }
        return ["map50": map50, "map": map, "precision": mean(\.precision), "recall": mean(\.recall), "fitness": 0.1 * map50 + 0.9 * map]
    }
}
