import ArgumentParser
import Foundation
import Percept

/// `percept eval --gt FILE --results FILE`: COCO evaluation identical to pycocotools.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate detections (a COCO results file) against COCO ground truth, exactly as pycocotools' COCOeval.",
        discussion: """
            Prints COCO's summary numbers (12 for bbox and segm, 10 for keypoints) and a table per category with \
            the best-F1 operating point at IoU 0.50. --variant ultralytics also prints the average precision as \
            Ultralytics computes it, beside COCO's. --plots DIR writes precision-recall curves (overall and per \
            category) and a detection confusion matrix as PNG. Results that cannot be evaluated (unknown image or \
            category ids, NaN scores, boxes of negative size, masks of the wrong size) are reported and stop the \
            run unless --lenient is given, which skips them. Exit status: 0 numbers printed, 1 errors in the \
            files, 2 usage.
            """
    )

    enum Variant: String, ExpressibleByArgument, CaseIterable {
        case coco, ultralytics
    }

    @Option(name: .customLong("gt"), help: "Ground truth: a COCO instances JSON file.")
    var groundTruth: String

    @Option(help: "Detections: a COCO results JSON file (a list of image_id, category_id, bbox/segmentation/keypoints, score).")
    var results: String

    @Option(name: .customLong("iou-type"), help: "What overlap is measured on: bbox, segm or keypoints.")
    var iouType: COCOIoUType = .bbox

    @Flag(help: "Print the numbers as one JSON object (stats in COCO's order, per-category tables).")
    var json = false

    @Option(help: "Write precision-recall curves and a confusion matrix as PNG into this folder (new or empty unless --force).")
    var plots: String?

    @Flag(help: "Replace a non-empty plots folder that Percept wrote.")
    var force = false

    @Option(help: "Evaluate only these categories: names or ids, comma-separated.")
    var classes: String?

    @Option(name: .customLong("max-dets"), help: "Detection limits per image, comma-separated (default 1,10,100; keypoints 20).")
    var maxDets: String?

    @Option(name: .customLong("area-ranges"), help: "Area ranges as LABEL=MIN:MAX, comma-separated (default all=0:1e10,small=0:1024,medium=1024:9216,large=9216:1e10).")
    var areaRanges: String?

    @Option(help: "Keypoint sigmas: a JSON list for every category, or an object of category name to list.")
    var sigmas: String?

    @Option(help: "coco, or ultralytics to also print Ultralytics' average precision beside COCO's.")
    var variant: Variant = .coco

    @Flag(help: "Skip entries that cannot be evaluated (and say which) instead of refusing to produce numbers.")
    var lenient = false

    func validate() throws {
        _ = try EvalOptionParsing.maxDetections(maxDets)
        _ = try EvalOptionParsing.areaRanges(areaRanges)
    }

    func run() throws {
        var parameters = COCOEvaluationParameters(iouType: iouType)
        if let limits = try EvalOptionParsing.maxDetections(maxDets) { parameters.maxDetections = limits }
        if let ranges = try EvalOptionParsing.areaRanges(areaRanges) { parameters.areaRanges = ranges }
        let plotFolder = try plots.map { try preparePlotFolder($0) }
        do {
            if let sigmas { parameters.keypointSigmas = try COCOKeypointSigmas.read(try readFile(sigmas), file: sigmas) }
            let (truth, truthProblems) = try COCOGroundTruthReader.read(try readFile(groundTruth), file: groundTruth, iouType: iouType,
                                                                         keypointSigmas: parameters.keypointSigmas)
            let (detections, detectionProblems) = try COCODetectionReader.read(try readFile(results), file: results, groundTruth: truth,
                                                                               iouType: iouType, keypointSigmas: parameters.keypointSigmas)
            let skipped = try report(truthProblems + detectionProblems)
            if let classes { parameters.categoryIDs = try EvalOptionParsing.categories(classes, in: truth) }
            let report = try EvalReport.evaluate(truth: truth, detections: detections, parameters: parameters, variant: variant,
                                                 plotFolder: plotFolder, command: "percept eval", skipped: skipped)
            print(json ? report.json() : report.text())
        } catch let error as LabelError {
            FileHandle.standardError.write(Data((error.problem.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    /// Prints the readers' problems; errors stop the run unless --lenient, which reports them
    /// as skipped. Returns the messages of what was skipped.
    private func report(_ problems: [LabelProblem]) throws -> [String] {
        let errors = problems.filter { $0.severity == .error }
        for problem in problems where problem.severity == .warning { FileHandle.standardError.write(Data((problem.description + "\n").utf8)) }
        guard !errors.isEmpty else { return [] }
        if !lenient {
            for problem in errors { FileHandle.standardError.write(Data((problem.description + "\n").utf8)) }
            CommandOutput.problem(file: nil, kind: "error",
                                  "\(errors.count) entr\(errors.count == 1 ? "y" : "ies") cannot be evaluated; no numbers were computed (fix the files, or pass --lenient to skip them)")
            throw ExitCode(1)
        }
        for problem in errors {
            var skipped = problem
            skipped.severity = .warning
            skipped.message = "skipped: " + problem.message
            FileHandle.standardError.write(Data((skipped.description + "\n").utf8))
        }
        CommandOutput.problem(file: nil, kind: "warning", "--lenient: skipped \(errors.count) entr\(errors.count == 1 ? "y" : "ies") listed above")
        return errors.map { "\($0.file): \($0.message)" }
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandOutput.usage(file: path, "cannot read this file (missing or not permitted)")
        }
        return [UInt8](data)
    }

    /// The plot folder, checked by the output-folder rule; never a folder holding an input file.
    private func preparePlotFolder(_ path: String) throws -> OutputFolder {
        let inputs = [groundTruth, results] + (sigmas.map { [$0] } ?? [])
        return try OutputFolderCLI.check(path, argument: "--plots", protecting: OutputFolderCLI.inputs(inputs), force: force)
    }
}
