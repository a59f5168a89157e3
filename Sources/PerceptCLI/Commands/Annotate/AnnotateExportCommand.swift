import ArgumentParser
import Foundation
import Percept

/// `percept annotate export DIR OUT --to FORMAT`: writes the labels of the store through the
/// same writers as `percept convert`, atomically, with the conversion report.
struct AnnotateExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the labels of a folder's annotation store as COCO, YOLO, VOC, CVAT or Label Studio."
    )

    @Argument(help: "The folder of images that was served.")
    var folder: String

    @Argument(help: "The output folder (must not exist or be empty unless --force).")
    var output: String

    @Option(help: "Target format: \(AnnotateFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var to: AnnotateFormat

    @Option(help: "The annotation store (default FOLDER/.percept/annotations.sqlite).")
    var db: String?

    @Flag(help: "Replace a non-empty output folder.")
    var force = false

    @Flag(help: "Print the conversion report as JSON.")
    var json = false

    func run() throws {
        let store = try AnnotateCommand.openStore(folder: folder, database: db, mustExist: true)
        let target = URL(fileURLWithPath: output)
        let report = try AnnotateCommand.fail(output) {
            try store.export(to: target, format: to.datasetFormat, force: force)
        }
        if json {
            print(String(decoding: JSONWriter.encode(report.json, pretty: false), as: UTF8.self))
        } else {
            print("percept annotate: wrote \(to.rawValue) labels to \(target.path)")
            for line in report.summaryLines { CommandOutput.problem(file: output, kind: "warning", line) }
        }
    }
}
