import PerceptTensor

/// A module that maps several tensors to one (U-Net's skip joins, YOLO's `Concat` and heads).
/// Calling it runs `forward` and lets summaries see the output shape.
public protocol MultiInputLayer: Module {
    /// The layer's computation.
    func forward(_ inputs: [Tensor]) throws -> Tensor
}

extension MultiInputLayer {
    /// Runs the layer (telling an active export trace which layer runs).
    public func callAsFunction(_ inputs: [Tensor]) throws -> Tensor {
        let recorder = OperationTrace.recorder
        recorder?.enterLayer(self)
        defer { recorder?.exitLayer() }
        guard let trace = SummaryTrace.current else { return try forward(inputs) }
        let row = trace.begin(self)
        let output = try forward(inputs)
        trace.end(row, outputShape: output.shape)
        return output
    }
}

/// Joins its inputs along `axis` (channels by default), Ultralytics' `Concat`.
public final class Concat: Module, MultiInputLayer {
    /// The axis joined along.
    public let axis: Int

    /// A concatenation layer.
    public init(axis: Int = 1) {
        self.axis = axis
        super.init()
    }

    public func forward(_ inputs: [Tensor]) throws -> Tensor { try Tensor.concatenate(inputs, axis: axis) }
}
