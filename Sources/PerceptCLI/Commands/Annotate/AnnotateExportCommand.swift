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

    @Flag(help: "Replace a non-empty output folder that Percept wrote (it holds \(OutputFolder.markerFileName)); other folders are never replaced.")
    var force = false

    @Option(help: "Export only images with these statuses: comma-separated from \(ImageStatus.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var status: String?

    @Flag(help: "Write VOC box coordinates as fractions instead of rounding them to whole pixels.")
    var floatCoords = false

    @Flag(help: "Print the conversion report as JSON.")
    var json = false

    func validate() throws {
        _ = try statuses()
    }

    func run() throws {
        let store = try AnnotateCommand.openStore(folder: folder, database: db, mustExist: true)
        let target = try OutputFolderCLI.check(output, argument: "OUT", protecting: store.protectedLocations, force: force)
        let report = try AnnotateCommand.fail(output) {
            do {
                return try store.export(to: target, format: to.datasetFormat, statuses: try statuses(), floatCoordinates: floatCoords)
            } catch let error as OutputFolderError {
                throw OutputFolderCLI.fail(error)
            }
        }
        if json {
            print(String(decoding: JSONWriter.encode(report.json, pretty: false), as: UTF8.self))
        } else {
            print("percept annotate: wrote \(to.rawValue) labels to \(target.location.path)")
            for line in report.summaryLines { CommandOutput.problem(file: output, kind: "warning", line) }
        }
    }

    /// The statuses of `--status`; nil for all images.
    private func statuses() throws -> Set<ImageStatus>? {
        guard let status else { return nil }
        return Set(try status.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let known = ImageStatus(rawValue: trimmed) else {
                throw ValidationError("--status: expected statuses from \(ImageStatus.allCases.map(\.rawValue).joined(separator: ", ")), found '\(trimmed)'")
            }
            return known
        })
    }
}
