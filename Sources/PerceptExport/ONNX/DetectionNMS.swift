/// `--nms`: the settings of the non-maximum suppression written into a detector's graph. They
/// are constants of the graph (initialisers), with `percept detect predict`'s defaults.
public struct DetectionNMSOptions: Sendable, Equatable {
    /// Boxes whose best score is at or below this are dropped.
    public var confidence: Float
    /// A box whose IoU with a better one exceeds this is dropped.
    public var iou: Float
    /// Detections kept, best first.
    public var maxDetections: Int
    /// Whether boxes of different classes suppress each other.
    public var agnostic: Bool

    /// Settings; the defaults are `percept detect predict`'s (and Ultralytics').
    public init(confidence: Float = 0.25, iou: Float = 0.7, maxDetections: Int = 300, agnostic: Bool = false) {
        self.confidence = confidence
        self.iou = iou
        self.maxDetections = maxDetections
        self.agnostic = agnostic
    }
}

/// Appends post-processing to a detector's graph whose output is Ultralytics' `output0`
/// `[1, 4 + classes, anchors]` (centre, size, class scores): each anchor keeps its best class
/// (one label per box, as `predict`), ONNX `NonMaxSuppression` runs per class on scores that are
/// zero except at that class (so boxes of different classes never meet, exactly as Percept's
/// class-aware NMS), or once over the best scores when agnostic; the survivors are sorted by
/// score, cut to `maxDetections` and written as `detections` `[K, 6]`: x1, y1, x2, y2, score,
/// class, in input pixels. Letterboxing stays outside the graph.
enum DetectionNMS {
    /// The name of the output the stage writes.
    static let outputName = "detections"
    /// The layer name the stage's nodes and errors carry.
    static let layer = "nms"

