import ArgumentParser
import Foundation
import Percept

/// `percept detect predict IMAGES… --weights W --out DIR`: COCO results JSON, YOLO label files
/// and preview PNGs of a YOLO detector's boxes (yolov8n/s, yolov3n, yolov8_resnet18, Ultralytics' `.pt`).
struct DetectPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Detect objects in images: COCO results JSON, YOLO label files and preview PNGs.",
        discussion: """
        W is an Ultralytics YOLOv8 checkpoint (.pt, read without running Python: architecture and class
        names come from the file) or Percept weights (.safetensors) of any detector detect train makes.
        Images are letterboxed onto an IMGSZ square as Ultralytics' predict does and boxes mapped back to the image's own pixels.
        DIR gets predictions.json (COCO results: image_id counts the images from 1, category_id is the
        class index, bbox [x, y, width, height] in pixels, score), labels/STEM.txt (YOLO boxes, no
        scores) and STEM.png (boxes with class names and scores). An image that cannot be read is
        named, skipped with a warning; exit 1 when no image could be read.
        """
    )

    @Argument(help: "Images, folders or glob patterns.")
    var images: [String]
    @Option(help: "Detector weights: an Ultralytics .pt checkpoint or Percept .safetensors.")
    var weights: String
    @Option(help: "The output folder (must not exist or be empty unless --force).")
    var out: String
    @Option(help: "Keep detections scoring above this (0...1).")
    var conf: Float = 0.25
    @Option(help: "NMS IoU threshold (0...1).")
    var iou: Float = 0.7
    @Option(name: .customLong("max-det"), help: "At most this many detections per image.")
    var maxDet = 300
    @Flag(name: .customLong("agnostic-nms"), help: "Let boxes of different classes suppress each other.")
    var agnosticNMS = false
    @Option(name: .customLong("only-classes"), help: "Keep only these classes: names or indices, comma-separated.")
    var onlyClasses: String?
    @Option(help: "The square inference side, a multiple of 32.")
    var imgsz = 640
    @Flag(help: "Print the detections as JSON on stdout.")
    var json = false
    @Flag(help: "Write into a non-empty --out folder.")
    var force = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one image, folder or pattern") }
        guard (0...1).contains(conf) else { throw ValidationError("--conf must lie in 0...1, got \(conf)") }
        guard (0...1).contains(iou) else { throw ValidationError("--iou must lie in 0...1, got \(iou)") }
        guard maxDet >= 1 else { throw ValidationError("--max-det must be at least 1, got \(maxDet)") }
        guard imgsz >= 32, imgsz % 32 == 0 else { throw ValidationError("--imgsz must be a positive multiple of 32, got \(imgsz)") }
    }

    func run() throws {
        let files = try ImageFiles.expand(images)
        guard !files.isEmpty else { throw CommandOutput.usage(file: images.joined(separator: " "), "no images found") }
        var loaded: DetectionPredictor?
        try ClassifyCLI.reportingErrors { loaded = try DetectionPredictor(TrainedModel.load(weights), file: weights, imageSize: imgsz) }
        guard let predictor = loaded else { throw ExitCode(1) }
        let thresholds = DetectionThresholds(confidence: conf, iou: iou, maxDetections: maxDet, agnostic: agnosticNMS,
                                             onlyClasses: try onlyClasses.map { try classIndices($0, names: predictor.classNames) })
        try CommandOutput.prepareFolder(out, inputs: files, force: force)
        let folder = URL(fileURLWithPath: out), labels = folder.appendingPathComponent("labels")
        try FileManager.default.createDirectory(at: labels, withIntermediateDirectories: true)
        var results: [Annotation] = [], report: [[String: Any]] = [], stems = Set<String>(), decoded = 0
        for (number, file) in files.enumerated() {
            let image: Image
            do { image = try Image(contentsOf: file) } catch {
                CommandOutput.problem(file: file.path, kind: "warning", "cannot be read, skipped: \((error as? ImageError)?.message ?? "\(error)")")
                continue
            }
            decoded += 1
            let found = try predictor.detect(image, thresholds: thresholds)
            let stem = Self.uniqueStem(file.deletingPathExtension().lastPathComponent, taken: &stems)
            for detection in found {
                results.append(Annotation(id: results.count + 1, imageID: number + 1, categoryID: detection.classIndex,
                                          box: Self.box(detection), score: Double(detection.score)))
            }
            let size = ImageSize(width: image.width, height: image.height)
            try RunFolder.write(YOLOLabelFile.format(found.map { ($0.classIndex, Self.box($0), nil) }, size: size),
                                to: labels.appendingPathComponent(stem + ".txt").path)
            try DetectionPreview.draw(found, on: image, names: predictor.classNames).write(to: folder.appendingPathComponent(stem + ".png"))
            report.append(["image": file.path, "image_id": number + 1, "detections": found.map { detection in
                ["class": Self.name(detection.classIndex, predictor.classNames), "class_index": detection.classIndex,
                 "score": Double(detection.score), "box": [detection.x1, detection.y1, detection.x2, detection.y2]] as [String: Any]
            }])
            if !json { print("\(file.path): " + Self.summary(found, names: predictor.classNames)) }
        }
        try RunFolder.write(String(decoding: COCOWriter.encodeResults(results), as: UTF8.self) + "\n",
                            to: folder.appendingPathComponent("predictions.json").path)
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        }
        if decoded == 0 { throw ExitCode(1) }
    }

    /// The class indices of `--only-classes`: names of the model's classes or indices below their count.
    func classIndices(_ list: String, names: [String]) throws -> Set<Int> {
        try Set(list.split(separator: ",").map { raw in
            let item = raw.trimmingCharacters(in: .whitespaces)
            if let index = names.firstIndex(of: item) { return index }
            if let index = Int(item), names.indices.contains(index) { return index }
            throw CommandOutput.usage(file: weights, "--only-classes: \"\(item)\" is not one of its classes: \(names.joined(separator: ", "))")
        })
    }

    /// A detection's box.
    static func box(_ detection: Detection) -> BoundingBox {
        BoundingBox(minX: detection.x1, minY: detection.y1, maxX: detection.x2, maxY: detection.y2)
    }

    /// The name of class `index`, or the index when the model names fewer classes.
    static func name(_ index: Int, _ names: [String]) -> String { names.indices.contains(index) ? names[index] : String(index) }

    /// `stem`, or `stem_2`, `stem_3`, … when images of the same name came from different folders.
    static func uniqueStem(_ stem: String, taken: inout Set<String>) -> String {
        var candidate = stem, number = 1
        while !taken.insert(candidate).inserted {
            number += 1
            candidate = "\(stem)_\(number)"
        }
        return candidate
    }

    /// "3 detections: 2 circle, 1 square".
    static func summary(_ found: [Detection], names: [String]) -> String {
        var counts: [String: Int] = [:]
        for detection in found { counts[name(detection.classIndex, names), default: 0] += 1 }
        let parts = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
        return "\(found.count) detection\(found.count == 1 ? "" : "s")" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }
}
