/// Which parameters `--freeze` (and each step of `--unfreeze`) names: parameter-name patterns
/// (``NamePattern``: globs and prefixes, comma-separated), the first N parameter tensors, all
/// but the last K (the course's "freeze all but the last k"), or the parameters of the first N
/// rows `model.0` … `model.(N−1)` of a YOLO model (Ultralytics' `freeze=N`).
///
/// ```swift
/// let spec = try FreezeSpec(parsing: "all-but-last:2")
/// let names = try spec.parameterNames(in: model)   // every parameter but fc.weight and fc.bias
/// ```
public enum FreezeSpec: Equatable, Sendable {
    /// Parameters matching any of the patterns.
    case patterns([String])
    /// The first N parameter tensors, in state-dict order.
    case first(Int)
    /// Every parameter tensor but the last K.
    case allButLast(Int)
    /// The parameters of the rows `model.0` … `model.(N−1)` (Ultralytics' `freeze=N`).
    case firstModules(Int)

    /// Reads `patterns`, `first:N`, `all-but-last:K` or `first-modules:N`; throws ``FreezeSpecError``
    /// for an empty pattern or a count that is not a non-negative integer.
    public init(parsing text: String) throws {
        let counted = [("first:", FreezeSpec.first), ("all-but-last:", FreezeSpec.allButLast), ("first-modules:", FreezeSpec.firstModules)]
        for (prefix, make) in counted where text.hasPrefix(prefix) {
            guard let count = Int(text.dropFirst(prefix.count)), count >= 0 else {
                throw FreezeSpecError(spec: text, message: "\(prefix)N needs a whole number N ≥ 0")
            }
            self = make(count)
            return
        }
        let patterns = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        guard !patterns.contains(where: \.isEmpty) else { throw FreezeSpecError(spec: text, message: "a parameter-name pattern is empty") }
        self = .patterns(patterns)
    }

    /// The names of the parameters of `module` this selects, in state-dict order; a pattern
    /// that matches nothing throws ``UnmatchedPatternError``, a count beyond the parameter
    /// tensors or `first-modules:N` on a model without a row `model.(N−1)` throws ``FreezeSpecError``.
    public func parameterNames(in module: Module) throws -> [String] {
        let names = module.namedParameters().map(\.name)
        switch self {
        case .patterns(let patterns):
            let matchers = patterns.map(NamePattern.init)
            let unmatched = patterns.indices.filter { index in !names.contains { matchers[index].matches($0) } }
            if !unmatched.isEmpty { throw UnmatchedPatternError(patterns: unmatched.map { patterns[$0] }, firstNames: Array(names.prefix(5))) }
            return names.filter { name in matchers.contains { $0.matches(name) } }
        case .first(let count), .allButLast(let count):
            guard count <= names.count else {
                throw FreezeSpecError(spec: description, message: "the model has only \(names.count) parameter tensors")
            }
            if case .first = self { return Array(names.prefix(count)) }
            return Array(names.dropLast(count))
        case .firstModules(let count):
            guard count == 0 || module.namedModules().contains(where: { $0.name == "model.\(count - 1)" }) else {
                throw FreezeSpecError(spec: description, message: "the model has no row model.\(count - 1) (first-modules:N freezes the rows model.0 … model.N-1 of a YOLO model)")
            }
            let prefixes = (0..<count).map { "model.\($0)." }
            return names.filter { name in prefixes.contains { name.hasPrefix($0) } }
        }
    }

    /// The spec as it is written on the command line.
    public var description: String {
        switch self {
        case .patterns(let patterns): patterns.joined(separator: ",")
        case .first(let count): "first:\(count)"
        case .allButLast(let count): "all-but-last:\(count)"
        case .firstModules(let count): "first-modules:\(count)"
        }
    }
}

/// A freeze spec that cannot be read or does not fit the model.
public struct FreezeSpecError: Error, CustomStringConvertible, Equatable {
    /// The spec as given.
    public var spec: String
    /// What is wrong.
    public var message: String

    /// An error about `spec`.
    public init(spec: String, message: String) {
        self.spec = spec
        self.message = message
    }

    public var description: String { "error: freeze spec '\(spec)': \(message)" }
}

extension Module {
    /// Freezes the parameters `spec` selects and returns their names.
    @discardableResult
    public func freeze(_ spec: FreezeSpec) throws -> [String] {
        let names = Set(try spec.parameterNames(in: self))
        freeze(where: names.contains)
        return namedParameters().map(\.name).filter(names.contains)
    }

    /// Unfreezes the parameters `spec` selects and returns their names.
    @discardableResult
    public func unfreeze(_ spec: FreezeSpec) throws -> [String] {
        let names = Set(try spec.parameterNames(in: self))
        unfreeze(where: names.contains)
        return namedParameters().map(\.name).filter(names.contains)
    }

    /// Puts every batch-norm layer whose parameters are all frozen into eval mode, so its running
    /// statistics stay as they are while the rest trains (call after `train(true)`).
    public func keepFrozenBatchNormInEval() {
        for (_, module) in namedModules() where module is BatchNorm {
            let parameters = module.parameters()
            if !parameters.isEmpty, parameters.allSatisfy(\.isFrozen) { module.train(false) }
        }
    }
}

/// Written as its command-line text (`all-but-last:2`).
extension FreezeSpec: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

private extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
