import ArgumentParser
import Foundation
import Percept

/// `percept classify val --weights W --data D`: accuracy, top-5, the classification report and
/// the confusion matrix of trained weights on a dataset's validation split.
struct ClassifyValCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "val",
        abstract: "Validate a trained classifier: accuracy, top-5, per-class precision/recall/F1, confusion matrix.",
        discussion: """
        The validation split is Fashion-MNIST's test set, CIFAR's test batch, an image folder's val/,
        or (for a folder of class folders) the same --val-split and --seed share training held out.
        The confusion matrix is written to OUT/confusion_matrix.png (default runs/classify/val, val2, …).
        """
    )

    @Option(help: "Weights of a trained classifier.")
    var weights: String
    @OptionGroup var dataOptions: ValidationDataOptions
    @Flag(help: "Print one JSON document instead of the report.")
    var json = false
    @Option(help: "The folder for confusion_matrix.png (must not exist or be empty).")
    var out: String?

    func run() throws {
        try ClassifyCLI.reportingErrors(evaluate)
    }

    private func evaluate() throws {
        let trained = try TrainedModel.load(weights)
        let size = trained.description.configuration.imageSize
        let dataset = try dataOptions.load(size: size, channels: trained.description.configuration.inputChannels)
        try ClassifyCLI.requireFit(trained.description, data: dataset, file: weights)
        let folder = try out.map { path -> RunFolder in
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty else { throw CommandOutput.usage(file: path, "folder exists and is not empty; choose another --out") }
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return RunFolder(path: path)
        } ?? RunFolder.create(project: "runs", task: "classify", name: nil, stem: "val")
        // The inputs exactly as training validated them: resized, then normalised as the weights say.
        let loader = try dataOptions.validationLoader(dataset, size: size, normalization: trained.normalization)
        let result = try ValidationResult.evaluate(trained.model, task: ClassificationTask(classes: dataset.classNames.count), data: loader)
        guard let accumulator = result.accumulator as? ClassificationValidation else { return }
        let report = ClassificationReport(accumulator.matrix, classNames: trained.description.classNames)
        let chart = RunLog.confusionChart(accumulator.matrix, classNames: trained.description.classNames)
        try chart.write(to: URL(fileURLWithPath: folder.confusionMatrixPlot))
        if json {
            let document: [String: Any] = [
                "weights": weights, "data": dataOptions.data, "examples": result.count, "loss": result.loss,
                "accuracy": result.metrics["accuracy"] ?? 0, "top5": result.metrics["top5"] ?? 0,
                "classes": zip(report.classNames, report.classes).map { name, scores in
                    ["class": name, "precision": scores.precision, "recall": scores.recall, "f1": scores.f1, "support": scores.support] as [String: Any]
                },
                "macro_avg": ["precision": report.macroAverage.precision, "recall": report.macroAverage.recall, "f1": report.macroAverage.f1],
                "weighted_avg": ["precision": report.weightedAverage.precision, "recall": report.weightedAverage.recall, "f1": report.weightedAverage.f1],
                "confusion_matrix": accumulator.matrix.counts, "confusion_matrix_png": folder.confusionMatrixPlot,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(result.count) images: accuracy " + String(format: "%.4f", result.metrics["accuracy"] ?? 0)
                  + ", top-5 " + String(format: "%.4f", result.metrics["top5"] ?? 0) + ", loss " + String(format: "%.4f", result.loss))
            print(report.table())
            print("confusion matrix: \(folder.confusionMatrixPlot)")
        }
    }
}
