import ArgumentParser
import Foundation
import Percept

/// `percept segment val --weights W --data D`: mIoU, Dice, pixel accuracy and per-class IoU
/// and Dice of trained weights on a dataset's validation split.
struct SegmentValCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "val",
        abstract: "Validate a trained segmentation model: mIoU, mean Dice, pixel accuracy, per-class IoU and Dice.",
        discussion: "The validation split is the data's val/ folders or images, or the share --val-split and --seed hold out (as in training)."
    )

    @Option(help: "Weights of a trained segmentation model.")
    var weights: String
    @Option(help: "The data, as `segment train --data` takes it.")
    var data: String
    @Option(help: "Examples per batch (default 8).")
    var batch = 8
    @Option(help: "Resize images and masks to this square side (default: as trained when the data differs in size, else unchanged).")
    var imgsz: Int?
    @Option(name: .customLong("val-split"), help: "The validation share of data without a split (default 0.2).")
    var valSplit = 0.2
    @Option(help: "The seed of that split (default 0, as training's).")
    var seed: UInt64 = 0
    @Option(name: .customLong("ignore-index"), help: "The mask value counted nowhere (default 255).")
    var ignoreIndex = 255
    @Option(help: "Data-loading threads (default 1).")
    var workers = 1
    @Option(help: "The loss to report: ce, bce, dice, dice_bce, tversky or focal (default: the one in the args.yaml of the run the weights come from, else dice_bce, segment train's default); the run's class weights apply either way.")
    var loss: String?
    @Flag(help: "Print one JSON document instead of the report.")
    var json = false

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard valSplit > 0 && valSplit < 1 else { throw ValidationError("--val-split must be between 0 and 1, got \(valSplit)") }
        guard (0...255).contains(ignoreIndex) else { throw ValidationError("--ignore-index must be in 0...255, got \(ignoreIndex)") }
        if let imgsz, imgsz < 1 { throw ValidationError("--imgsz must be at least 1, got \(imgsz)") }
        if let loss, SegmentationLoss(rawValue: loss) == nil {
            throw ValidationError("--loss must be one of \(SegmentationLoss.allCases.map(\.rawValue).joined(separator: ", ")), got \(loss)")
        }
    }

    /// The loss and class weights to report: the run's (from the `args.yaml` beside the run folder
    /// holding the weights, `<run>/weights/W`), so the figure is the run's `val_loss`; `--loss`
    /// picks another loss under the run's class weights; without a run, `segment train`'s default.
    private func reportedLoss() throws -> (loss: SegmentationLoss, classWeights: [Float]?) {
        let run = try runSettings()
        let chosen = loss.flatMap(SegmentationLoss.init(rawValue:)) ?? run?.loss ?? .diceCrossEntropy
        return (chosen, run?.classWeights)
    }

    /// The settings of the run the weights come from, or nil when no `args.yaml` is beside them.
    private func runSettings() throws -> SegmentTrainSettings? {
        let argumentsFile = RunFolder(holdingWeights: weights).argumentsFile
        guard FileManager.default.fileExists(atPath: argumentsFile) else { return nil }
        let keys = SegmentTrainSettings.keys
        let values = try TrainingArguments.readFile(argumentsFile, commandKeys: keys.map(\.key))
        return try SegmentTrainSettings(TrainingArguments(values: values, source: argumentsFile, command: keys))
    }

    func run() throws {
        try ClassifyCLI.reportingErrors(evaluate)
    }

    private func evaluate() throws {
        let trained = try TrainedModel.load(weights)
        let configuration = trained.description.configuration
        let dataset = try SegmentCLI.data(data, channels: configuration.inputChannels, imageSize: imgsz, validationSplit: valSplit, seed: seed,
                                          ignoreIndex: ignoreIndex)
        let classNames = SegmentationPrediction.classNames(trained.description)
        guard dataset.classNames.count == classNames.count else {
            throw ClassifyInputError(description: "\(weights): error: the weights know \(classNames.count) classes (\(classNames.joined(separator: ", "))); \(data) has \(dataset.classNames.count)")
        }
        let loader = try DataLoader(dataset.validation, batchSize: batch, sampler: .sequential, workers: workers, name: data)
        let reported = try reportedLoss()
        let task = SegmentationTask(classes: configuration.numClasses, loss: reported.loss, ignoreIndex: ignoreIndex,
                                    classWeights: reported.classWeights)
        let result = try ValidationResult.evaluate(trained.model, task: task, data: loader)
        guard let accumulator = result.accumulator as? SegmentationValidation else { return }
        let scores = accumulator.scores
        if json {
            let classes: [[String: Any]] = classNames.enumerated().map { index, name in
                ["class": name, "iou": scores.intersectionOverUnion[index] as Any, "dice": scores.dice[index] as Any]
            }
            let document: [String: Any] = ["weights": weights, "data": data, "images": result.count, "loss": result.loss, "loss_kind": reported.loss.rawValue, "miou": scores.meanIoU,
                                           "dice": scores.meanDice, "pixel_accuracy": scores.pixelAccuracy, "classes": classes]
            print(String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("\(result.count) images: mIoU " + String(format: "%.4f", scores.meanIoU) + ", Dice " + String(format: "%.4f", scores.meanDice)
              + ", pixel accuracy " + String(format: "%.4f", scores.pixelAccuracy) + ", loss " + String(format: "%.4f", result.loss)
              + " (\(reported.loss.rawValue))")
        let width = max(classNames.map(\.count).max() ?? 5, 5)
        print("class".padding(toLength: width, withPad: " ", startingAt: 0) + "     IoU    Dice")
        for (index, name) in classNames.enumerated() {
            func cell(_ value: Double?) -> String { value.map { String(format: "%7.4f", $0) } ?? "      -" }
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + " " + cell(scores.intersectionOverUnion[index]) + " " + cell(scores.dice[index]))
        }
    }
}
