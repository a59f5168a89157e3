import PerceptTensor

/// A trainable tensor of a module: a reference box, so that the module, its optimizer and the
/// autodiff tape all see the same values and gradient.
///
/// ```swift
/// let weight = Parameter(Tensor.zeros([4, 3]))
/// weight.isFrozen = true      // no gradient, the optimizer leaves it alone
/// ```
public final class Parameter {
    /// The current values; a leaf of the autodiff tape while the parameter is trainable.
    public var value: Tensor

    /// A trainable parameter holding `value`.
    public init(_ value: Tensor, requiresGrad: Bool = true) {
        self.value = requiresGrad ? value.detach().requiringGrad() : value.detach()
    }

    /// Whether gradients flow to this parameter (false when frozen).
    public var requiresGrad: Bool {
        get { value.requiresGrad }
        set {
            guard newValue != value.requiresGrad else { return }
            value = newValue ? value.detach().requiringGrad() : value.detach()
        }
    }

    /// Whether the parameter is frozen: the opposite of `requiresGrad`.
    public var isFrozen: Bool {
        get { !requiresGrad }
        set { requiresGrad = !newValue }
    }

    /// The gradient accumulated by the last backward passes, or nil.
    public var grad: Tensor? {
        get { value.grad }
        set { value.grad = newValue }
    }

    /// Replaces the values (loading, initialising) keeping the trainable flag; the old
    /// gradient is dropped.
    public func assign(_ newValue: Tensor) {
        value = requiresGrad ? newValue.detach().requiringGrad() : newValue.detach()
    }

    /// The shape of the values.
    public var shape: [Int] { value.shape }
    /// The number of elements.
    public var count: Int { value.count }
}

/// A non-trainable tensor that belongs to a module's state, such as batch norm's running
/// statistics: saved in state dicts, never touched by optimizers.
public final class Buffer {
    /// The current values.
    public var value: Tensor

    /// A buffer holding `value`.
    public init(_ value: Tensor) {
        self.value = value.detach()
    }
}
