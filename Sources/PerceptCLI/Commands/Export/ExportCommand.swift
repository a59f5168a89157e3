import ArgumentParser
import Foundation
import Percept

/// `percept export --weights W --format onnx OUT.onnx`: a trained zoo model as an ONNX file
/// that ONNX Runtime (or any ONNX consumer) runs with Percept's outputs. Exit 1 on a bad
/// weights file or a model with no ONNX form, 2 on usage errors.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trained model to ONNX (classifiers, autoencoders and VAE parts, U-Net, PointNet, YOLO detectors).",
        discussion: """
        The graph is traced from one forward pass; batch norms are folded into the
        convolutions before them, initialisers keep their state-dict names, and the
        metadata holds the class names, input size, normalisation, task and Percept's
        version. Check a file with Tools/onnx-check.

        Examples:
          percept export --weights runs/classify/train/weights/best.safetensors --format onnx fashion.onnx
          percept export --weights vae.safetensors --format onnx decoder.onnx --part decoder --dynamic-batch
          percept export --weights resnet18.pth --model resnet18 --format onnx resnet18.onnx --imgsz 224 --half
          percept export --weights yolov8n.pt --format onnx yolov8n.onnx --imgsz 640
          percept export --weights yolov8n.pt --format onnx yolov8n-nms.onnx --nms --conf 0.25 --iou 0.7

        A YOLO detector (registry weights or an Ultralytics .pt) exports as Ultralytics'
        own ONNX does: output0 [batch, 4 + classes, anchors], boxes as centre, width and
        height in input pixels, then sigmoid class scores (yolov3n: sigmoid(objectness)
        times sigmoid(class), with its anchors in the metadata). With --nms the graph also keeps
        each box's best class, runs NonMaxSuppression and returns detections [N, 6]
        (x1, y1, x2, y2, score, class; input pixels, best first) for one image; the
        thresholds are constants of the graph. Letterboxing stays outside the graph.
        """
    )

    @Option(help: "The weights: Percept's safetensors (or a PyTorch .pt/.pth with --model).")
    var weights: String

    @Option(help: "The output format; onnx is the one there is.")
    var format = "onnx"

    @Argument(help: "The file to write; it must not exist unless --force.")
    var output: String

    @Option(help: "The ONNX operator set (13 to 21).")
    var opset = 17

    @Option(parsing: .upToNextOption, help: "Input size: one side, or height and width (points for point clouds; default: the model's).")
    var imgsz: [Int] = []

    @Flag(help: "Leave the batch axis free (named 'batch') instead of 1.")
    var dynamicBatch = false

    @Flag(help: "Store weights, inputs and outputs as float16.")
    var half = false

    @Flag(help: "Keep BatchNormalization nodes instead of folding them into convolutions.")
    var noFold = false

    @Option(help: "Which graph: full, or an autoencoder's encoder or decoder.")
    var part = "full"

    @Option(help: "The architecture, for weights whose file does not name one (`percept models` lists them).")
    var model: String?

    @Flag(help: "YOLO: NonMaxSuppression inside the graph; the output is detections [N, 6] of one image.")
    var nms = false

    @Flag(help: "YOLO with --nms: boxes of different classes suppress each other.")
    var agnosticNms = false

    @Option(help: "YOLO with --nms: detections scoring at or below this are dropped.")
    var conf: Float = 0.25

    @Option(help: "YOLO with --nms: the IoU above which a box is suppressed by a better one.")
    var iou: Float = 0.7

    @Option(help: "YOLO with --nms: detections kept, best first.")
    var maxDet = 300

    @Flag(help: "Print one JSON object describing the export.")
    var json = false

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    func validate() throws {
        guard format == "onnx" else { throw ValidationError("--format: only onnx is supported, got \(format)") }
        guard ModelPart(rawValue: part) != nil else {
            throw ValidationError("--part: expected one of \(ModelPart.allCases.map(\.rawValue).joined(separator: ", ")), got \(part)")
        }
        guard ONNXExportOptions.supportedOpsets.contains(opset) else {
            throw ValidationError("--opset \(opset) is not supported: Percept writes opsets \(ONNXExportOptions.supportedOpsets.lowerBound) to \(ONNXExportOptions.supportedOpsets.upperBound)")
        }
        guard imgsz.count <= 2, imgsz.allSatisfy({ $0 > 0 }) else { throw ValidationError("--imgsz: give one or two positive sizes") }
        guard nms || !agnosticNms else { throw ValidationError("--agnostic-nms applies with --nms") }
        guard conf >= 0, conf <= 1, iou >= 0, iou <= 1 else { throw ValidationError("--conf and --iou must lie in 0...1, got \(conf) and \(iou)") }
        guard maxDet >= 1 else { throw ValidationError("--max-det must be at least 1, got \(maxDet)") }
    }

    func run() throws {
        try CommandOutput.requireNewFile(output, input: weights, force: force)
        try ClassifyCLI.reportingErrors(export)
    }

    private func export() throws {
        do {
            try write(ExportedModel.load(weights: weights, model: model))
        } catch let error as ONNXExportError {
            throw ClassifyInputError(description: "\(weights): error: \(error)")
        } catch let error as ZooExportError {
            throw ClassifyInputError(description: "\(weights): error: \(error)")
        } catch let error as DetectionExportError {
            throw ClassifyInputError(description: "\(weights): error: \(error)")
        }
    }

    /// Exports `loaded` as asked and prints what was written.
    private func write(_ loaded: ExportedModel) throws {
        let side = loaded.configuration.imageSize
        let size = imgsz.isEmpty ? (side, side) : (imgsz[0], imgsz.count == 2 ? imgsz[1] : imgsz[0])
        let chosenPart = ModelPart(rawValue: part) ?? .full
        let signature = try ZooExport.signature(for: loaded.model, name: loaded.name, task: loaded.task, configuration: loaded.configuration,
                                                part: chosenPart, imageSize: size)
        let nmsOptions = nms ? DetectionNMSOptions(confidence: conf, iou: iou, maxDetections: maxDet, agnostic: agnosticNms) : nil
        let options = ONNXExportOptions(opset: opset, dynamicBatch: dynamicBatch, half: half, foldBatchNorm: !noFold, nms: nmsOptions)
        let configurationJSON = try loaded.configuration.jsonString()
        let metadata = if let detector = loaded.model as? any ExportableDetector {
            DetectionExport.metadata(for: detector, name: loaded.name, classNames: loaded.classNames, signature: signature, options: options,
                                     configuration: configurationJSON, version: PerceptVersion.string)
        } else {
            ZooExport.metadata(weightsMetadata: loaded.metadata, name: loaded.name, task: loaded.task, configuration: configurationJSON,
                               part: chosenPart, signature: signature, version: PerceptVersion.string)
        }
        let onnx = try ONNXExporter.export(loaded.model, signature: signature, options: options, metadata: metadata,
                                           producerVersion: PerceptVersion.string)
        let bytes = onnx.serialized()
        try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        let inspection = try ONNXInspection(path: output)
        if json {
            print(try ONNXInspectionOutput.json(inspection))
        } else {
            let nodes = onnx.graph.nodes.count, parameters = onnx.graph.initializers.reduce(0) { $0 + $1.count }
            print("\(output): \(loaded.name) (\(chosenPart.rawValue)), opset \(opset), \(nodes) nodes, \(ClassifyCLI.grouped(parameters)) weights, \(ClassifyCLI.grouped(bytes.count)) bytes")
        }
    }
}

