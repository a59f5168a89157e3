import PerceptNN
import PerceptTensor

/// The identity of a traced value: its storage and layout. Results of ops get fresh storage
/// and views a new layout, so no two live values share a key while the recorder keeps every
/// traced tensor alive (it does: each step holds its inputs and output).
struct ValueKey: Hashable {
    let storage: ObjectIdentifier
    let offset: Int
    let shape: [Int]
    let strides: [Int]

    init(_ tensor: Tensor) {
        storage = ObjectIdentifier(tensor.storage)
        offset = tensor.offset
        shape = tensor.shape
        strides = tensor.strides
    }
}

/// One recorded operation with the layer that ran it (its state-dict name and Swift type).
struct TraceStep {
    let operation: TracedOperation
    let layer: String
    let layerType: String
}

/// Collects the engine operations one forward pass runs. An operation recorded inside
/// another (batch norm's fused ReLU) comes first and loses its output to the outer one, which
/// records the same result last: the last producer of a value counts. A view that lands on a
/// value already read by some step (a transpose undone) is that value, not a new one.
final class GraphRecorder: OperationRecorder, @unchecked Sendable {
    private(set) var steps: [TraceStep] = []
    /// The step that produced each value last.
    private(set) var producers: [ValueKey: Int] = [:]
    /// Values some recorded step has read.
    private var consumed: Set<ValueKey> = []
    private var layers: [(name: String, type: String)] = []
    private let layerNames: [ObjectIdentifier: String]

    init(model: Module) {
        var names: [ObjectIdentifier: String] = [:]
        for (name, module) in model.namedModules() where names[ObjectIdentifier(module)] == nil {
            names[ObjectIdentifier(module)] = name
        }
        layerNames = names
    }

    func record(_ operation: TracedOperation) {
        let key = ValueKey(operation.output)
        // A view that changes nothing (a reshape to the same shape) is the value itself.
        let inputs = operation.inputs.compactMap { $0.map(ValueKey.init) }
        guard !inputs.contains(key), !consumed.contains(key) else { return }
        consumed.formUnion(inputs)
        producers[key] = steps.count
        let layer = layers.last ?? (name: "", type: "")
        steps.append(TraceStep(operation: operation, layer: layer.name, layerType: layer.type))
    }

    func enterLayer(_ layer: AnyObject) {
        layers.append((layerNames[ObjectIdentifier(layer)] ?? "", String(describing: type(of: layer))))
    }

    func exitLayer() { _ = layers.popLast() }

    /// Runs `body` with this recorder tracing the current task.
    func tracing<T>(_ body: () throws -> T) rethrows -> T {
        try OperationTrace.$recorder.withValue(self) { try withoutGrad { try body() } }
    }
}
