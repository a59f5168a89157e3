import PerceptNN
import PerceptTensor

/// YOLOv8 (Ultralytics' `yolov8.yaml`): the CSP-Darknet backbone of ``YOLOConv`` and ``C2f``
/// rows with ``SPPF``, the PAN-FPN neck (nearest ×2 upsampling and concatenations), and the
/// anchor-free ``DetectHead`` over strides 8, 16 and 32, scaled by ``YOLOScaling``. The rows are
/// Ultralytics' own, so the state-dict names are too: `model.0.conv.weight` …
/// `model.22.dfl.conv.weight`. The output is the head's raw logits `[N, 4·bins + classes, A]`;
/// ``decode(_:inputHeight:inputWidth:)`` gives boxes and scores.
///
/// ```swift
/// let model = try YOLOv8(classes: 80, scaling: .nano)
/// let (boxes, scores) = try model.decode(model(images), inputHeight: 640, inputWidth: 640)
/// ```
public final class YOLOv8: Module, Layer {
    /// The rows, `model.0` … `model.22`.
    public let graph: LayerGraph
    /// Classes scored.
    public let classes: Int
    /// Bins per box side (`reg_max`).
    public let bins: Int
    /// The strides of the head's three levels.
    public let strides = [8, 16, 32]

    /// A YOLOv8 for `classes` classes over `inputChannels`-channel images.
    public init(classes: Int, inputChannels: Int = 3, scaling: YOLOScaling, bins: Int = 16) throws {
        let features = try Self.featureRows(inputChannels: inputChannels, scaling: scaling)
        let head = LayerRow(from: [15, 18, 21], try DetectHead(classes: classes, channels: features.channels, bins: bins))   // 22
        graph = try LayerGraph(features.rows + [head])
        self.classes = classes
        self.bins = bins
        super.init()
        (graph.model[22] as? DetectHead)?.initializeBiases(strides: strides)
    }

    /// Rows 0…21 of `yolov8.yaml` — backbone, SPPF and the PAN-FPN neck — and the channels of
    /// the three feature maps a head reads from rows 15, 18 and 21 (strides 8, 16, 32). The
    /// anchor-based ``YOLOAnchorModel`` shares them.
    static func featureRows(inputChannels: Int, scaling: YOLOScaling) throws -> (rows: [LayerRow], channels: [Int]) {
        let c = scaling.channels, n = scaling.repeats
        let p3 = c(256), p4 = c(512), p5 = c(1024)
        let rows: [LayerRow] = [
            try LayerRow { try YOLOConv(inputChannels, c(64), kernelSize: 3, stride: 2) },           // 0  P1/2
            try LayerRow { try YOLOConv(c(64), c(128), kernelSize: 3, stride: 2) },                  // 1  P2/4
            try LayerRow { try C2f(c(128), c(128), repeats: n(3), shortcut: true) },                 // 2
            try LayerRow { try YOLOConv(c(128), p3, kernelSize: 3, stride: 2) },                     // 3  P3/8
            try LayerRow { try C2f(p3, p3, repeats: n(6), shortcut: true) },                         // 4
            try LayerRow { try YOLOConv(p3, p4, kernelSize: 3, stride: 2) },                         // 5  P4/16
            try LayerRow { try C2f(p4, p4, repeats: n(6), shortcut: true) },                         // 6
            try LayerRow { try YOLOConv(p4, p5, kernelSize: 3, stride: 2) },                         // 7  P5/32
            try LayerRow { try C2f(p5, p5, repeats: n(3), shortcut: true) },                         // 8
            try LayerRow { try SPPF(p5, p5, kernelSize: 5) },                                        // 9
            try LayerRow { try Upsample(scaleFactor: 2, mode: .nearest) },                           // 10
            LayerRow(from: [-1, 6], Concat()),                                                       // 11
            try LayerRow { try C2f(p5 + p4, p4, repeats: n(3), shortcut: false) },                   // 12
            try LayerRow { try Upsample(scaleFactor: 2, mode: .nearest) },                           // 13
            LayerRow(from: [-1, 4], Concat()),                                                       // 14
            try LayerRow { try C2f(p4 + p3, p3, repeats: n(3), shortcut: false) },                   // 15 P3 out
            try LayerRow { try YOLOConv(p3, p3, kernelSize: 3, stride: 2) },                         // 16
            LayerRow(from: [-1, 12], Concat()),                                                      // 17
            try LayerRow { try C2f(p3 + p4, p4, repeats: n(3), shortcut: false) },                   // 18 P4 out
            try LayerRow { try YOLOConv(p4, p4, kernelSize: 3, stride: 2) },                         // 19
            LayerRow(from: [-1, 9], Concat()),                                                       // 20
            try LayerRow { try C2f(p4 + p5, p5, repeats: n(3), shortcut: false) },                   // 21 P5 out
        ]
        return (rows, [p3, p4, p5])
    }

    // The rows are the model's direct children, so names start at `model.` as in Ultralytics.
    public override func members() -> [(name: String, member: ModuleMember)] { graph.members() }

    /// The raw head logits of images `[N, C, H, W]` whose sides are multiples of 32.
    public func forward(_ input: Tensor) throws -> Tensor {
        try YOLODecoding.checkInput(input, model: "YOLOv8")
        return try graph(input)
    }

    /// Boxes `[N, 4, A]` (x1, y1, x2, y2 in input pixels) and class scores `[N, classes, A]`
    /// (sigmoid) of raw logits for an input of `inputHeight` × `inputWidth`.
    public func decode(_ raw: Tensor, inputHeight: Int, inputWidth: Int) throws -> (boxes: Tensor, scores: Tensor) {
        let levels = YOLODecoding.levels(strides: strides, inputHeight: inputHeight, inputWidth: inputWidth)
        return try YOLODecoding.decode(raw, bins: bins, classes: classes, levels: levels, projection: graph.model[22] as? DetectHead)
    }
}
