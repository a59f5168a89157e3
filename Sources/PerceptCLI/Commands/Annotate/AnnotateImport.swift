import ArgumentParser
import Foundation
import Percept

/// Reads labels and proposals for `percept annotate serve --import/--import-predictions`.
enum AnnotateImport {
    /// Reads the label folder with the reader of its detected format and stores its labels.
    static func labels(from path: String, into store: AnnotationStore) throws {
        let folder = URL(fileURLWithPath: path)
        guard let format = DatasetFormat.detect(folder: folder), format != .folders else {
            throw CommandOutput.usage(file: path, "cannot tell the label format; expected a COCO, YOLO, VOC, CVAT or Label Studio folder")
        }
        let registryClasses = try store.classes().map { LabelCategory(id: $0.id, name: $0.name) }
        let registry = registryClasses.isEmpty ? nil : try? ClassRegistry(registryClasses)
        let (dataset, problems) = format.read(folder: folder, registry: registry)
        for problem in problems { FileHandle.standardError.write(Data((problem.description + "\n").utf8)) }
        if problems.containsErrors { throw ExitCode(1) }
        let summary = try AnnotateCommand.fail(path) { try store.importLabels(dataset) }
        report(summary, what: "\(format.rawValue) labels", from: path)
    }

    /// Reads a COCO results file (and the annotations file its ids refer to) as proposals.
    static func predictions(from path: String, groundTruth: String?, into store: AnnotationStore) throws {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw CommandOutput.usage(file: path, "cannot read the results file")
        }
        var truth: LabelDataset?
        if let groundTruth {
            guard let truthBytes = FileManager.default.contents(atPath: groundTruth) else {
                throw CommandOutput.usage(file: groundTruth, "cannot read the COCO annotations file")
            }
            let (dataset, problems) = try AnnotateCommand.fail(groundTruth) { try COCOReader.read([UInt8](truthBytes), file: groundTruth) }
            for problem in problems { FileHandle.standardError.write(Data((problem.description + "\n").utf8)) }
            truth = dataset
        }
        let summary = try AnnotateCommand.fail(path) {
            try store.importPredictions(results: [UInt8](bytes), file: path, groundTruth: truth)
        }
        report(summary, what: "proposals", from: path)
    }

    private static func report(_ summary: ImportSummary, what: String, from path: String) {
        for warning in summary.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        print("percept annotate: imported \(summary.shapes) \(what) on \(summary.images) images from \(path)")
    }
}
