import Foundation
import PerceptEval
import PerceptImage

/// The callback that keeps a run folder's records: a `results.csv` row per epoch
/// (`epoch,train_loss,val_loss,val_<metric>…,lr,time_s`), `results.png` redrawn from every row,
/// and `confusion_matrix.png` of each best epoch's validation. A resumed run keeps the rows
/// written before it.
public final class RunLog: TrainingCallback {
    /// The folder written to.
    public let folder: RunFolder
    private let metricNames: [String]
    private var rows: [[Double]]

    /// A log for `folder` with the task's metric columns; rows already in its `results.csv`
    /// (a resumed run) are kept.
    public init(folder: RunFolder, metricNames: [String]) {
        self.folder = folder
        self.metricNames = metricNames
        let existing = (try? String(contentsOfFile: folder.resultsFile, encoding: .utf8)) ?? ""
        rows = existing.split(separator: "\n").dropFirst().map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { Double(String($0)) ?? .nan }
        }
    }

    /// The CSV header.
    public var header: [String] { ["epoch", "train_loss", "val_loss"] + metricNames.map { "val_" + $0 } + ["lr", "time_s"] }

    public func epochEnded(_ record: EpochRecord, trainer: Trainer) throws {
        rows.removeAll { ($0.first ?? 0) >= Double(record.epoch) }
        rows.append([Double(record.epoch), record.trainLoss, record.validationLoss ?? .nan]
                    + metricNames.map { record.validationMetrics[$0] ?? .nan } + [record.learningRate, record.seconds])
        let lines = [header.joined(separator: ",")] + rows.map { row in row.map(Self.format).joined(separator: ",") }
        try RunFolder.write(lines.joined(separator: "\n") + "\n", to: folder.resultsFile)
        try write(LearningCurvePlot.draw(epochs: rows.map { $0[0] }, series: header.indices.dropFirst().dropLast().map { column in
            (header[column], rows.map { column < $0.count ? $0[column] : .nan })
        }), to: folder.resultsPlot)
        if record.isBest, let validation = trainer.lastValidation as? any ConfusionMatrixValidation {
            try write(Self.confusionChart(validation.matrix, classNames: trainer.modelDescription.classNames), to: folder.confusionMatrixPlot)
        }
    }

    /// The chart of a classifier's confusion matrix: predicted classes down, true classes across.
    public static func confusionChart(_ matrix: ConfusionMatrix, classNames: [String]) -> Image {
        let transposed = (0..<matrix.classes).map { predicted in (0..<matrix.classes).map { truth in matrix.counts[truth][predicted] } }
        return ConfusionMatrixPlot.draw(labels: classNames, counts: transposed,
                                        notes: ["\(matrix.total) VALIDATION EXAMPLES, ACCURACY \(String(format: "%.4f", matrix.accuracy))",
                                                "COLOUR: SHARE OF EACH TRUE COLUMN"])
    }

    private func write(_ image: Image, to file: String) throws {
        do {
            try image.write(to: URL(fileURLWithPath: file))
        } catch {
            throw RunFolderError.unwritable(file: file, reason: "\(error)")
        }
    }

    /// A number as the CSV holds it: integers bare, others with up to 6 significant digits, NaN empty.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.6g", value)
    }
}
