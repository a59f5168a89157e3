import PerceptTensor

/// Parameters that share a learning rate and weight decay inside one optimizer, as PyTorch's
/// `param_groups`: a backbone can train slower than a new head.
///
/// ```swift
/// let optimizer = try SGD([ParameterGroup(backbone.parameters(), learningRate: 1e-4),
///                          ParameterGroup(head.parameters())], learningRate: 1e-2)
/// ```
public struct ParameterGroup {
    /// The parameters updated with these settings.
    public var parameters: [Parameter]
    /// The current learning rate (schedules change it); nil until the optimizer fills in its default.
    public var learningRate: Double?
    /// The weight decay; nil until the optimizer fills in its default.
    public var weightDecay: Double?
    /// The learning rate schedules start from (PyTorch's `initial_lr`).
    public var initialLearningRate: Double?
    /// The momentum (SGD, RMSprop) or β₁ (Adam, AdamW), which one-cycle schedules cycle; nil
    /// for optimizers without one, or until the optimizer fills in its default.
    public var momentum: Double?

    /// A group; omitted settings take the optimizer's defaults.
    public init(_ parameters: [Parameter], learningRate: Double? = nil, weightDecay: Double? = nil, momentum: Double? = nil) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.momentum = momentum
    }
}

/// An optimizer's per-parameter state: the step count and its named float buffers (momentum,
/// moment estimates), kept in memory of its own so updates write them in place.
public final class ParameterState {
    /// Updates applied to this parameter so far.
    public var step = 0
    /// The buffers, by name, each as long as the parameter.
    public private(set) var buffers: [String: UnsafeMutableBufferPointer<Float>] = [:]

    init(names: [String], count: Int, initialValue: Float = 0) {
        for name in names {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            buffer.initialize(repeating: initialValue)
            buffers[name] = buffer
        }
    }

    /// The buffer `name` (created by the optimizer before its first update).
    subscript(_ name: String) -> UnsafeMutableBufferPointer<Float> { buffers[name] ?? UnsafeMutableBufferPointer(start: nil, count: 0) }

    deinit {
        for buffer in buffers.values { buffer.deallocate() }
    }
}

/// Errors in optimizer settings and saved optimizer state.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    /// A hyperparameter is outside its valid range.
    case invalidHyperparameter(optimizer: String, name: String, value: Double, expected: String)
    /// Saved state does not fit this optimizer's parameters.
    case stateMismatch(key: String, message: String)

    public var description: String {
        switch self {
        case let .invalidHyperparameter(optimizer, name, value, expected):
            "\(optimizer): \(name) must be \(expected), got \(value)"
        case let .stateMismatch(key, message):
            "optimizer state \(key): \(message)"
        }
    }
}

/// The shared machinery of the optimizers: parameter groups, per-parameter state, skipping
/// parameters without gradient (frozen ones), and saving/restoring state. Subclasses provide
/// the update rule as a fused loop over raw floats.
open class Optimizer {
    /// The parameter groups, with their current learning rates.
    public var groups: [ParameterGroup]
    /// The state of each parameter that has been updated, by identity.
    var states: [ObjectIdentifier: ParameterState] = [:]

    /// An optimizer over `groups`, filling unset learning rates, weight decays and momenta
    /// with the defaults (`momentum` nil for optimizers without one).
    init(_ source: ParameterGroups, learningRate: Double, weightDecay: Double, momentum: Double? = nil, name: String) throws {
        let groups = source.parameterGroups
        try Self.check(name, "learningRate", learningRate, learningRate >= 0, "≥ 0")
        try Self.check(name, "weightDecay", weightDecay, weightDecay >= 0, "≥ 0")
        self.groups = groups.map { group in
            var filled = group
            filled.learningRate = group.learningRate ?? learningRate
            filled.weightDecay = group.weightDecay ?? weightDecay
            filled.initialLearningRate = group.initialLearningRate ?? filled.learningRate
            filled.momentum = momentum.map { group.momentum ?? $0 }
            return filled
        }
    }

    /// Throws ``OptimizerError/invalidHyperparameter`` unless `valid`.
    static func check(_ optimizer: String, _ name: String, _ value: Double, _ valid: Bool, _ expected: String) throws {
        guard valid else { throw OptimizerError.invalidHyperparameter(optimizer: optimizer, name: name, value: value, expected: expected) }
    }

    /// Names of the per-parameter buffers this optimizer keeps.
    open var bufferNames: [String] { [] }
    /// The value new buffers start at.
    open var initialBufferValue: Float { 0 }

    /// Applies one update rule step in place: `values` the parameter, `gradient` its
    /// gradient, `state` with `step` already incremented, and the group's settings
    /// (`momentum` 0 for optimizers without one).
    open func update(values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                     state: ParameterState, learningRate: Double, weightDecay: Double, momentum: Double) {}

    /// Updates every trainable parameter that has a gradient, without recording on the tape.
    public func step() throws {
        try withoutGrad {
            for group in groups {
                let learningRate = group.learningRate ?? 0, weightDecay = group.weightDecay ?? 0, momentum = group.momentum ?? 0
                for parameter in group.parameters where parameter.requiresGrad {
                    guard let gradient = parameter.grad else { continue }
                    guard gradient.shape == parameter.shape else {
                        throw TensorError.shapeMismatch(operation: "optimizer step", shapes: [parameter.shape, gradient.shape])
                    }
                    let state = self.state(for: parameter)
                    state.step += 1
                    try gradient.withUnsafeFloats { gradientValues in
                        try parameter.value.withUnsafeMutableFloats { values in
                            update(values: values, gradient: gradientValues, state: state,
                                   learningRate: learningRate, weightDecay: weightDecay, momentum: momentum)
                        }
                    }
                }
            }
        }
    }

