import Foundation

/// Softmax and log-softmax along one axis, fused for speed and stability: through oneDNN's
/// softmax primitive (`DNNLSoftmax`) where it is enabled, else the engine's kernel below, which
/// is also the reference the tests compare against (`DNNLRowTests`).
extension Tensor {
    /// exp(x) / sum(exp(x)) along `axis`.
    public func softmax(axis: Int = -1) throws -> Tensor {
        try requireFloat("softmax")
        let dimension = try Layout.normalize(axis: axis, rank: rank, operation: "softmax")
        var recorded: Tensor
        if let fast = DNNLSoftmax.apply(self, axis: dimension, logarithm: false) {
            recorded = fast
        } else {
            let output = softmaxForward(axis: dimension, logarithm: false)
            recorded = output
            Autograd.record("softmax", output: &recorded, inputs: [self]) { grad in
                let weighted = try (grad * output).sum(axes: [dimension], keepDims: true)
                return [try (grad - weighted) * output]
            }
        }
        OperationTrace.record("softmax", [self], output: recorded, ["axis": .int(axis)])
        return recorded
    }

    /// x − logsumexp(x) along `axis`.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try requireFloat("logSoftmax")
        let dimension = try Layout.normalize(axis: axis, rank: rank, operation: "logSoftmax")
        if let fast = DNNLSoftmax.apply(self, axis: dimension, logarithm: true) { return fast }
        let output = softmaxForward(axis: dimension, logarithm: true)
        var recorded = output
        Autograd.record("log_softmax", output: &recorded, inputs: [self]) { grad in
            let total = try grad.sum(axes: [dimension], keepDims: true)
            return [try grad - output.exp() * total]
        }
        return recorded
    }

    /// The engine's softmax (log-softmax when `logarithm`) along the normalised `axis`.
    private func softmaxForward(axis: Int, logarithm: Bool) -> Tensor {
        let source = contiguousValues()
        defer { withExtendedLifetime(source) {} }
        let outer = shape[..<axis].reduce(1, *), length = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        let result = Tensor(uninitializedShape: shape)
        let x = source.floats, y = result.floats
        Parallel.forEachRange(outer * inner, costPerItem: length * 8) { range in
            for position in range {
                let o = position / inner, i = position % inner
                let base = o * length * inner + i
                var peak = -Float.infinity
                for r in 0..<length { peak = Swift.max(peak, x[base + r * inner]) }
                if !peak.isFinite { peak = 0 }
                var total: Float = 0
                for r in 0..<length {
                    let e = Foundation.exp(x[base + r * inner] - peak)
                    y[base + r * inner] = e
                    total += e
                }
                if logarithm {
                    let logTotal = Foundation.log(total) + peak
                    for r in 0..<length { y[base + r * inner] = x[base + r * inner] - logTotal }
                } else {
                    let scale = 1 / total
                    for r in 0..<length { y[base + r * inner] *= scale }
                }
            }
        }
        return result
    }
}
