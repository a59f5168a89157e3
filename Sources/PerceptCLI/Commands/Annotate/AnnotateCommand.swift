import ArgumentParser
import Foundation
import Percept

/// `percept annotate`: the labeling web app and its exports.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Label a folder of images in the browser; export COCO, YOLO, VOC, CVAT or Label Studio.",
        subcommands: [AnnotateServeCommand.self, AnnotateExportCommand.self]
    )

    /// Opens the store of `folder` (checking the folder exists) and brings it up to date with
    /// the files, printing a warning per unreadable image.
    static func openStore(folder: String, database: String?, mustExist: Bool) throws -> AnnotationStore {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandOutput.usage(file: folder, "is not a folder of images")
        }
        let root = URL(fileURLWithPath: folder)
        let databaseURL = database.map { URL(fileURLWithPath: $0) } ?? AnnotationStore.defaultDatabaseURL(for: root)
        if mustExist, !FileManager.default.fileExists(atPath: databaseURL.path) {
            throw CommandOutput.usage(file: databaseURL.path, "no annotation store here; run `percept annotate serve \(folder)` first or pass --db")
        }
        let store = try fail(databaseURL.path) { try AnnotationStore(root: root, databaseURL: databaseURL) }
        for warning in try fail(folder, { try store.scan() }) {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
        return store
    }

    /// Runs `body`, printing an `AnnotatorError` as `FILE: error: …` and exiting with 1.
    static func fail<T>(_ file: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AnnotatorError {
            CommandOutput.problem(file: file, kind: "error", error.description)
            throw ExitCode(1)
        } catch let error as LabelError {
            CommandOutput.problem(file: nil, kind: "error", error.description)
            throw ExitCode(1)
        }
    }
}

/// The export formats, as named on the command line.
enum AnnotateFormat: String, ExpressibleByArgument, CaseIterable {
    case coco, yolo, voc, cvat, labelstudio

    var datasetFormat: DatasetFormat { DatasetFormat(rawValue: rawValue) ?? .coco }
}