    /// Clears the gradients of every parameter in every group.
    public func zeroGrad() {
        for group in groups { for parameter in group.parameters { parameter.grad = nil } }
    }

    /// Every parameter of every group, in order: the numbering of saved state.
    public var allParameters: [Parameter] { groups.flatMap(\.parameters) }

    func state(for parameter: Parameter) -> ParameterState {
        if let existing = states[ObjectIdentifier(parameter)] { return existing }
        let created = ParameterState(names: bufferNames, count: parameter.count, initialValue: initialBufferValue)
        states[ObjectIdentifier(parameter)] = created
        return created
    }

    /// The state: buffers as tensors keyed `state.<parameter index>.<buffer>` and
    /// `state.<index>.step`; each group's `lr`, `initial_lr`, `weight_decay` and (when it has
    /// one) `momentum` as exact numbers keyed `group.<index>.<name>`.
    public func stateDict() throws -> SavedState {
        var saved = SavedState()
        for (index, parameter) in allParameters.enumerated() {
            guard let state = states[ObjectIdentifier(parameter)] else { continue }
            saved.tensors["state.\(index).step"] = try Tensor(indices: [state.step], shape: [1])
            for (name, buffer) in state.buffers {
                saved.tensors["state.\(index).\(name)"] = try Tensor(Array(buffer), shape: parameter.shape)
            }
        }
        for (index, group) in groups.enumerated() {
            saved.numbers["group.\(index).lr"] = group.learningRate ?? 0
            saved.numbers["group.\(index).initial_lr"] = group.initialLearningRate ?? 0
            saved.numbers["group.\(index).weight_decay"] = group.weightDecay ?? 0
            saved.numbers["group.\(index).momentum"] = group.momentum
        }
        return saved
    }

    /// Restores state written by `stateDict()` for the same parameters in the same order.
    public func load(_ saved: SavedState) throws {
        var restored: [ObjectIdentifier: ParameterState] = [:]
        for (index, parameter) in allParameters.enumerated() {
            guard let step = saved.tensors["state.\(index).step"] else { continue }
            let state = ParameterState(names: bufferNames, count: parameter.count)
            state.step = step.toIntArray().first ?? 0
            for name in bufferNames {
                let key = "state.\(index).\(name)"
                guard let values = saved.tensors[key]?.toArray() else { throw OptimizerError.stateMismatch(key: key, message: "missing") }
                guard values.count == parameter.count else {
                    throw OptimizerError.stateMismatch(key: key, message: "holds \(values.count) values, the parameter has \(parameter.count)")
                }
                _ = state[name].update(from: values)
            }
            restored[ObjectIdentifier(parameter)] = state
        }
        for index in groups.indices {
            groups[index].learningRate = try saved.number("group.\(index).lr")
            groups[index].initialLearningRate = try saved.number("group.\(index).initial_lr")
            groups[index].weightDecay = try saved.number("group.\(index).weight_decay")
            // Checkpoints written before momenta were saved keep the optimizer's own.
            if groups[index].momentum != nil, let momentum = saved.numbers["group.\(index).momentum"] { groups[index].momentum = momentum }
        }
        states = restored
    }
}

/// Saved training state (of an optimizer or a schedule): tensors, and numbers kept exact
/// as Doubles (learning rates, counters).
public struct SavedState: Equatable {
    /// Tensors by key.
    public var tensors: [String: Tensor] = [:]
    /// Numbers by key.
    public var numbers: [String: Double] = [:]

    /// Empty state.
    public init() {}

    /// The number `key`, or an error naming it.
    public func number(_ key: String) throws -> Double {
        guard let value = numbers[key] else { throw OptimizerError.stateMismatch(key: key, message: "missing") }
        return value
    }

    public static func == (lhs: SavedState, rhs: SavedState) -> Bool {
        lhs.numbers == rhs.numbers && lhs.tensors.keys.sorted() == rhs.tensors.keys.sorted()
            && lhs.tensors.allSatisfy { key, value in
                rhs.tensors[key].map { $0.shape == value.shape && $0.toArray() == value.toArray() } ?? false
            }
    }
}

/// What an optimizer can be built over: a module (all its parameters, frozen ones included,
/// so unfreezing later needs no new optimizer), one group, or a list of groups.
public protocol ParameterGroups {
    /// The groups.
    var parameterGroups: [ParameterGroup] { get }
}

extension Module: ParameterGroups {
    /// One group with every parameter.
    public var parameterGroups: [ParameterGroup] { [ParameterGroup(parameters())] }
}

extension ParameterGroup: ParameterGroups {
    /// This group alone.
    public var parameterGroups: [ParameterGroup] { [self] }
}

extension Array: ParameterGroups where Element == ParameterGroup {
    /// The groups themselves.
    public var parameterGroups: [ParameterGroup] { self }
}

/// Runs `body` over `0..<count` in ranges, on several threads for large parameters; each
/// element is computed the same way whatever the split, so results do not depend on threads.
/// Subnormals are flushed to zero on every thread (see `withSubnormalsFlushedToZero`).
@inline(__always)
func forEachElement(_ count: Int, _ body: (Range<Int>) -> Void) {
    Parallel.forEachRange(count, costPerItem: 8) { range in withSubnormalsFlushedToZero { body(range) } }
}
