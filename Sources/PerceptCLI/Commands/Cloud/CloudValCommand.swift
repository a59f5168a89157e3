import ArgumentParser
import Foundation
import Percept

/// `percept cloud val --weights W --data DIR`: overall accuracy, mean class accuracy, per-class
/// IoU and mIoU of a trained PointNet. Segmentation labels every point of every scan through
/// overlapping tiles (as `predict` does); classification reads the class folders' test split.
struct CloudValCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "val",
        abstract: "Validate a trained PointNet: accuracy, mean class accuracy, per-class IoU, mIoU and a confusion matrix.",
        discussion: "Segmentation scores every point of every scan under --data (SemanticKITTI layout or labelled .pcd/.ply)."
    )

    @Option(help: "Weights of a PointNet trained by `percept cloud train`.")
    var weights: String
    @Option(help: "Labelled scans (segmentation) or class folders with test/ clouds (classification).")
    var data: String
    @Option(help: "Inputs per batch (default 16).")
    var batch = 16
    @Option(help: "The folder for confusion_matrix.png (must not exist or be empty; default: none).")
    var out: String?
    @Flag(help: "Print one JSON document instead of the report.")
    var json = false

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
    }

    func run() throws {
        try ClassifyCLI.reportingErrors(evaluate)
    }

    private func evaluate() throws {
        let (trained, info) = try CloudModels.load(weights)
        let classNames = trained.description.classNames
        var matrix = ConfusionMatrix(classes: classNames.count)
        if info.task == .segment {
            guard let labelMap = info.labelMap else { throw PointCloudDataError.missingLabels(file: weights) }
            for path in try ScanFolder.scans(under: data) {
                let scan = try LabelledScan.read(path, features: info.features, labelMap: labelMap, requireLabels: true)
                CloudLearningData.notices(scan, points: info.points)
                let predicted = try ScanPrediction.segment(scan, model: trained.model, tiles: info.tiles, batch: batch)
                for (truth, prediction) in zip(scan.classes ?? [], predicted) where truth != LabelledScan.ignored {
                    matrix.add(truth: truth, prediction: prediction)
                }
            }
        } else {
            let loaded = try CloudLearningData.classification(data: data, features: info.features, points: info.points, batch: batch, seed: 0, workers: 1)
            let task = PointCloudTask(kind: .classify, classes: classNames.count)
            let result = try ValidationResult.evaluate(trained.model, task: task, data: loaded.validation)
            guard let validation = result.accumulator as? PointCloudValidation else { return }
            matrix = validation.matrix
        }
        if let out {
            let folder = try OutputFolderCLI.check(out, argument: "--out", protecting: OutputFolderCLI.inputs([data, weights]), force: false)
            try OutputFolderCLI.write(folder, command: "percept cloud val") { staging in
                try RunLog.confusionChart(matrix, classNames: classNames).write(to: staging.appendingPathComponent("confusion_matrix.png"), format: .png)
            }
        }
        report(matrix, classNames: classNames, task: info.task)
    }

    private func report(_ matrix: ConfusionMatrix, classNames: [String], task: PointCloudTask.Kind) {
        let perClass = classNames.indices.map { index in
            ["class": classNames[index], "iou": matrix.intersectionOverUnion(index) ?? 0, "support": matrix.support(index)] as [String: Any]
        }
        if json {
            CloudCLI.printJSON(["weights": weights, "data": data, "counted": matrix.total, "accuracy": matrix.accuracy,
                                "class_accuracy": matrix.meanClassAccuracy, "miou": matrix.meanIntersectionOverUnion, "classes": perClass,
                                "confusion_matrix": matrix.counts] as [String: Any])
            return
        }
        print("\(matrix.total) \(task == .segment ? "points" : "clouds"): accuracy \(String(format: "%.4f", matrix.accuracy)), mean class accuracy "
              + "\(String(format: "%.4f", matrix.meanClassAccuracy)), mIoU \(String(format: "%.4f", matrix.meanIntersectionOverUnion))")
        print(TextTable.render(headers: ["class", "IoU", "support"], rows: classNames.indices.map { index in
            [classNames[index], matrix.intersectionOverUnion(index).map { String(format: "%.4f", $0) } ?? "-", String(matrix.support(index))]
        }, rightAligned: [1, 2]))
    }
}