/// A zoo model rebuilt from a weights file for export, with what the file says about it.
struct ExportedModel {
    let model: any ZooModel
    let name: String
    let task: ModelTask
    let configuration: ModelConfiguration
    let metadata: [String: String]

    /// The class names the file records (`percept.classes`, or an Ultralytics checkpoint's `names`).
    var classNames: [String] {
        guard let text = metadata[ModelDescription.classNamesKey],
              let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return names
    }

    /// Rebuilds the architecture the file names (or `model`, for a file that names none) and
    /// loads its weights strictly; an Ultralytics checkpoint brings its own architecture and names.
    static func load(weights path: String, model requested: String?) throws -> ExportedModel {
        if requested == nil, TorchFile.isTorchFile(path), let checkpoint = try UltralyticsCheckpoint(TorchFile.read(path: path)) {
            let description = ModelDescription(name: checkpoint.architecture, configuration: checkpoint.configuration, classNames: checkpoint.classNames)
            return ExportedModel(model: try checkpoint.model(), name: checkpoint.architecture, task: .detect,
                                 configuration: checkpoint.configuration, metadata: description.metadata)
        }
        let file = try PretrainedWeights.read(path)
        guard let name = requested ?? file.metadata[ModelFile.architectureKey] else {
            throw ClassifyInputError(description: "\(path): error: the file names no architecture (no percept.arch metadata); pass --model NAME (`percept models` lists them)")
        }
        let entry: ModelEntry
        do { entry = try ModelRegistry.entry(name) } catch ModelRegistryError.unknownModel(let name, let close) {
            throw ValidationError("--model: unknown model \"\(name)\"" + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"))
        }
        let configuration = try file.configuration(for: name)
        let model = try entry.build(configuration)
        try model.load(file.stateDict, strict: true, source: path)
        return ExportedModel(model: model, name: name, task: entry.task, configuration: configuration, metadata: file.metadata)
    }
}
