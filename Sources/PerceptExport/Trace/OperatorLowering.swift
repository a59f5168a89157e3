import PerceptTensor

/// One traced step ready to lower: its value names in the graph, and (for a dynamic batch)
/// which axes of its output grow with the batch.
struct LoweringStep {
    let step: TraceStep
    /// Input value names, "" for an optional input left out.
    let inputs: [String]
    /// The name the step's output must get.
    let output: String
    /// Output axes whose size follows the batch size (empty unless the batch is dynamic).
    let batchAxes: Set<Int>

    var operation: TracedOperation { step.operation }
    var layer: String { step.layer }

    func int(_ key: String) -> Int { if case let .int(value)? = operation.attributes[key] { return value }; return 0 }
    func ints(_ key: String) -> [Int] { if case let .ints(value)? = operation.attributes[key] { return value }; return [] }
    func float(_ key: String) -> Float { if case let .float(value)? = operation.attributes[key] { return value }; return 0 }
    func bool(_ key: String) -> Bool { if case let .bool(value)? = operation.attributes[key] { return value }; return false }
    func string(_ key: String) -> String? { if case let .string(value)? = operation.attributes[key] { return value }; return nil }

    /// The shape of input `index` (as traced).
    func inputShape(_ index: Int) -> [Int] { operation.inputs[index]?.shape ?? [] }

    func unsupported(_ reason: String) -> ONNXExportError {
        .unsupportedOperation(layer: step.layer, layerType: step.layerType, operation: operation.kind, reason: reason)
    }
}

/// The ONNX form of each engine operation the trace records (opset 13 and later). The engine
/// only reports what ran; this table is the one place that knows ONNX's operators.
enum OperatorLowering {
    static let elementwise: [String: String] = [
        "relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "exp": "Exp", "log": "Log", "sqrt": "Sqrt", "abs": "Abs",
        "sin": "Sin", "cos": "Cos", "add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "maximum": "Max", "minimum": "Min",
        "matmul": "MatMul", "identity": "Identity",
    ]

