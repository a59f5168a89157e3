import ArgumentParser
import Foundation
import Percept

/// `percept annotate serve DIR`: the labeling web app over a folder of images.
struct AnnotateServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the labeling app over DIR and its subfolders (annotations in DIR/.percept/annotations.sqlite)."
    )

    @Argument(help: "The folder of images.")
    var folder: String

    @Option(help: "A class list: one name per line, or 'id name' per line. New names are added; differences from the store are reported.")
    var classes: String?

    @Flag(help: "Make the store's classes those of --classes, in its order: remove the others (refused while shapes use them).")
    var syncClasses = false

    @Option(help: "Rename classes of the store before reading --classes: 'old:new,old2:new2' (shapes keep their class).")
    var renameClasses: String?

    @Option(help: "The port (0 picks a free one).")
    var port: Int = 8080

    @Option(help: "The address to listen on; anything but loopback needs a token.")
    var host: String = "127.0.0.1"

    @Option(help: "The token requests must carry (generated when --host is not loopback).")
    var token: String?

    @Option(help: "The annotation store (default DIR/.percept/annotations.sqlite).")
    var db: String?

    @Option(name: .customLong("import"), help: "Import existing labels (a COCO, YOLO, VOC, CVAT or Label Studio folder).")
    var importLabels: String?

    @Option(help: "Import detector proposals from a COCO results file.")
    var importPredictions: String?

    @Option(help: "The COCO annotations file whose image and category ids the results use.")
    var predictionsGroundTruth: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535, found \(port)") }
        if predictionsGroundTruth != nil, importPredictions == nil {
            throw ValidationError("--predictions-ground-truth needs --import-predictions")
        }
        if classes == nil, syncClasses || renameClasses != nil {
            throw ValidationError("\(syncClasses ? "--sync-classes" : "--rename-classes") needs --classes FILE")
        }
        if let renameClasses { _ = try AnnotateClassFile.renaming(renameClasses) }
    }

    func run() throws {
        let store = try AnnotateCommand.openStore(folder: folder, database: db, mustExist: false)
        if let classes {
            try AnnotateClassFile.apply(classes, to: store, renaming: try renameClasses.map(AnnotateClassFile.renaming) ?? [:],
                                        sync: syncClasses)
        }
        if let importLabels { try AnnotateImport.labels(from: importLabels, into: store) }
        if let importPredictions {
            try AnnotateImport.predictions(from: importPredictions, groundTruth: predictionsGroundTruth, into: store)
        }
        var chosen = ServerSettings(host: host, port: port, token: token)
        if !chosen.isLoopback, chosen.token == nil { chosen.token = ServerSettings.generateToken() }
        let settings = chosen
        let server = try AnnotateCommand.fail(host) { try AnnotatorServer(store: store, settings: settings) }
        let count = try AnnotateCommand.fail(folder) { try store.images().count }
        let failure = BlockingServe.run {
            try await server.run { boundPort in
                let shownHost = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
                let query = settings.token.map { "?token=\($0)" } ?? ""
                print("percept annotate: \(count) images in \(folder); open http://\(shownHost):\(boundPort)/\(query)")
                fflush(stdout)
            }
        }
        if let error = failure {
            CommandOutput.problem(file: "\(host):\(port)", kind: "error", "cannot serve: \(error)")
            throw ExitCode(1)
        }
    }
}
