import ArgumentParser
import Foundation
import Percept

/// `percept detect val --weights W --data D`: the 12 COCO numbers and per-class AP of a detector on
/// a dataset split, through `PerceptEval` (pycocotools' numbers), with Ultralytics' AP beside them
/// on request and the PR-curve and confusion-matrix PNGs in `--out`.
struct DetectValCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "val",
        abstract: "Validate a detector: COCO's 12 numbers and per-class AP (PerceptEval), PR curves and a confusion matrix.",
        discussion: """
        W is a detector's weights (detect train's best.safetensors, an Ultralytics .pt); D a YOLO data.yaml
        or COCO folder with the same classes. Each image is letterboxed onto an IMGSZ square (padded to a
        multiple of 32, as Ultralytics' validation), detected with Ultralytics' validation thresholds
        (confidence 0.001, IoU 0.7, at most 300 per image) and scored in its own pixels. --variant
        ultralytics prints Ultralytics' AP beside COCO's (README: "Why Ultralytics reports a different
        mAP"). --out DIR gets pr_curve.png, pr_<class>.png and confusion_matrix.png. An image that cannot
        be decoded is named and skipped with a warning.
        """
    )

    @Option(help: "Detector weights: Percept .safetensors or an Ultralytics .pt checkpoint.")
    var weights: String
    @Option(help: "The dataset: a YOLO data.yaml or folder, or a COCO folder.")
    var data: String
    @Option(help: "The split to validate (default val).")
    var split = "val"
    @Option(help: "The square inference side, a multiple of 32 (default 640).")
    var imgsz = 640
    @Option(help: "Images run through the model together (default 16).")
    var batch = 16
    @Option(help: "coco, or ultralytics to also print Ultralytics' average precision beside COCO's.")
    var variant: EvalCommand.Variant = .coco
    @Option(help: "Write the PR curves and the confusion matrix as PNG into this folder (new or empty unless --force).")
    var out: String?
    @Flag(help: "Write into a non-empty --out folder that Percept wrote.")
    var force = false
    @Flag(help: "Print the numbers as one JSON object.")
    var json = false

    func validate() throws {
        guard imgsz >= 32, imgsz % 32 == 0 else { throw ValidationError("--imgsz must be a positive multiple of 32, got \(imgsz)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
    }

    func run() throws {
        let output = try out.map { try OutputFolderCLI.check($0, argument: "--out", protecting: OutputFolderCLI.inputs([weights, data]), force: force) }
        try ClassifyCLI.reportingErrors {
            let predictor = try DetectionPredictor(TrainedModel.load(weights), file: weights, imageSize: imgsz)
            let dataset = try DetectCLI.split(data, split, imageSize: imgsz)
            guard dataset.classNames.count == predictor.classNames.count else {
                throw ClassifyInputError(description: "\(weights): error: the weights know \(predictor.classNames.count) classes (\(predictor.classNames.joined(separator: ", "))); \(data) has \(dataset.classNames.count)")
            }
            let (truth, detections) = try collect(predictor, dataset: dataset)
            let report = try EvalReport.evaluate(truth: truth, detections: detections, parameters: COCOEvaluationParameters(iouType: .bbox),
                                                 variant: variant, plotFolder: output, command: "percept detect val", skipped: [])
            print(json ? report.json() : report.text())
        }
    }

    /// The ground truth and the detections of every decodable image of `dataset`, in its own pixels;
    /// categories are the class indices with the dataset's names.
    private func collect(_ predictor: DetectionPredictor, dataset: DetectionDataset) throws -> (COCOGroundTruth, [COCODetection]) {
        let categories = dataset.classNames.enumerated().map { LabelCategory(id: $0.offset, name: $0.element) }
        var truth = COCOGroundTruth(images: [], categories: categories, objects: []), detections: [COCODetection] = []
        let thresholds = DetectionThresholds(confidence: 0.001, iou: 0.7, maxDetections: 300)
        for start in stride(from: 0, to: dataset.count, by: batch) {
            var items: [(input: Tensor, letterbox: Letterbox)] = [], ids: [Int] = []
            for index in start..<min(start + batch, dataset.count) {
                let sample: Sample
                do { sample = try dataset.sample(at: index) } catch let error as DataError {
                    CommandOutput.problem(file: error.file, kind: "warning", "cannot be decoded, skipped: \(error.message)")
                    continue
                }
                let imageID = index + 1
                truth.images.append(COCOEvaluationImage(id: imageID, width: sample.image.width, height: sample.image.height))
                for (box, label) in zip(sample.boxes, sample.labels) {
                    let bbox = [box.minX, box.minY, box.maxX - box.minX, box.maxY - box.minY]
                    truth.objects.append(COCOGroundTruthObject(id: truth.objects.count + 1, imageID: imageID, categoryID: label, box: bbox, area: bbox[2] * bbox[3]))
                }
                items.append(try predictor.letterboxed(sample.image))
                ids.append(imageID)
            }
            let found = try predictor.detect(letterboxed: items, thresholds: Array(repeating: thresholds, count: items.count))
            for (imageID, detected) in zip(ids, found) {
                for detection in detected {
                    let bbox = [detection.x1, detection.y1, detection.x2 - detection.x1, detection.y2 - detection.y1]
                    detections.append(COCODetection(id: detections.count + 1, imageID: imageID, categoryID: detection.classIndex, box: bbox,
                                                    area: bbox[2] * bbox[3], score: Double(detection.score)))
                }
            }
        }
        guard !truth.images.isEmpty else { throw DataError.unreadable(file: data, reason: "split '\(split)' has no image that can be decoded") }
        return (truth, detections)
    }
}