    static func lower(_ s: LoweringStep, into g: inout GraphEmitter) throws {
        let x = s.inputs.first ?? "", layer = s.layer
        if let opType = elementwise[s.operation.kind] {
            g.node(opType, s.inputs, [s.output], layer: layer)
            return
        }
        switch s.operation.kind {
        case "conv2d", "convTranspose2d":
            let weight = s.inputShape(1), padding = s.ints("padding")
            var attributes = [ONNXAttribute("kernel_shape", .ints(Array(weight[2...]))), ONNXAttribute("strides", .ints(s.ints("stride"))),
                              ONNXAttribute("pads", .ints(padding + padding)), ONNXAttribute("dilations", .ints(s.ints("dilation"))),
                              ONNXAttribute("group", .int(s.int("groups")))]
            if s.operation.kind == "convTranspose2d" { attributes.append(ONNXAttribute("output_padding", .ints(s.ints("outputPadding")))) }
            let inputs = s.inputs[2].isEmpty ? Array(s.inputs[..<2]) : s.inputs
            g.node(s.operation.kind == "conv2d" ? "Conv" : "ConvTranspose", inputs, [s.output], attributes, layer: layer)
        case "batchNorm":
            let channels = s.inputShape(0)[1]
            let scale = s.inputs[1].isEmpty ? g.floats(Array(repeating: 1, count: channels), dims: [channels], layer: layer, "weight") : s.inputs[1]
            let shift = s.inputs[2].isEmpty ? g.floats(Array(repeating: 0, count: channels), dims: [channels], layer: layer, "bias") : s.inputs[2]
            let attributes = [ONNXAttribute("epsilon", .float(s.float("epsilon")))]
            if s.bool("relu") {
                let normalized = g.intermediate("BatchNormalization", [x, scale, shift, s.inputs[3], s.inputs[4]], attributes, layer: layer)
                g.node("Relu", [normalized], [s.output], layer: layer)
            } else {
                g.node("BatchNormalization", [x, scale, shift, s.inputs[3], s.inputs[4]], [s.output], attributes, layer: layer)
            }
        case "silu":
            let gate = g.intermediate("Sigmoid", [x], layer: layer)
            g.node("Mul", [x, gate], [s.output], layer: layer)
        case "mish":
            let softplus = g.intermediate("Softplus", [x], layer: layer)
            let gate = g.intermediate("Tanh", [softplus], layer: layer)
            g.node("Mul", [x, gate], [s.output], layer: layer)
        case "leaky_relu": g.node("LeakyRelu", [x], [s.output], [ONNXAttribute("alpha", .float(s.float("alpha")))], layer: layer)
        case "elu": g.node("Elu", [x], [s.output], [ONNXAttribute("alpha", .float(s.float("alpha")))], layer: layer)
        case "selu": g.node("Selu", [x], [s.output], layer: layer)
        case "clamp", "hardtanh":
            let low = s.float("min"), high = s.float("max")
            let bounds = [low, high].map { $0.isFinite ? g.floats([$0], dims: [], layer: layer, "bound") : "" }
            g.node("Clip", [x] + bounds, [s.output], layer: layer)
        case "gelu":
            guard g.opset >= 20 else { throw s.unsupported("Gelu needs opset 20 or later (asked for \(g.opset))") }
            g.node("Gelu", [x], [s.output], [ONNXAttribute("approximate", .string(s.string("approximate") ?? "none"))], layer: layer)
        case "softplus":
            let beta = s.float("beta")
            guard beta != 1 else { return g.node("Softplus", [x], [s.output], layer: layer) }
            let betaName = g.floats([beta], dims: [], layer: layer, "beta")
            let product = g.intermediate("Mul", [x, betaName], layer: layer)
            let scaled = g.intermediate("Softplus", [product], layer: layer)
            g.node("Div", [scaled, betaName], [s.output], layer: layer)
        case "affine":
            let scale = s.float("scale"), shift = s.float("shift")
            var value = x
            if scale != 1 {
                let product = shift == 0 ? s.output : g.freshName("\(layer)/scaled")
                let factor = g.floats([scale], dims: [], layer: layer, "scale")
                g.node("Mul", [value, factor], [product], layer: layer)
                value = product
            }
            if shift != 0 || scale == 1 {
                let offset = g.floats([shift], dims: [], layer: layer, "shift")
                g.node("Add", [value, offset], [s.output], layer: layer)
            }
        case "rdiv":
            let numerator = g.floats([s.float("numerator")], dims: [], layer: layer, "numerator")
            g.node("Div", [numerator, x], [s.output], layer: layer)
        case "powScalar":
            let exponent = g.floats([s.float("exponent")], dims: [], layer: layer, "exponent")
            g.node("Pow", [x, exponent], [s.output], layer: layer)
        case "softmax": g.node("Softmax", [x], [s.output], [ONNXAttribute("axis", .int(s.int("axis")))], layer: layer)
        case "addmm": g.node("Gemm", [s.inputs[1], s.inputs[2], s.inputs[0]], [s.output], layer: layer)
        case "concatenate": g.node("Concat", s.inputs, [s.output], [ONNXAttribute("axis", .int(s.int("axis")))], layer: layer)
        case "stack":
            let axes = g.int64s([s.int("axis")], layer: layer, "axes")
            let parts = s.inputs.map { g.intermediate("Unsqueeze", [$0, axes], layer: layer) }
            g.node("Concat", parts, [s.output], [ONNXAttribute("axis", .int(s.int("axis")))], layer: layer)
        case "permute": g.node("Transpose", [x], [s.output], [ONNXAttribute("perm", .ints(s.ints("order")))], layer: layer)
        case "reshape": try lowerReshape(s, into: &g)
        case "expand":
            let target = s.operation.output.shape.enumerated().map { s.batchAxes.contains($0.offset) ? 1 : $0.element }
            let shape = g.int64s(target, layer: layer, "shape")
            g.node("Expand", [x, shape], [s.output], layer: layer)
        case "slice": lowerSlice(s, into: &g)
        case "sum":
            let axes = g.int64s(s.ints("axes"), layer: layer, "axes")
            g.node("ReduceSum", [x, axes], [s.output], [ONNXAttribute("keepdims", .int(s.bool("keepDims") ? 1 : 0))], layer: layer)
        case "max", "min":
            let attributes = [ONNXAttribute("axes", .ints([s.int("axis")])), ONNXAttribute("keepdims", .int(1))]
            let opType = s.operation.kind == "max" ? "ReduceMax" : "ReduceMin"
            if g.opset >= 18 {
                let axes = g.int64s([s.int("axis")], layer: layer, "axes")
                g.node(opType, [x, axes], [s.output], [attributes[1]], layer: layer)
            } else {
                g.node(opType, [x], [s.output], attributes, layer: layer)
            }
        case "pad": try lowerPad(s, into: &g)
        case "maxPool2d", "avgPool2d": try lowerPool(s, into: &g)
        case "adaptiveAvgPool2d", "adaptiveMaxPool2d": try lowerAdaptivePool(s, into: &g)
        case "upsample2d": try lowerResize(s, into: &g)
        default:
            throw s.unsupported("Percept has no ONNX mapping for it")
        }
    }

