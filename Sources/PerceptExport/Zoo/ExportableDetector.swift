import PerceptModels
import PerceptNN
import PerceptTensor

/// A YOLO detector ``DetectionExport`` writes: its forward pass gives raw predictions, and
/// `decode` turns them into corner boxes `[N, 4, A]` in input pixels and class scores
/// `[N, classes, A]` from differentiable (hence traceable) operations.
public protocol ExportableDetector: Layer {
    /// Classes scored.
    var classes: Int { get }
    /// The strides of the head's levels.
    var strides: [Int] { get }
    /// Boxes (x1, y1, x2, y2 in input pixels) and scores of raw predictions for an input of
    /// `inputHeight` × `inputWidth`.
    func decode(_ raw: Tensor, inputHeight: Int, inputWidth: Int) throws -> (boxes: Tensor, scores: Tensor)
    /// The metadata entries of the family's head (its name, and anchors where it has them).
    var exportHeadMetadata: [(key: String, value: String)] { get }
    /// What the class scores of `output0` are, for the file's `output` metadata.
    var exportScoreDescription: String { get }
    /// Whether `--nms` inside the graph is checked to give the detections of Percept's own
    /// post-processing for this family (a file must never disagree with `percept detect predict`).
    var graphNMSIsVerified: Bool { get }
}

extension YOLOv8: ExportableDetector {
    /// Ultralytics' name of the anchor-free head.
    public var exportHeadMetadata: [(key: String, value: String)] { [("head", "Detect")] }
    /// Sigmoid class scores.
    public var exportScoreDescription: String { "sigmoid class scores" }
    /// Checked against `DetectionPredictor` in the export tests.
    public var graphNMSIsVerified: Bool { true }
}

extension YOLOv8ResNet: ExportableDetector {
    /// Ultralytics' name of the anchor-free head (the head and decoding are YOLOv8's).
    public var exportHeadMetadata: [(key: String, value: String)] { [("head", "Detect")] }
    /// Sigmoid class scores.
    public var exportScoreDescription: String { "sigmoid class scores" }
    /// Not yet: no test compares the graph's NMS with `DetectionPredictor` for this family.
    public var graphNMSIsVerified: Bool { false }
}

extension YOLOAnchorModel: ExportableDetector {
    /// The anchor head's name and its anchors per level as in YOLOv5's yaml: `[[w, h, w, h, …], …]`
    /// in input pixels, levels by stride 8, 16, 32.
    public var exportHeadMetadata: [(key: String, value: String)] {
        let levels = (head?.anchors ?? AnchorSize.yolov3).map { level in
            "[" + level.flatMap { [Self.number($0.width), Self.number($0.height)] }.joined(separator: ", ") + "]"
        }
        return [("head", "AnchorHead"), ("anchors", "[" + levels.joined(separator: ", ") + "]")]
    }

    /// Objectness times class probability, as YOLOv3 scores a class.
    public var exportScoreDescription: String { "class scores sigmoid(objectness) * sigmoid(class logit)" }
    /// Not yet: no test compares the graph's NMS with `DetectionPredictor` for this family.
    public var graphNMSIsVerified: Bool { false }

    /// `value` without a fraction when it is whole (anchors are usually whole pixels).
    private static func number(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
