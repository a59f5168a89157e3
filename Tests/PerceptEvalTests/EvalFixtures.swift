import Foundation
import PerceptEval
import PerceptLabels

/// The committed evaluation fixtures under Fixtures/eval (written by Tools/make-eval-fixtures).
enum EvalFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/eval")

    /// The sets, each a folder with gt.json, results.json and pycocotools' expected.json.
    static let sets = ["bbox-mixed", "segm-mixed", "segm-with-boxes", "keypoints-person", "keypoints-sigmas", "bbox-id-zero"]

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(path)))
    }

    /// A set's expected numbers.
    static func expected(_ set: String) throws -> JSONValue {
        try JSONParser.parse(try bytes("\(set)/expected.json"), file: "\(set)/expected.json")
    }

    /// A set read for evaluation, with the problems the readers found.
    static func load(_ set: String) throws -> (truth: COCOGroundTruth, detections: [COCODetection], parameters: COCOEvaluationParameters, problems: [LabelProblem]) {
        let iouType = COCOIoUType(rawValue: try expected(set)["iou_type"]?.string ?? "") ?? .bbox
        var parameters = COCOEvaluationParameters(iouType: iouType)
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(set)/sigmas.json").path) {
            parameters.keypointSigmas = try COCOKeypointSigmas.read(try bytes("\(set)/sigmas.json"), file: "sigmas.json")
        }
        let (truth, truthProblems) = try COCOGroundTruthReader.read(try bytes("\(set)/gt.json"), file: "gt.json", iouType: iouType,
                                                                     keypointSigmas: parameters.keypointSigmas)
        let (detections, problems) = try COCODetectionReader.read(try bytes("\(set)/results.json"), file: "results.json",
                                                                  groundTruth: truth, iouType: iouType, keypointSigmas: parameters.keypointSigmas)
        return (truth, detections, parameters, truthProblems + problems)
    }
}

extension JSONValue {
    /// The numbers of an array.
    var numbers: [Double] { array?.compactMap(\.number) ?? [] }
}
