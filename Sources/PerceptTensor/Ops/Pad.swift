/// How `padded` fills the new border, as the modes of PyTorch's `torch.nn.functional.pad`.
public enum PaddingMode: Sendable, Equatable {
    /// A constant value; negative padding crops.
    case constant(Float)
    /// The mirror image without repeating the edge: `[1, 2, 3]` with 2 before gives
    /// `[3, 2, 1, 2, 3]`. Each padding must be smaller than the size of its axis.
    case reflect
    /// The edge element repeated: `[1, 2, 3]` with 2 before gives `[1, 1, 1, 2, 3]`.
    case replicate
    /// The axis wrapped around: `[1, 2, 3]` with 2 before gives `[2, 3, 1, 2, 3]`. Each padding
    /// must be at most the size of its axis.
    case circular

    /// The mode as an export trace records it (constant: its value is recorded as well).
    var traced: TracedAttribute {
        switch self {
        case let .constant(value): .float(value)
        case .reflect: .string("reflect")
        case .replicate: .string("edge")
        case .circular: .string("wrap")
        }
    }
}

/// Padding the trailing axes. Constant padding copies the input into a filled result (its
/// gradient is the matching window of the output's gradient); reflect, replicate and circular
/// padding select source positions with `indexSelect`, whose rule carries the gradient.
extension Tensor {
    /// The tensor padded on its last `padding.count` axes: `padding[i]` is the amount added
    /// before and after axis `rank - padding.count + i`, so the pairs run in axis order.
    ///
    /// ```swift
    /// let framed = try image.padded([(1, 1), (2, 2)], mode: .reflect)   // [3, 8, 8] → [3, 10, 12]
    /// ```
    public func padded(_ padding: [(before: Int, after: Int)], mode: PaddingMode = .constant(0)) throws -> Tensor {
        guard padding.count <= rank else {
            throw TensorError.invalidArgument(operation: "pad", message:
                "\(padding.count) padded axes for a tensor of shape \(TensorError.format(shape))")
        }
        let firstAxis = rank - padding.count
        let output: Tensor
        switch mode {
        case let .constant(value):
            output = try constantPadded(padding, firstAxis: firstAxis, value: value)
        case .reflect, .replicate, .circular:
            var result = self
            for (position, pad) in padding.enumerated() where pad.before != 0 || pad.after != 0 {
                let axis = firstAxis + position
                let sources = try Tensor.paddingSources(pad, size: shape[axis], axis: axis, mode: mode)
                result = try result.indexSelect(axis: axis, indices: sources)
            }
            output = result
        }
        let before = Array(repeating: 0, count: firstAxis) + padding.map(\.before)
        let after = Array(repeating: 0, count: firstAxis) + padding.map(\.after)
        OperationTrace.record("pad", [self], output: output, ["before": .ints(before), "after": .ints(after), "mode": mode.traced])
        return output
    }

    /// The tensor padded as by PyTorch's `F.pad(x, pad, mode)`: `pad` holds before/after pairs
    /// starting from the last axis, `(lastBefore, lastAfter, secondLastBefore, …)`.
    public func padded(lastAxisFirst pad: [Int], mode: PaddingMode = .constant(0)) throws -> Tensor {
        guard pad.count % 2 == 0 else {
            throw TensorError.invalidArgument(operation: "pad", message: "needs before/after pairs, got \(pad.count) values \(pad)")
        }
        let pairs = stride(from: pad.count - 2, through: 0, by: -2).map { (before: pad[$0], after: pad[$0 + 1]) }
        return try padded(pairs, mode: mode)
    }

    private func constantPadded(_ padding: [(before: Int, after: Int)], firstAxis: Int, value: Float) throws -> Tensor {
        var outputShape = shape
        for (position, pad) in padding.enumerated() {
            let axis = firstAxis + position
            outputShape[axis] = shape[axis] + pad.before + pad.after
            guard outputShape[axis] >= 0 else {
                throw TensorError.invalidArgument(operation: "pad", message:
                    "padding (\(pad.before), \(pad.after)) leaves a negative size on axis \(axis) of \(TensorError.format(shape))")
            }
        }
        // Per padded axis, the kept part of the input and where it lands; negative padding crops.
        let windows = padding.enumerated().map { position, pad in
            let axis = firstAxis + position
            let kept = Swift.max(0, shape[axis] - Swift.max(0, -pad.before) - Swift.max(0, -pad.after))
            return KeptWindow(axis: axis, inputStart: Swift.max(0, -pad.before), outputStart: Swift.max(0, pad.before), length: kept)
        }
        var result = Tensor.full(outputShape, value, dtype: dtype)
        Kernels.copy(kept(windows, ofInput: true), into: result.kept(windows, ofInput: false))
        let inputShape = shape, crops = padding.contains { $0.before < 0 || $0.after < 0 }
        Autograd.record("pad", output: &result, inputs: [self]) { grad in
            let keptGradient = grad.kept(windows, ofInput: false)
            guard crops else { return [keptGradient] }
            let gradient = Tensor.zeros(inputShape)
            Kernels.copy(keptGradient, into: gradient.kept(windows, ofInput: true))
            return [gradient]
        }
        return result
    }

    /// The view of the kept region, as placed in the input or in the padded output.
    private func kept(_ windows: [KeptWindow], ofInput: Bool) -> Tensor {
        windows.reduce(self) { view, kept in
            view.window(axis: kept.axis, start: ofInput ? kept.inputStart : kept.outputStart, length: kept.length)
        }
    }

    /// For one padded axis of `size`, the source position of every output position.
    private static func paddingSources(_ pad: (before: Int, after: Int), size: Int, axis: Int, mode: PaddingMode) throws -> Tensor {
        let name = mode == .reflect ? "reflect" : (mode == .circular ? "circular" : "replicate")
        guard pad.before >= 0, pad.after >= 0 else {
            throw TensorError.invalidArgument(operation: "pad", message:
                "\(name) padding must not be negative, got (\(pad.before), \(pad.after)) on axis \(axis)")
        }
        let largest = Swift.max(pad.before, pad.after)
        switch mode {
        case .reflect where largest >= size:
            throw TensorError.invalidArgument(operation: "pad", message:
                "reflect padding (\(pad.before), \(pad.after)) must be smaller than the size \(size) of axis \(axis)")
        case .circular where largest > size || size == 0:
            throw TensorError.invalidArgument(operation: "pad", message:
                "circular padding (\(pad.before), \(pad.after)) must be at most the size \(size) of axis \(axis) (it wraps once)")
        case .replicate where size == 0:
            throw TensorError.invalidArgument(operation: "pad", message: "replicate padding needs a non-empty axis, axis \(axis) has size 0")
        default:
            break
        }
        let sources = (-pad.before..<(size + pad.after)).map { position in
            switch mode {
            case .reflect: return position < 0 ? -position : (position >= size ? 2 * (size - 1) - position : position)
            case .circular: return (position + size) % size
            default: return Swift.min(Swift.max(position, 0), size - 1)
            }
        }
        return try Tensor(indices: sources)
    }
}

/// Where the part of the input that survives constant padding sits along one axis.
private struct KeptWindow {
    let axis: Int
    let inputStart: Int
    let outputStart: Int
    let length: Int
}