    /// Reshape with its target as a constant; with a dynamic batch, the one axis that follows
    /// the batch becomes −1.
    private static func lowerReshape(_ s: LoweringStep, into g: inout GraphEmitter) throws {
        guard s.batchAxes.count <= 1 else {
            throw ONNXExportError.batchDependentShape(layer: s.layer, operation: "reshape", shapes: [s.inputShape(0), s.operation.output.shape])
        }
        let target = s.operation.output.shape.enumerated().map { s.batchAxes.contains($0.offset) ? -1 : $0.element }
        let shape = g.int64s(target, layer: s.layer, "shape")
        g.node("Reshape", [s.inputs[0], shape], [s.output], layer: s.layer)
    }

    private static func lowerSlice(_ s: LoweringStep, into g: inout GraphEmitter) {
        let axis = s.int("axis"), size = s.inputShape(0)[axis]
        // A slice to the end of an axis that grows with the batch must stay "to the end".
        let end = s.int("end") == size && s.batchAxes.contains(axis) ? Int(Int64.max) : s.int("end")
        let inputs = [s.inputs[0], g.int64s([s.int("start")], layer: s.layer, "starts"), g.int64s([end], layer: s.layer, "ends"),
                      g.int64s([axis], layer: s.layer, "axes"), g.int64s([s.int("step")], layer: s.layer, "steps")]
        g.node("Slice", inputs, [s.output], layer: s.layer)
    }

    private static func lowerPad(_ s: LoweringStep, into g: inout GraphEmitter) throws {
        let pads = g.int64s(s.ints("before") + s.ints("after"), layer: s.layer, "pads")
        switch s.operation.attributes["mode"] {
        case let .float(value)?:
            let fill = g.floats([value], dims: [], layer: s.layer, "value")
            g.node("Pad", [s.inputs[0], pads, fill], [s.output],
                   [ONNXAttribute("mode", .string("constant"))], layer: s.layer)
        case let .string(mode)?:
            if mode == "wrap", g.opset < 19 { throw s.unsupported("circular padding (Pad mode wrap) needs opset 19 or later") }
            g.node("Pad", [s.inputs[0], pads], [s.output], [ONNXAttribute("mode", .string(mode))], layer: s.layer)
        default:
            throw s.unsupported("unknown padding mode")
        }
    }

    private static func lowerPool(_ s: LoweringStep, into g: inout GraphEmitter) throws {
        guard s.inputShape(0).count == 4 else { throw s.unsupported("pooling of a rank-\(s.inputShape(0).count) input") }
        let padding = s.ints("padding")
        var attributes = [ONNXAttribute("kernel_shape", .ints(s.ints("kernel"))), ONNXAttribute("strides", .ints(s.ints("stride"))),
                          ONNXAttribute("pads", .ints(padding + padding)), ONNXAttribute("ceil_mode", .int(s.bool("ceilMode") ? 1 : 0))]
        if s.operation.kind == "maxPool2d" {
            attributes.append(ONNXAttribute("dilations", .ints(s.ints("dilation"))))
            g.node("MaxPool", [s.inputs[0]], [s.output], attributes, layer: s.layer)
        } else {
            guard s.int("divisorOverride") == 0 else { throw s.unsupported("AveragePool has no divisor override") }
            attributes.append(ONNXAttribute("count_include_pad", .int(s.bool("countIncludePad") ? 1 : 0)))
            g.node("AveragePool", [s.inputs[0]], [s.output], attributes, layer: s.layer)
        }
    }

