import PerceptTensor

/// Zeroes each element with probability `probability` in training mode and scales the rest
/// by 1/(1 − p), so evaluation needs no rescaling (PyTorch's `nn.Dropout`). Draws from the
/// default generator, whose state checkpoints save.
public final class Dropout: Module, Layer {
    /// The probability of zeroing an element.
    public let probability: Float

    /// A dropout layer (PyTorch's default p = 0.5).
    public init(probability: Float = 0.5) throws {
        guard probability >= 0, probability <= 1 else {
            throw TensorError.invalidArgument(operation: "Dropout", message: "probability must be in [0, 1], got \(probability)")
        }
        self.probability = probability
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor { try input.dropout(probability, training: isTraining) }
}
