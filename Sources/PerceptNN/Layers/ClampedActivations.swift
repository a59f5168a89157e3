import PerceptTensor

/// min(max(x, 0), 6), PyTorch's `nn.ReLU6` (MobileNet's activation).
public final class ReLU6: FunctionLayer {
    /// A ReLU6 layer.
    public init() { super.init { $0.hardtanh(min: 0, max: 6) } }
}
