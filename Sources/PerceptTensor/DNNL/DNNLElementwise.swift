import CDNNL

/// Element-wise activations and addition through oneDNN, taken only for tensors a oneDNN
/// primitive left in its own layout (the engine's kernels are as fast on plain tensors, and
/// reading a blocked tensor with them would first reorder it). Each returns nil where the case
/// does not apply or oneDNN refuses; the caller then runs the engine's kernels.
enum DNNLElementwise {
    /// `activation(input)` in the input's layout, recording the backward pass.
    static func activation(_ kind: percept_dnnl_activation, _ name: String, _ input: Tensor) -> Tensor? {
        guard DNNL.isEnabled, input.dtype == .float32, input.rank <= 5, input.hasDNNLLayout else { return nil }
        let source = input.dnnlInput, dims = input.dnnlDims, rank = Int32(dims.count)
        guard source.value.layout != nil else { return nil }
        var (result, output) = Tensor.dnnlOutput(shape: input.shape, layout: source.value.layout)
        guard source.with({ percept_dnnl_activation_forward(kind, 0, rank, dims, $0, output) }) == 0 else { return nil }
        Autograd.record(name, output: &result, inputs: [input]) { grad in
            let upstream = grad.contiguousValues().dnnlInput
            let (gradInput, gradOutput) = Tensor.dnnlOutput(shape: dims.map { Int($0) }, layout: source.value.layout)
            let status = withExtendedLifetime((source, upstream)) {
                percept_dnnl_activation_backward(kind, 0, rank, dims, source.value, upstream.value, gradOutput)
            }
            guard status == 0 else {
                throw TensorError.invalidArgument(operation: "\(name) backward", message:
                    "oneDNN refused the backward pass of a shape its forward pass took: \(TensorError.format(grad.shape))")
            }
            return [gradInput]
        }
        OperationTrace.record(name, [input], output: result)
        return result
    }

    /// `a + b` for two float32 tensors of one shape, at least one in a oneDNN layout, which the
    /// sum takes. The backward pass hands the gradient to both, as the engine's does.
    static func add(_ a: Tensor, _ b: Tensor) -> Tensor? {
        guard DNNL.isEnabled, a.dtype == .float32, b.dtype == .float32, a.shape == b.shape, a.rank <= 5,
              a.hasDNNLLayout || b.hasDNNLLayout else { return nil }
        // The sum is commutative: the operand in a oneDNN layout goes first and sets the sum's.
        let (first, second) = a.hasDNNLLayout ? (a.dnnlInput, b.dnnlInput) : (b.dnnlInput, a.dnnlInput)
        let dims = a.dnnlDims
        var (result, output) = Tensor.dnnlOutput(shape: a.shape, layout: first.value.layout)
        let status = withExtendedLifetime((first, second)) {
            percept_dnnl_add(Int32(dims.count), dims, first.value, second.value, output)
        }
        guard status == 0 else { return nil }
        let wanted = (a.requiresGrad, b.requiresGrad)
        Autograd.record("add", output: &result, inputs: [a, b]) { grad in [wanted.0 ? grad : nil, wanted.1 ? grad : nil] }
        return result
    }
}
