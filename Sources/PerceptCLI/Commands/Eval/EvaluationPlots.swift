import ArgumentParser
import Foundation
import Percept

/// The PNGs of a box evaluation, as `percept eval --plots` and `percept detect val --out` write
/// them: `pr_curve.png` (every category), `pr_<category>.png` for each, and `confusion_matrix.png`.
enum EvaluationPlots {
    /// Writes the plots of `result` and `matrix` into `output` for `command`; returns their paths.
    static func write(_ result: COCOEvaluationResult, matrix: DetectionConfusionMatrix, to output: OutputFolder, command: String) throws -> [String] {
        var images: [(String, Image)] = [("pr_curve.png", PrecisionRecallPlot.overall(result))]
        var used: Set<String> = []
        for category in result.categoryIDs.indices {
            var name = "pr_" + result.categoryNames[category].map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "_" }.joined() + ".png"
            if !used.insert(name).inserted { name = "pr_\(result.categoryIDs[category]).png" }
            images.append((name, PrecisionRecallPlot.category(result, at: category)))
        }
        images.append(("confusion_matrix.png", ConfusionMatrixPlot.draw(matrix)))
        try OutputFolderCLI.write(output, command: command) { folder in
            for (name, image) in images {
                do {
                    try image.write(to: folder.appendingPathComponent(name))
                } catch let error as ImageError {
                    CommandOutput.error(error)
                    throw ExitCode(1)
                }
            }
        }
        return images.map { output.location.appendingPathComponent($0.0).path }
    }
}