    /// Appends the stage reading `raw` (`[1, 4 + classes, anchors]`); returns the output's value info.
    static func append(reading raw: ONNXValueInfo, options: DetectionNMSOptions, dynamicBatch: Bool, into g: inout GraphEmitter) throws -> ONNXValueInfo {
        func refuse(_ reason: String) -> ONNXExportError {
            .unsupportedOperation(layer: layer, layerType: "DetectionNMS", operation: "NonMaxSuppression", reason: reason)
        }
        guard !dynamicBatch else { throw refuse("the detections [N, 6] are of one image; export with --nms at batch 1 (without --dynamic-batch)") }
        guard raw.shape.count == 3, case let .value(rows) = raw.shape[1], case let .value(anchors) = raw.shape[2], rows > 4 else {
            throw refuse("the model's output \(raw.name) is not a detector's [1, 4 + classes, anchors]")
        }
        guard options.maxDetections >= 0, options.iou >= 0, options.iou <= 1 else {
            throw refuse("max-det must be at least 0 and iou lie in 0...1; got \(options.maxDetections) and \(options.iou)")
        }
        let classes = rows - 4
        func slice(_ value: String, _ start: Int, _ end: Int, axis: Int) -> String {
            g.intermediate("Slice", [value, g.int64s([start], layer: layer, "starts"), g.int64s([end], layer: layer, "ends"),
                                     g.int64s([axis], layer: layer, "axes")], layer: layer)
        }
        func reshape(_ value: String, _ shape: [Int]) -> String {
            g.intermediate("Reshape", [value, g.int64s(shape, layer: layer, "shape")], layer: layer)
        }
        func gather(_ value: String, _ indices: String, axis: Int = 0) -> String {
            g.intermediate("Gather", [value, indices], [ONNXAttribute("axis", .int(axis))], layer: layer)
        }

        // Boxes [1, A, 4] (centre form) and each anchor's best score and class.
        let boxes = g.intermediate("Transpose", [slice(raw.name, 0, 4, axis: 1)], [ONNXAttribute("perm", .ints([0, 2, 1]))], layer: layer)
        let scores = slice(raw.name, 4, rows, axis: 1)
        let keepAxis = ONNXAttribute("keepdims", .int(1))
        let best = g.opset >= 18
            ? g.intermediate("ReduceMax", [scores, g.int64s([1], layer: layer, "axes")], [keepAxis], layer: layer)
            : g.intermediate("ReduceMax", [scores], [ONNXAttribute("axes", .ints([1])), keepAxis], layer: layer)
        let label = g.intermediate("ArgMax", [scores], [ONNXAttribute("axis", .int(1)), keepAxis], layer: layer)
        let candidates: String
        if options.agnostic || classes == 1 {
            candidates = best
        } else {
            // Zero everywhere but at each anchor's best class: NMS per class then sees each box once.
            let classIndices = g.int64s(Array(0..<classes), dims: [1, classes, 1], layer: layer, "class_indices")
            let isBest = g.intermediate("Cast", [g.intermediate("Equal", [label, classIndices], layer: layer)],
                                        [ONNXAttribute("to", .int(ONNXDataType.float.rawValue))], layer: layer)
            candidates = g.intermediate("Mul", [isBest, best], layer: layer)
        }
        let limit = g.int64s([options.maxDetections], layer: layer, "max_detections")
        let selected = g.intermediate("NonMaxSuppression", [boxes, candidates, limit, g.floats([options.iou], dims: [1], layer: layer, "iou_threshold"),
                                                            g.floats([options.confidence], dims: [1], layer: layer, "score_threshold")],
                                      [ONNXAttribute("center_point_box", .int(1))], layer: layer)
        let survivors = gather(selected, g.int64s([2], scalar: true, layer: layer, "box_column"), axis: 1)

        // Best first (equal scores by anchor, as Percept ranks them: TopK keeps the earlier of
        // equals, so the survivors go in anchor order first), at most maxDetections (NMS keeps
        // that many per class).
        let survivorCount = g.intermediate("Shape", [survivors], layer: layer)
        let anchor = g.freshName("\(layer)/anchors_in_order")
        g.node("TopK", [survivors, survivorCount], [anchor, g.freshName("\(layer)/unused_order")],
               [ONNXAttribute("axis", .int(0)), ONNXAttribute("largest", .int(0)), ONNXAttribute("sorted", .int(1))], layer: layer)
        let score = gather(reshape(best, [anchors]), anchor)
        let count = g.intermediate("Min", [survivorCount, limit], layer: layer)
        let sortedScore = g.freshName("\(layer)/sorted_scores"), order = g.freshName("\(layer)/order")
        g.node("TopK", [score, count], [sortedScore, order], [ONNXAttribute("axis", .int(0)), ONNXAttribute("largest", .int(1)),
                                                              ONNXAttribute("sorted", .int(1))], layer: layer)
        let kept = gather(anchor, order)
        let centreBoxes = gather(reshape(boxes, [anchors, 4]), kept)
        let keptLabel = g.intermediate("Cast", [gather(reshape(label, [anchors]), kept)],
                                       [ONNXAttribute("to", .int(ONNXDataType.float.rawValue))], layer: layer)

        // Centre and size to corners.
        let centre = slice(centreBoxes, 0, 2, axis: 1)
        let halfSize = g.intermediate("Mul", [slice(centreBoxes, 2, 4, axis: 1), g.floats([0.5], dims: [], layer: layer, "half")], layer: layer)
        let columnAxis = g.int64s([1], layer: layer, "column_axis"), output = g.freshName(outputName)
        g.node("Concat", [g.intermediate("Sub", [centre, halfSize], layer: layer), g.intermediate("Add", [centre, halfSize], layer: layer),
                          g.intermediate("Unsqueeze", [sortedScore, columnAxis], layer: layer),
                          g.intermediate("Unsqueeze", [keptLabel, columnAxis], layer: layer)],
               [output], [ONNXAttribute("axis", .int(1))], layer: layer)
        return ONNXValueInfo(name: output, elementType: .float, shape: [.parameter("detections"), .value(6)])
    }
}
