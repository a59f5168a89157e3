/// Why a model could not be exported to ONNX; each case names the layer or option at fault.
public enum ONNXExportError: Error, Equatable, CustomStringConvertible {
    /// The operator set asked for is outside the range Percept writes.
    case unsupportedOpset(Int, supported: ClosedRange<Int>)
    /// An operation (with these options) has no ONNX form at the chosen opset.
    case unsupportedOperation(layer: String, layerType: String, operation: String, reason: String)
    /// The traced graph does not reach the output from the input (the output is a constant).
    case disconnectedOutput(String)
    /// With a dynamic batch, an operation's shape depends on the batch in a way ONNX cannot express.
    case batchDependentShape(layer: String, operation: String, shapes: [[Int]])
    /// A constant the graph needs is not float32 (an index tensor captured by the trace).
    case unsupportedConstant(layer: String, dtype: String)
    /// An input of an operation depends on the model's input but came from an operation the
    /// engine does not report to the trace, so the file would hold it frozen as a constant.
    case untracedOperation(layer: String, layerType: String, operation: String)

    public var description: String {
        switch self {
        case let .unsupportedOpset(opset, supported):
            "opset \(opset) is not supported: Percept writes opsets \(supported.lowerBound) to \(supported.upperBound)"
        case let .unsupportedOperation(layer, layerType, operation, reason):
            "layer \(layer.isEmpty ? "(model)" : layer) (\(layerType)): \(operation) has no ONNX form here: \(reason)"
        case let .disconnectedOutput(output):
            "the model's output \(output) does not depend on its input, so there is no graph to export"
        case let .batchDependentShape(layer, operation, shapes):
            "layer \(layer.isEmpty ? "(model)" : layer): \(operation) shapes \(shapes) depend on the batch size in more than one axis; export without --dynamic-batch"
        case let .untracedOperation(layer, layerType, operation):
            "layer \(layer.isEmpty ? "(model)" : layer) (\(layerType)): an input of \(operation) comes from an operation the export trace does not see; the graph would be wrong"
        case let .unsupportedConstant(layer, dtype):
            "layer \(layer.isEmpty ? "(model)" : layer): a \(dtype) constant cannot be written (only float32 constants are)"
        }
    }
}
