import PerceptTensor

/// One direct member of a module: a parameter, a buffer or a child module.
public enum ModuleMember {
    case parameter(Parameter)
    case buffer(Buffer)
    case module(Module)
}

/// The base of every layer and model. Parameters, buffers and child modules are found by
/// reflection over stored properties (also inside arrays and optionals), and named as in
/// PyTorch's state dicts: `layer1.0.bn1.running_mean`. Swift's camelCase property names become
/// snake_case (`runningMean` → `running_mean`).
///
/// ```swift
/// final class Net: Module {
///     var features = Sequential(Linear(4, 8), ReLU())
///     var fc = Linear(8, 2)
/// }
/// Net().namedParameters().map(\.name)   // ["features.0.weight", "features.0.bias", "fc.weight", "fc.bias"]
/// ```
open class Module {
    /// Whether the module is in training mode (dropout active, batch norm updating its
    /// running statistics) rather than evaluation mode.
    public private(set) var isTraining = true

    /// A module in training mode.
    public init() {}

    /// The direct members with their names. The default reflects over stored properties;
    /// containers whose PyTorch names differ (``Sequential``, recurrent layers) override it.
    open func members() -> [(name: String, member: ModuleMember)] {
        var found: [(name: String, member: ModuleMember)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let current = mirror {
            levels.append(current)
            mirror = current.superclassMirror
        }
        // Superclass properties first, as a subclass extends its parent's layout.
        for level in levels.reversed() {
            for child in level.children {
                guard let label = child.label else { continue }
                Self.collect(child.value, name: Self.stateDictName(label), into: &found)
            }
        }
        return found
    }

    /// Switches training mode on or off, for this module and every descendant.
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, child) in children() { child.train(on) }
    }

    /// Switches to evaluation mode: `train(false)`.
    public func eval() { train(false) }

    /// The direct child modules with their names.
    public func children() -> [(name: String, module: Module)] {
        members().compactMap { name, member in
            if case .module(let module) = member { return (name, module) }
            return nil
        }
    }

    /// Every module below this one (itself first, named ""), depth first.
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [(prefix, self)]
        for (name, child) in children() {
            result += child.namedModules(prefix: Self.join(prefix, name))
        }
        return result
    }

    /// Every parameter with its full dotted name, in declaration order; a parameter shared by
    /// two modules is listed once.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var seen = Set<ObjectIdentifier>()
        return walk(prefix: "").compactMap { name, member in
            guard case .parameter(let parameter) = member, seen.insert(ObjectIdentifier(parameter)).inserted else { return nil }
            return (name, parameter)
        }
    }

    /// Every buffer with its full dotted name.
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        walk(prefix: "").compactMap { name, member in
            if case .buffer(let buffer) = member { return (name, buffer) }
            return nil
        }
    }

    /// The parameters, optionally only those that are not frozen.
    public func parameters(trainableOnly: Bool = false) -> [Parameter] {
        namedParameters().map(\.parameter).filter { !trainableOnly || $0.requiresGrad }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for parameter in parameters() { parameter.grad = nil }
    }

    /// Checks that every parameter, buffer and module stored anywhere in this module and its
    /// descendants has a state-dict name; throws ``ModuleDiscoveryError`` listing the
    /// properties that hold some without naming them (a set, a tuple, a struct, a dictionary
    /// keyed by other than strings or integers). The model registry runs it on every model.
    public func checkDiscoverable() throws {
        var unnamed: [String] = []
        for (prefix, module) in namedModules() {
            let sink = UnnamedMembers()
            var ignored: [(name: String, member: ModuleMember)] = []
            var mirror: Mirror? = Mirror(reflecting: module)
            while let current = mirror {
                for child in current.children {
                    guard let label = child.label else { continue }
                    Self.collect(child.value, name: Self.stateDictName(label), into: &ignored, unnamed: sink)
                }
                mirror = current.superclassMirror
            }
            unnamed += sink.names.map { Self.join(prefix, $0) }
        }
        if !unnamed.isEmpty { throw ModuleDiscoveryError(modelType: String(describing: type(of: self)), unnamedProperties: unnamed) }
    }

    /// Parameters and buffers with their full names, children expanded.
    func walk(prefix: String) -> [(name: String, member: ModuleMember)] {
        var result: [(name: String, member: ModuleMember)] = []
        for (name, member) in members() {
            let fullName = Self.join(prefix, name)
            if case .module(let child) = member {
                result += child.walk(prefix: fullName)
            } else {
                result.append((fullName, member))
            }
        }
        return result
    }

    static func join(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }

    /// Appends the members found in one stored value: a parameter, buffer or module, or an
    /// array, optional or dictionary holding them (dictionary entries in sorted key order,
    /// named by their keys). Values that hold modules but give them no name (sets, tuples,
    /// structs, enums, dictionaries with other keys) add their name to `unnamed` when it is given.
    static func collect(_ value: Any, name: String, into found: inout [(name: String, member: ModuleMember)],
                        unnamed: UnnamedMembers? = nil) {
        switch value {
        case let parameter as Parameter: found.append((name, .parameter(parameter)))
        case let buffer as Buffer: found.append((name, .buffer(buffer)))
        case let module as Module: found.append((name, .module(module)))
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let wrapped = mirror.children.first { collect(wrapped.value, name: name, into: &found, unnamed: unnamed) }
            case .collection where !(value is [Int] || value is [Float] || value is [Double]):
                for (index, element) in mirror.children.enumerated() {
                    collect(element.value, name: join(name, String(index)), into: &found, unnamed: unnamed)
                }
            case .dictionary:
                guard let entries = dictionaryEntries(mirror) else {
                    if let unnamed, holdsMembers(value) { unnamed.names.append(name) }
                    return
                }
                for (key, element) in entries { collect(element, name: join(name, key), into: &found, unnamed: unnamed) }
            default:
                if let unnamed, mirror.displayStyle != nil, mirror.displayStyle != .collection, holdsMembers(value) { unnamed.names.append(name) }
            }
        }
    }

    /// A dictionary's entries with their keys as names, sorted (integers numerically), or nil
    /// when a key is neither a string nor an integer.
    static func dictionaryEntries(_ mirror: Mirror) -> [(key: String, value: Any)]? {
        var textual: [(key: String, value: Any)] = [], numeric: [(key: Int, value: Any)] = []
        for child in mirror.children {
            let pair = Array(Mirror(reflecting: child.value).children)
            guard pair.count == 2 else { return nil }
            switch pair[0].value {
            case let key as String: textual.append((key, pair[1].value))
            case let key as Int: numeric.append((key, pair[1].value))
            default: return nil
            }
        }
        if !numeric.isEmpty, !textual.isEmpty { return nil }
        return numeric.isEmpty ? textual.sorted { $0.key < $1.key } : numeric.sorted { $0.key < $1.key }.map { (String($0.key), $0.value) }
    }

    /// Whether a value that is not itself a member holds a parameter, buffer or module within
    /// a few levels (deep enough for any container a model would store).
    static func holdsMembers(_ value: Any, depth: Int = 4) -> Bool {
        if value is Parameter || value is Buffer || value is Module { return true }
        guard depth > 0 else { return false }
        return Mirror(reflecting: value).children.contains { holdsMembers($0.value, depth: depth - 1) }
    }

    /// PyTorch's key for a Swift property name: `runningMean` → `running_mean`.
    static func stateDictName(_ label: String) -> String {
        var result = ""
        for character in label {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A module that maps one tensor to one tensor. Calling it runs `forward` and lets
/// ``Module/summary(inputShape:)`` see the output shape.
public protocol Layer: Module {
    /// The layer's computation.
    func forward(_ input: Tensor) throws -> Tensor
}

extension Layer {
    /// Runs the layer (telling an active export trace which layer runs).
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try traced(input, forward) }

    /// Runs `body` on `input` as this layer: an active export trace is told which layer runs, and
    /// ``Module/summary(inputShape:)`` sees the output shape. For a variant of `forward`, such
    /// as batch norm with its ReLU.
    public func traced(_ input: Tensor, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        let recorder = OperationTrace.recorder
        recorder?.enterLayer(self)
        defer { recorder?.exitLayer() }
        guard let trace = SummaryTrace.current else { return try body(input) }
        let row = trace.begin(self)
        let output = try body(input)
        trace.end(row, outputShape: output.shape)
        return output
    }
}

/// Names of stored properties whose modules cannot be named, gathered by ``Module/checkDiscoverable()``.
final class UnnamedMembers {
    var names: [String] = []
}

/// A module stores parameters, buffers or modules where discovery cannot name them, so they
/// would be missing from its state dict and its optimizer.
public struct ModuleDiscoveryError: Error, CustomStringConvertible, Equatable {
    /// The type of the module checked.
    public var modelType: String
    /// The dotted paths of the properties holding unnamed members.
    public var unnamedProperties: [String]

    public var description: String {
        "error: \(modelType) holds parameters or modules that cannot be named in its state dict, in: "
            + unnamedProperties.joined(separator: ", ") + " (store them in properties, arrays, optionals or dictionaries keyed by strings)"
    }
}
