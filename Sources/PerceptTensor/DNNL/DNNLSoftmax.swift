import CDNNL

/// Softmax and log-softmax through oneDNN's softmax primitive (`dnnl_softmax_v2`, accurate or
/// log), forward and backward, on plain float32 values: one pass each way where the engine's
/// backward pass composes four operations. Returns nil where oneDNN is off or refuses; the
/// caller then runs the engine's kernel.
enum DNNLSoftmax {
    /// Softmax (log-softmax when `logarithm`) of `input` along `axis` (normalised), recording
    /// the backward pass; nil unless every axis after `axis` has size 1. oneDNN 2.6 runs an axis
    /// with values after it ([N, C, H, W] along C) on its reference kernel only, measured 10×
    /// slower than the engine's (`softmax-fwd-bwd-8x21x64x64-axis1`, README).
    static func apply(_ input: Tensor, axis: Int, logarithm: Bool) -> Tensor? {
        guard DNNL.isEnabled, input.dtype == .float32, input.rank >= 1, input.count > 0,
              input.shape[(axis + 1)...].allSatisfy({ $0 == 1 }) else { return nil }
        let outer = Int64(input.shape[..<axis].reduce(1, *)), length = Int64(input.shape[axis]), inner: Int64 = 1
        let flag: Int32 = logarithm ? 1 : 0
        let source = input.contiguousValues()
        var result = Tensor(uninitializedShape: input.shape)
        let status = withExtendedLifetime(source) {
            percept_dnnl_softmax_forward(flag, outer, length, inner, source.floats, result.floats)
        }
        guard status == 0 else { return nil }
        // The backward pass reads the forward output, as PyTorch's does.
        let output = result, name = logarithm ? "log_softmax" : "softmax"
        Autograd.record(name, output: &result, inputs: [input]) { grad in
            let upstream = grad.contiguousValues()
            let gradInput = Tensor(uninitializedShape: output.shape)
            let status = withExtendedLifetime((upstream, output)) {
                percept_dnnl_softmax_backward(flag, outer, length, inner, output.floats, upstream.floats, gradInput.floats)
            }
            guard status == 0 else {
                throw TensorError.invalidArgument(operation: "\(name) backward", message:
                    "oneDNN refused the backward pass of a shape its forward pass took: \(TensorError.format(output.shape))")
            }
            return [gradInput]
        }
        return result
    }
}
