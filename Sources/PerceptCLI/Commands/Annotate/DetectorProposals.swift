import ArgumentParser
import Foundation
import Percept

/// A YOLO detector (`DetectionPredictor`, the core of `percept detect predict`) as the
/// annotator's `ProposalSource`: `percept annotate serve --detector WEIGHTS`.
struct DetectorProposals: ProposalSource, @unchecked Sendable {
    // Unchecked: the annotator's `Prelabeler` calls the source from one serial queue only, so the
    // model is never run from two threads at once.
    let predictor: DetectionPredictor
    let thresholds: DetectionThresholds

    /// Loads `weights` (an Ultralytics `.pt` or Percept safetensors of a detector) to run at
    /// `imageSize` (nil: the size the file records); prints `FILE: error: …` and exits 1 when
    /// the file is missing, unreadable or not a detector.
    static func load(_ weights: String, confidence: Float, imageSize: Int?) throws -> DetectorProposals {
        guard FileManager.default.fileExists(atPath: weights) else {
            CommandOutput.problem(file: weights, kind: "error", "--detector: no such file")
            throw ExitCode(1)
        }
        var loaded: DetectionPredictor?
        try ClassifyCLI.reportingErrors {
            let trained = try TrainedModel.load(weights)
            loaded = try DetectionPredictor(trained, file: weights, imageSize: imageSize ?? trained.description.configuration.imageSize)
        }
        guard let predictor = loaded else { throw ExitCode(1) }
        return DetectorProposals(predictor: predictor, thresholds: DetectionThresholds(confidence: confidence))
    }

    func proposals(forImageAt url: URL, width: Int, height: Int) throws -> [Proposal] {
        let image = try Image(contentsOf: url)
        let found = try predictor.detect(image, thresholds: thresholds)
        // The store keeps the displayed size; boxes found on the decoded pixels are scaled to it.
        let scaleX = Double(width) / Double(image.width), scaleY = Double(height) / Double(image.height)
        return found.map { detection in
            Proposal(box: DetectPredictCommand.box(detection).scaledBy(x: scaleX, y: scaleY), score: Double(detection.score),
                     className: DetectPredictCommand.name(detection.classIndex, predictor.classNames))
        }
    }
}
