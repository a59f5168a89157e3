/// A value of one option of a traced operation (a stride, a padding, an epsilon).
public enum TracedAttribute: Sendable, Equatable {
    case int(Int)
    case ints([Int])
    case float(Float)
    case bool(Bool)
    case string(String)
}

/// One engine operation as an export trace sees it: the engine's name for it, its tensor
/// inputs (nil for an optional input left out, such as a missing bias), its output and options.
public struct TracedOperation {
    /// The engine's name for the operation (`conv2d`, `batchNorm`, `add`, `reshape`, …).
    public let kind: String
    /// The tensor inputs in the operation's own order; nil where an optional one was not given.
    public let inputs: [Tensor?]
    /// The result.
    public let output: Tensor
    /// The options that shape the result.
    public let attributes: [String: TracedAttribute]
}

/// Receives the operations run while a trace is active (an exporter builds a graph from them),
/// and the layers entered and left, so that it can say which layer ran an operation.
public protocol OperationRecorder: AnyObject, Sendable {
    /// Called after each traced operation ran.
    func record(_ operation: TracedOperation)
    /// Called when a layer starts its forward pass.
    func enterLayer(_ layer: AnyObject)
    /// Called when the layer entered last finishes.
    func exitLayer()
}

/// The switch for tracing: while a recorder is set (for the current task), the engine's
/// operations report themselves to it. Off by default, and then one task-local read per op.
///
/// ```swift
/// try OperationTrace.$recorder.withValue(myRecorder) { _ = try model(input) }
/// ```
public enum OperationTrace {
    /// The active recorder, or nil when nothing is traced.
    @TaskLocal public static var recorder: (any OperationRecorder)?

    /// Reports `output` as the result of `kind` on `inputs` to the active recorder, if any;
    /// the arguments are only evaluated when a trace is on.
    @inline(__always)
    static func record(_ kind: String, _ inputs: @autoclosure () -> [Tensor?], output: Tensor,
                       _ attributes: @autoclosure () -> [String: TracedAttribute] = [:]) {
        guard let recorder else { return }
        recorder.record(TracedOperation(kind: kind, inputs: inputs(), output: output, attributes: attributes()))
    }
}

extension SpatialPair {
    /// Height and width as a traced attribute.
    var traced: TracedAttribute { .ints([height, width]) }
}
