/// The autodiff record of one tensor: whether it wants a gradient, the gradient accumulated
/// so far (leaves), and the node that produced it (results of ops).
final class GradientSlot {
    var requiresGrad: Bool
    var grad: Tensor?
    let node: GradientNode?

    init(requiresGrad: Bool, node: GradientNode?) {
        self.requiresGrad = requiresGrad
        self.node = node
    }
}

/// One recorded op: its inputs' slots and the pullback that maps the output's gradient to
/// the inputs' gradients (nil for an input that needs none).
final class GradientNode {
    let name: String
    let inputs: [GradientSlot?]
    let pullback: (Tensor) throws -> [Tensor?]

    init(name: String, inputs: [GradientSlot?], pullback: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.pullback = pullback
    }
}

/// The tape: whether ops are recorded, and the recording itself.
public enum Autograd {
    /// Whether ops record their pullbacks (false inside `withoutGrad`). Task-local, so that
    /// concurrent tasks (tests, data loading) do not switch each other's recording off.
    @TaskLocal public static var isEnabled = true

    /// Records `output` as the result of `name` applied to `inputs` when any input wants a
    /// gradient. `pullback` receives the output's gradient and returns one gradient per input,
    /// shaped like that input (or nil).
    @inline(__always)
    static func record(_ name: String, output: inout Tensor, inputs: [Tensor],
                       pullback: @escaping (Tensor) throws -> [Tensor?]) {
        guard isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return }
        let slots = inputs.map { $0.requiresGrad ? $0.autograd : nil }
        output.autograd = GradientSlot(requiresGrad: true, node: GradientNode(name: name, inputs: slots, pullback: pullback))
    }
}

/// Runs `body` without recording any op, as for inference or optimizer updates.
///
/// ```swift
/// let prediction = try withoutGrad { try model(x) }
/// ```
public func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
    try Autograd.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// Whether gradients flow to this tensor. Setting it on a leaf makes `backward()` fill
    /// its `grad`; results of ops inherit it from their inputs.
    public var requiresGrad: Bool {
        get { autograd?.requiresGrad ?? false }
        set {
            if newValue {
                if autograd == nil { autograd = GradientSlot(requiresGrad: true, node: nil) }
                autograd?.requiresGrad = true
            } else {
                autograd = nil
            }
        }
    }

    /// The same tensor, marked as a leaf that wants a gradient.
    public func requiringGrad() -> Tensor {
        var copy = self
        copy.autograd = GradientSlot(requiresGrad: true, node: nil)
        return copy
    }

    /// Whether this tensor was made by an op rather than created directly.
    public var isLeaf: Bool { autograd?.node == nil }

    /// The gradient accumulated by `backward()` (leaves only), or nil.
    public var grad: Tensor? {
        get { autograd?.grad }
        nonmutating set { autograd?.grad = newValue }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { autograd?.grad = nil }

    /// The same values, cut off from the tape: no gradient flows through the result.
    public func detach() -> Tensor {
        var copy = self
        copy.autograd = nil
        return copy
    }

    /// Back-propagates from this tensor, adding into the `grad` of every leaf that wants one.
    /// Without `gradient` the tensor must hold one element (a loss), seeded with 1.
    public func backward(_ gradient: Tensor? = nil) throws {
        guard let root = autograd, root.requiresGrad else {
            throw TensorError.autograd("the tensor does not require a gradient (no input asked for one)")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw TensorError.shapeMismatch(operation: "backward", shapes: [shape, gradient.shape])
            }
            seed = gradient
        } else {
            guard count == 1 else {
                throw TensorError.autograd("backward() without a gradient needs a single-element tensor, got shape \(TensorError.format(shape))")
            }
            seed = Tensor.ones(shape)
        }
        let order = Self.topologicalOrder(from: root)
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
        try withoutGrad {
            for slot in order.reversed() {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(slot)) else { continue }
                guard let node = slot.node else {
                    slot.grad = try slot.grad.map { try $0 + gradient } ?? gradient.contiguous()
                    continue
                }
                let inputGradients = try node.pullback(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard let input, let inputGradient else { continue }
                    let key = ObjectIdentifier(input)
                    pending[key] = try pending[key].map { try $0 + inputGradient } ?? inputGradient
                }
            }
        }
    }

    /// Slots reachable from `root`, each after all the slots it depends on.
    private static func topologicalOrder(from root: GradientSlot) -> [GradientSlot] {
        var order: [GradientSlot] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradientSlot, Bool)] = [(root, false)]
        while let (slot, expanded) = stack.popLast() {
            if expanded { order.append(slot); continue }
            guard visited.insert(ObjectIdentifier(slot)).inserted else { continue }
            stack.append((slot, true))
            for input in slot.node?.inputs ?? [] {
                if let input, !visited.contains(ObjectIdentifier(input)) { stack.append((input, false)) }
            }
        }
        return order
    }
}
