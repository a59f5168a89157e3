import PerceptModels
import PerceptNN
import PerceptTensor

/// What a YOLO detector exports as, the way Ultralytics' own ONNX export lays it out: one input
/// `images` `[N, 3, H, W]` (RGB in 0…1, letterboxed outside the graph) and one output
/// `output0` `[N, 4 + classes, anchors]` — per anchor the box centre, width and height in input
/// pixels, then the score of every class (YOLOv8: σ(class logit); yolov3n: σ(objectness)·σ(class
/// logit)). The whole network is in the graph: the DFL softmax and projection or the anchor
/// boxes' exponentials, the cell offsets, anchor sizes and strides (as initialisers) and the decoding.
public enum DetectionExport {
    /// The name of the decoded output, as Ultralytics names it.
    public static let outputName = "output0"

    /// The signature of `model` for inputs of `imageSize` (height, width; multiples of 32).
    public static func signature(for model: any ExportableDetector, channels: Int, imageSize: (height: Int, width: Int)) throws -> ExportSignature {
        let stride = model.strides.max() ?? 32
        guard imageSize.height > 0, imageSize.width > 0, imageSize.height % stride == 0, imageSize.width % stride == 0 else {
            throw DetectionExportError.imageSize(height: imageSize.height, width: imageSize.width, stride: stride)
        }
        let input = (name: "images", shape: [1, channels, imageSize.height, imageSize.width])
        return ExportSignature(inputs: [input], outputNames: [outputName]) { inputs in
            [try decoded(model, inputs[0])]
        }
    }

    /// Ultralytics' inference output of `model` on `images`: `[N, 4 + classes, anchors]`, boxes
    /// as centre x, centre y, width, height in input pixels, then class scores.
    public static func decoded(_ model: any ExportableDetector, _ images: Tensor) throws -> Tensor {
        let (corners, scores) = try model.decode(model(images), inputHeight: images.shape[2], inputWidth: images.shape[3])
        let topLeft = try corners.slice(axis: 1, end: 2), bottomRight = try corners.slice(axis: 1, start: 2)
        let centre = try (topLeft + bottomRight) * 0.5
        return try Tensor.concatenate([centre, bottomRight - topLeft, scores], axis: 1)
    }

    /// The metadata Ultralytics writes into its ONNX files (`stride`, `task`, `batch`, `imgsz`,
    /// `names` as a Python dict literal, `channels`, `end2end`) plus Percept's own entries and
    /// what a consumer must do around the graph (letterbox, and the NMS settings under `--nms`).
    public static func metadata(for model: any ExportableDetector, name: String, classNames: [String], signature: ExportSignature,
                                options: ONNXExportOptions, configuration json: String, version: String) -> [(key: String, value: String)] {
        let shape = signature.inputs[0].shape
        let size = shape.dropFirst(2).map(String.init).joined(separator: ", ")
        let names = (0..<model.classes).map { index in "\(index): \(pythonString(index < classNames.count ? classNames[index] : "class\(index)"))" }
        var entries: [(key: String, value: String)] = [
            ("description", "Percept \(name)"), ("author", "Percept"), ("version", version),
            ("stride", String(model.strides.max() ?? 32)), ("task", "detect"), ("batch", options.dynamicBatch ? "-1" : "1"),
            ("imgsz", "[\(size)]"), ("names", "{" + names.joined(separator: ", ") + "}"), ("channels", String(shape.count > 1 ? shape[1] : 3)),
            ("end2end", options.nms == nil ? "False" : "True"), ("arch", name), ("config", json), ("part", "full"),
            ("input_shape", "[" + shape.map(String.init).joined(separator: ", ") + "]"),
            ("normalization", "none: RGB scaled to 0...1"),
            ("preprocess", "letterbox outside the graph: fit into imgsz keeping the aspect ratio (bilinear), pad with 114 grey; map boxes back by the same gain and padding"),
        ] + model.exportHeadMetadata
        if let nms = options.nms {
            entries.append(("nms", "conf \(nms.confidence), iou \(nms.iou), max_det \(nms.maxDetections), \(nms.agnostic ? "class-agnostic" : "class-aware"); output detections [N, 6] = x1, y1, x2, y2, score, class in input pixels, best first"))
        } else {
            entries.append(("output", "output0 [batch, 4 + classes, anchors] = cx, cy, w, h in input pixels, then \(model.exportScoreDescription)"))
        }
        return entries
    }

    /// `text` as Python writes a `str` in a dict's repr (single quotes, backslashes escaped).
    static func pythonString(_ text: String) -> String {
        var quoted = "'"
        for character in text {
            switch character {
            case "\\": quoted += "\\\\"
            case "'": quoted += "\\'"
            case "\n": quoted += "\\n"
            default: quoted.append(character)
            }
        }
        return quoted + "'"
    }
}

/// Why a detector could not be exported as asked.
public enum DetectionExportError: Error, Equatable, CustomStringConvertible {
    /// The input size is not a positive multiple of the largest stride.
    case imageSize(height: Int, width: Int, stride: Int)

    public var description: String {
        switch self {
        case let .imageSize(height, width, stride):
            "--imgsz \(height) \(width): a YOLO detector needs sides that are positive multiples of \(stride) (its largest stride)"
        }
    }
}