    /// Global pooling for a 1×1 output, a plain pool where the windows tile the input evenly;
    /// uneven average windows (VGG's 7×7 from other sizes) as two products with constant
    /// averaging matrices, `A_h · X · A_wᵀ`, which is exactly PyTorch's windows.
    private static func lowerAdaptivePool(_ s: LoweringStep, into g: inout GraphEmitter) throws {
        let input = s.inputShape(0), output = s.ints("outputSize"), isMax = s.operation.kind == "adaptiveMaxPool2d"
        guard input.count == 4 else { throw s.unsupported("adaptive pooling of a rank-\(input.count) input") }
        if output == [1, 1] {
            return g.node(isMax ? "GlobalMaxPool" : "GlobalAveragePool", [s.inputs[0]], [s.output], layer: s.layer)
        }
        if input[2] % output[0] == 0, input[3] % output[1] == 0 {
            let kernel = [input[2] / output[0], input[3] / output[1]]
            return g.node(isMax ? "MaxPool" : "AveragePool", [s.inputs[0]], [s.output],
                          [ONNXAttribute("kernel_shape", .ints(kernel)), ONNXAttribute("strides", .ints(kernel))], layer: s.layer)
        }
        guard !isMax else { throw s.unsupported("windows of \(input[2])×\(input[3]) → \(output[0])×\(output[1]) are uneven; ONNX max pools have one window size") }
        let columns = g.floats(averaging(from: input[3], to: output[1], transposed: true), dims: [input[3], output[1]], layer: s.layer, "column_weights")
        let rows = g.floats(averaging(from: input[2], to: output[0], transposed: false), dims: [output[0], input[2]], layer: s.layer, "row_weights")
        let narrowed = g.intermediate("MatMul", [s.inputs[0], columns], layer: s.layer)
        g.node("MatMul", [rows, narrowed], [s.output], layer: s.layer)
    }

    /// The `[outputs, inputs]` matrix (or its transpose) averaging PyTorch's adaptive windows
    /// `floor(i·in/out) ..< ceil((i+1)·in/out)`.
    static func averaging(from inputs: Int, to outputs: Int, transposed: Bool) -> [Float] {
        var matrix = [Float](repeating: 0, count: inputs * outputs)
        for row in 0..<outputs {
            let start = row * inputs / outputs, end = ((row + 1) * inputs + outputs - 1) / outputs
            for column in start..<end {
                matrix[transposed ? column * outputs + row : row * inputs + column] = 1 / Float(end - start)
            }
        }
        return matrix
    }

    /// Resize with scales (as PyTorch maps coordinates with the factor when one is given).
    private static func lowerResize(_ s: LoweringStep, into g: inout GraphEmitter) throws {
        let input = s.inputShape(0), output = s.operation.output.shape
        guard input.count == 4 else { throw s.unsupported("resizing a rank-\(input.count) input") }
        let height = s.float("scaleHeight") > 0 ? s.float("scaleHeight") : Float(output[2]) / Float(input[2])
        let width = s.float("scaleWidth") > 0 ? s.float("scaleWidth") : Float(output[3]) / Float(input[3])
        var attributes: [ONNXAttribute]
        switch s.string("mode") ?? "" {
        case "nearest":
            attributes = [ONNXAttribute("mode", .string("nearest")), ONNXAttribute("coordinate_transformation_mode", .string("asymmetric")),
                          ONNXAttribute("nearest_mode", .string("floor"))]
        case "nearest-exact":
            attributes = [ONNXAttribute("mode", .string("nearest")), ONNXAttribute("coordinate_transformation_mode", .string("half_pixel")),
                          ONNXAttribute("nearest_mode", .string("round_prefer_ceil"))]
        case "bilinear", "bicubic":
            let cubic = s.string("mode") == "bicubic"
            attributes = [ONNXAttribute("mode", .string(cubic ? "cubic" : "linear")),
                          ONNXAttribute("coordinate_transformation_mode", .string(s.bool("alignCorners") ? "align_corners" : "pytorch_half_pixel"))]
            if cubic { attributes.append(ONNXAttribute("cubic_coeff_a", .float(-0.75))) }
        default:
            throw s.unsupported("interpolation mode \(s.string("mode") ?? "?")")
        }
        let scales = g.floats([1, 1, height, width], dims: [4], layer: s.layer, "scales")
        g.node("Resize", [s.inputs[0], "", scales], [s.output], attributes, layer: s.layer)
    }
}
