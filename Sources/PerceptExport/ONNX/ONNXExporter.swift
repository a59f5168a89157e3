import PerceptNN
import PerceptTensor

/// Options of an ONNX export.
public struct ONNXExportOptions: Sendable, Equatable {
    /// The default-domain operator set to write.
    public var opset: Int
    /// Whether the batch axis is free (`batch`) instead of the traced size.
    public var dynamicBatch: Bool
    /// Whether weights and I/O are float16 (see `HalfPrecision`).
    public var half: Bool
    /// Whether batch norms after convolutions are folded into them.
    public var foldBatchNorm: Bool
    /// For a detector: NMS inside the graph, whose output becomes the detections (``DetectionNMS``).
    public var nms: DetectionNMSOptions?

    /// The operator sets Percept writes.
    public static let supportedOpsets = 13...21

    /// Options with the defaults of `percept export`.
    public init(opset: Int = 17, dynamicBatch: Bool = false, half: Bool = false, foldBatchNorm: Bool = true, nms: DetectionNMSOptions? = nil) {
        self.opset = opset
        self.dynamicBatch = dynamicBatch
        self.half = half
        self.foldBatchNorm = foldBatchNorm
        self.nms = nms
    }

    /// The IR version that goes with the opset (ONNX's release table).
    var irVersion: Int {
        switch opset {
        case ...14: 7
        case 15...18: 8
        case 19...20: 9
        default: 10
        }
    }
}

/// What to trace: the graph's inputs (names and shapes with the batch first) and outputs, and
/// the forward pass that maps one to the other.
public struct ExportSignature {
    /// Input names and shapes (batch axis first).
    public var inputs: [(name: String, shape: [Int])]
    /// Output names.
    public var outputNames: [String]
    /// The computation: inputs in order to outputs in order.
    public var forward: ([Tensor]) throws -> [Tensor]

    /// A signature from its parts.
    public init(inputs: [(name: String, shape: [Int])], outputNames: [String], forward: @escaping ([Tensor]) throws -> [Tensor]) {
        self.inputs = inputs
        self.outputNames = outputNames
        self.forward = forward
    }
}

/// Exports a Percept model to an ONNX graph by tracing one forward pass (two with a dynamic
/// batch, to learn which axes follow the batch): the engine reports each operation, and the
/// recorded steps that reach the outputs become ONNX nodes, the parameters initialisers
/// named by their state-dict keys.
///
/// ```swift
/// let onnx = try ONNXExporter.export(model, signature: signature, options: ONNXExportOptions(), metadata: [], producerVersion: "1.0")
/// try onnx.serialized()   // the bytes of the .onnx file
/// ```
public enum ONNXExporter {
    /// The ONNX model of `model` computing `signature`, in evaluation mode (the mode is restored).
    public static func export(_ model: Module, signature: ExportSignature, options: ONNXExportOptions,
                              metadata: [(key: String, value: String)], producerVersion: String) throws -> ONNXModel {
        guard ONNXExportOptions.supportedOpsets.contains(options.opset) else {
            throw ONNXExportError.unsupportedOpset(options.opset, supported: ONNXExportOptions.supportedOpsets)
        }
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        var parameterNames: [ValueKey: String] = [:]
        for (name, parameter) in model.namedParameters() { parameterNames[ValueKey(parameter.value)] = name }
        for (name, buffer) in model.namedBuffers() { parameterNames[ValueKey(buffer.value)] = name }

        // Two traces: other input values (and another batch size when it is dynamic).
        let batch = options.dynamicBatch ? 2 : (signature.inputs.first?.shape.first ?? 1)
        let (recorder, inputs, outputs) = try trace(model, signature, batch: batch, seed: 0)
        let other = try trace(model, signature, batch: options.dynamicBatch ? 3 : batch, seed: 1)
        let comparison = TraceComparison(first: recorder, second: other.recorder,
                                         knownKeys: Set(parameterNames.keys).union(inputs.map(ValueKey.init)),
                                         secondKnownKeys: Set(parameterNames.keys).union(other.inputs.map(ValueKey.init)))
        try comparison.checkConstants()
        let batchAxes = options.dynamicBatch ? try comparison.batchAxes() : [:]
        var emitter = GraphEmitter(opset: options.opset)
        try TracedGraphBuilder(recorder: recorder, inputs: zip(signature.inputs, inputs).map { (name: $0.0.name, tensor: $0.1) },
                               outputs: zip(signature.outputNames, outputs).map { (name: $0.0, tensor: $0.1) }, parameterNames: parameterNames,
                               batchAxes: batchAxes).build(into: &emitter)
        func described(_ name: String, _ shape: [Int]) -> ONNXValueInfo {
            ONNXValueInfo(name: name, elementType: .float, shape: shape.enumerated().map { axis, size in
                options.dynamicBatch && axis == 0 ? .parameter("batch") : .value(size)
            })
        }
        var graphOutputs = zip(signature.outputNames, outputs).map { described($0.0, $0.1.shape) }
        if let nms = options.nms {
            if let detector = model as? any ExportableDetector, !detector.graphNMSIsVerified {
                throw ONNXExportError.unsupportedOperation(layer: DetectionNMS.layer, layerType: "DetectionNMS", operation: "NonMaxSuppression",
                                                           reason: "--nms is not yet checked against Percept's post-processing for \(type(of: detector)); export output0 without --nms and run NMS on it")
            }
            guard graphOutputs.count == 1 else {
                throw ONNXExportError.unsupportedOperation(layer: DetectionNMS.layer, layerType: "DetectionNMS", operation: "NonMaxSuppression",
                                                           reason: "--nms applies to a detector's single output; this graph has \(graphOutputs.count)")
            }
            graphOutputs = [try DetectionNMS.append(reading: graphOutputs[0], options: nms, dynamicBatch: options.dynamicBatch, into: &emitter)]
        }
        var nodes = emitter.nodes, initializers = emitter.initializers
        if options.foldBatchNorm {
            (nodes, initializers) = BatchNormFolding.fold(nodes: nodes, initializers: initializers, graphOutputs: Set(graphOutputs.map(\.name)))
        }
        var graph = ONNXGraph(name: "percept", nodes: nodes, initializers: initializers,
                              inputs: zip(signature.inputs, inputs).map { described($0.0.name, $0.1.shape) }, outputs: graphOutputs)
        if options.half { graph = HalfPrecision.convert(graph) }
        return ONNXModel(irVersion: options.irVersion, opsetImports: [(domain: "", version: options.opset)], producerName: "percept",
                         producerVersion: producerVersion, graph: graph, metadata: metadata)
    }

    /// One traced forward pass on fixed inputs of batch `batch` (`seed` picks their values).
    private static func trace(_ model: Module, _ signature: ExportSignature, batch: Int, seed: Int) throws
        -> (recorder: GraphRecorder, inputs: [Tensor], outputs: [Tensor]) {
        let inputs = try signature.inputs.map { input -> Tensor in
            let shape = [batch] + input.shape.dropFirst()
            let count = shape.reduce(1, *)
            return try Tensor((0..<count).map { Float(($0 + 5 * seed) % (17 + seed)) / Float(17 + seed) - 0.5 }, shape: shape)
        }
        let recorder = GraphRecorder(model: model)
        let outputs = try recorder.tracing { try signature.forward(inputs) }
        return (recorder, inputs, outputs)
    }
}
