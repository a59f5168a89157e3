import ArgumentParser
import Foundation
import Percept

/// `percept annotate serve DIR`: the labeling web app over a folder of images.
struct AnnotateServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the labeling app over DIR and its subfolders (annotations in DIR/.percept/annotations.sqlite).",
        discussion: """
        With --detector, a YOLO detector (an Ultralytics .pt or Percept .safetensors, as `percept detect
        predict` reads) proposes boxes: when an image without proposals that it has not seen is opened,
        and for every such image with "Pre-label all" (in the background). Proposals are dashed until
        accepted (y); they never replace people's shapes, a box repeating a person's box of its class is
        left out, and the detector's class names join the class list by name (missing names are added).
        """
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

    @Option(help: "Detector weights whose boxes become proposals (an Ultralytics .pt or Percept .safetensors).")
    var detector: String?

    @Option(help: "With --detector: keep boxes scoring above this (0...1).")
    var conf: Float = 0.25

    @Option(name: .customLong("detector-imgsz"), help: "With --detector: the square inference side, a multiple of 32 (default: the size the weights record).")
    var detectorImageSize: Int?

    func validate() throws {
        guard (0...1).contains(conf) else { throw ValidationError("--conf must lie in 0...1, got \(conf)") }
        if let detectorImageSize, detectorImageSize < 32 || detectorImageSize % 32 != 0 {
            throw ValidationError("--detector-imgsz must be a positive multiple of 32, got \(detectorImageSize)")
        }
        if detector == nil, detectorImageSize != nil { throw ValidationError("--detector-imgsz needs --detector WEIGHTS") }
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
        let proposals = try detector.map { try DetectorProposals.load($0, confidence: conf, imageSize: detectorImageSize) }
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
        if let proposals, let detector {
            print("percept annotate: detector \(detector) (\(proposals.predictor.classNames.joined(separator: ", "))) proposes boxes above \(conf) at \(proposals.predictor.imageSize) px")
        }
        let prelabeler = proposals.map { source in
            Prelabeler(store: store, source: source) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        let server = try AnnotateCommand.fail(host) { try AnnotatorServer(store: store, settings: settings, prelabeler: prelabeler) }
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
