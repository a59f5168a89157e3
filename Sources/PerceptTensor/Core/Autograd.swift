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

/// An opaque identity of a leaf of the autodiff tape: ``Tensor/leafID`` of a tensor, and what
/// ``Tensor/backward(onLeafReady:)`` reports when that leaf's gradient is final.
public struct LeafID: Hashable, Sendable {
    let slot: ObjectIdentifier
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

    /// The identity of this leaf on the tape (shared by its copies, such as a parameter's value),
    /// as ``backward(onLeafReady:)`` reports it; nil when the tensor wants no gradient or is no leaf.
    public var leafID: LeafID? {
        guard let autograd, autograd.node == nil else { return nil }
        return LeafID(slot: ObjectIdentifier(autograd))
    }

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
        try backpropagate(gradient, onLeafReady: nil)
    }

    /// Back-propagates from this one-element tensor (a loss) as ``backward(_:)`` does, and
    /// finishes each leaf that receives a gradient as soon as the last op that reads it has been
    /// back-propagated: `onLeafReady` is then called once with the leaf's ``leafID`` and its
    /// final `grad`, while the rest of the pass goes on (data-parallel training starts sending
    /// gradients there). Leaves that receive no gradient are not reported.
    public func backward(onLeafReady: (LeafID, Tensor) throws -> Void) throws {
        try withoutActuallyEscaping(onLeafReady) { try backpropagate(nil, onLeafReady: $0) }
    }

    private func backpropagate(_ gradient: Tensor?, onLeafReady: ((LeafID, Tensor) throws -> Void)?) throws {
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
        // Reads of each leaf not yet back-propagated; counted only when someone listens.
        var unreadLeaves = onLeafReady == nil ? [:] : Self.leafReads(order)
        func finish(_ leaf: GradientSlot) throws {
            guard let gradient = pending.removeValue(forKey: ObjectIdentifier(leaf)) else { return }
            let total = try leaf.grad.map { try $0 + gradient } ?? gradient.contiguous()
            leaf.grad = total
            try onLeafReady?(LeafID(slot: ObjectIdentifier(leaf)), total)
        }
        try withoutGrad {
            for slot in order.reversed() {
                guard let node = slot.node else {
                    try finish(slot)
                    continue
                }
                if let gradient = pending.removeValue(forKey: ObjectIdentifier(slot)) {
                    let inputGradients = try node.pullback(gradient)
                    for (input, inputGradient) in zip(node.inputs, inputGradients) {
                        guard let input, let inputGradient else { continue }
                        let key = ObjectIdentifier(input)
                        pending[key] = try pending[key].map { try $0 + inputGradient } ?? inputGradient
                    }
                }
                guard !unreadLeaves.isEmpty else { continue }
                for case let input? in node.inputs where input.node == nil {
                    let key = ObjectIdentifier(input), left = (unreadLeaves[key] ?? 1) - 1
                    unreadLeaves[key] = left
                    if left == 0 { try finish(input) }
                }
            }
        }
    }

    /// How many times each leaf in `order` is an input of an op there.
    private static func leafReads(_ order: [GradientSlot]) -> [ObjectIdentifier: Int] {
        var reads: [ObjectIdentifier: Int] = [:]
        for slot in order {
            for case let input? in slot.node?.inputs ?? [] where input.node == nil { reads[ObjectIdentifier(input), default: 0] += 1 }
        }
        return reads
    }

    /// Slots reachable from `root`, each after all the slots it depends on (depth first, post-order).
    private static func topologicalOrder(from root: GradientSlot) -> [GradientSlot] {
        var order: [GradientSlot] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradientSlot, Bool)] = [(root, false)]
        while let (slot, expanded) = stack.popLast() {
            if expanded { order.append(slot); continue }
            guard visited.insert(ObjectIdentifier(slot)).inserted else { continue }
            stack.append((slot, true))
            // The first input (a layer's activation, the long chain) is walked first, so the
            // others (weights and their views) come right after the op in the reversed order:
            // their gradients are final early in the pass, as `onLeafReady` wants.
            for input in (slot.node?.inputs ?? []).reversed() {
                if let input, !visited.contains(ObjectIdentifier(input)) { stack.append((input, false)) }
            }
        }
        return order
    }
}
