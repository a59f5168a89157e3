import PerceptNN
import PerceptTensor

/// The course's anchor-based detector (`yolov3n`): YOLOv8's backbone and neck (rows 0…21 of
/// `yolov8.yaml`, the same names) with YOLOv3's ``AnchorHead`` as row 22 (`model.22.m.0` …
/// `model.22.m.2`), three anchors per level over strides 8, 16 and 32. The output is the head's
/// raw predictions `[N, 5 + classes, A]`; ``decode(_:inputHeight:inputWidth:)`` gives boxes and
/// scores.
///
/// ```swift
/// let model = try YOLOAnchorModel(classes: 10, scaling: .nano)
/// let (boxes, scores) = try model.decode(model(images), inputHeight: 320, inputWidth: 320)
/// ```
public final class YOLOAnchorModel: Module, Layer {
    /// The rows, `model.0` … `model.22`.
    public let graph: LayerGraph
    /// Classes scored.
    public let classes: Int
    /// The strides of the head's three levels.
    public let strides = [8, 16, 32]

    /// The detector for `classes` classes with `anchors` per level (YOLOv3's by default).
    public init(classes: Int, inputChannels: Int = 3, scaling: YOLOScaling, anchors: [[AnchorSize]] = AnchorSize.yolov3) throws {
        let features = try YOLOv8.featureRows(inputChannels: inputChannels, scaling: scaling)
        let head = LayerRow(from: [15, 18, 21], try AnchorHead(classes: classes, channels: features.channels, anchors: anchors))   // 22
        graph = try LayerGraph(features.rows + [head])
        self.classes = classes
        super.init()
    }

    // The rows are the model's direct children, so names start at `model.` as in Ultralytics.
    public override func members() -> [(name: String, member: ModuleMember)] { graph.members() }

    /// The head, row 22.
    public var head: AnchorHead? { graph.model.last as? AnchorHead }

    /// The raw predictions for images `[N, C, H, W]` whose sides are multiples of 32.
    public func forward(_ input: Tensor) throws -> Tensor {
        try YOLODecoding.checkInput(input, model: "YOLOAnchorModel")
        return try graph(input)
    }

    /// Boxes `[N, 4, A]` (x1, y1, x2, y2 in input pixels) and scores `[N, classes, A]` of raw
    /// predictions for an input of `inputHeight` × `inputWidth`.
    public func decode(_ raw: Tensor, inputHeight: Int, inputWidth: Int) throws -> (boxes: Tensor, scores: Tensor) {
        let levels = YOLODecoding.levels(strides: strides, inputHeight: inputHeight, inputWidth: inputWidth)
        return try YOLOAnchorDecoding.decode(raw, classes: classes, levels: levels, anchors: head?.anchors ?? AnchorSize.yolov3)
    }
}
