import PerceptTensor

/// Why a state dict does not fit a module: every missing key, unexpected key and shape
/// mismatch at once, so one run shows everything to fix.
public struct StateDictError: Error, CustomStringConvertible, Equatable {
    /// One tensor whose shape differs between the module and the state dict.
    public struct ShapeMismatch: Equatable, Sendable {
        /// The state-dict key.
        public let key: String
        /// The shape the module has.
        public let expected: [Int]
        /// The shape the state dict holds.
        public let found: [Int]
    }

    /// Where the state dict came from (a file path), when known.
    public var source: String?
    /// Keys the module has and the state dict lacks.
    public var missingKeys: [String]
    /// Keys the state dict has and the module lacks.
    public var unexpectedKeys: [String]
    /// Keys present in both with different shapes.
    public var shapeMismatches: [ShapeMismatch]

    public var description: String {
        var parts: [String] = []
        if !missingKeys.isEmpty { parts.append("missing keys: " + missingKeys.joined(separator: ", ")) }
        if !unexpectedKeys.isEmpty { parts.append("unexpected keys: " + unexpectedKeys.joined(separator: ", ")) }
        if !shapeMismatches.isEmpty {
            parts.append("shape mismatches: " + shapeMismatches.map {
                "\($0.key) (module \(Self.format($0.expected)), state dict \(Self.format($0.found)))"
            }.joined(separator: ", "))
        }
        return (source.map { "\($0): " } ?? "") + "error: state dict does not fit the module: " + parts.joined(separator: "; ")
    }

    static func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

extension Module {
    /// Every parameter and buffer by its PyTorch key (values, not references: later training
    /// does not change a state dict already taken).
    public func stateDict() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, member) in walk(prefix: "") {
            switch member {
            case .parameter(let parameter): result[name] = parameter.value.detach()
            case .buffer(let buffer): result[name] = buffer.value
            case .module: break
            }
        }
        return result
    }

    /// The keys of `stateDict()` in declaration order.
    public func stateDictKeys() -> [String] {
        walk(prefix: "").map(\.name)
    }

    /// Loads parameters and buffers by key. With `strict`, missing and unexpected keys are
    /// errors; shape mismatches always are. All problems are reported together in one
    /// ``StateDictError`` and nothing is changed when there is one. Values are converted to
    /// the module's element types (PyTorch's int64 `num_batches_tracked` stays int64).
    public func load(_ stateDict: [String: Tensor], strict: Bool = true, source: String? = nil) throws {
        let targets = walk(prefix: "")
        var error = StateDictError(source: source, missingKeys: [], unexpectedKeys: [], shapeMismatches: [])
        let known = Set(targets.map(\.name))
        error.unexpectedKeys = stateDict.keys.filter { !known.contains($0) }.sorted()
        for (name, member) in targets {
            let expected: [Int]
            switch member {
            case .parameter(let parameter): expected = parameter.shape
            case .buffer(let buffer): expected = buffer.value.shape
            case .module: continue
            }
            guard let value = stateDict[name] else { error.missingKeys.append(name); continue }
            // PyTorch saves scalar buffers with shape [] and some exporters with [1].
            if value.shape != expected, value.count != 1 || expected.reduce(1, *) != 1 {
                error.shapeMismatches.append(.init(key: name, expected: expected, found: value.shape))
            }
        }
        if !error.shapeMismatches.isEmpty || (strict && !(error.missingKeys.isEmpty && error.unexpectedKeys.isEmpty)) {
            throw error
        }
        for (name, member) in targets {
            guard let value = stateDict[name] else { continue }
            switch member {
            case .parameter(let parameter):
                parameter.assign(try value.converted(to: .float32).reshaped(parameter.shape).contiguous())
            case .buffer(let buffer):
                buffer.value = try value.converted(to: buffer.value.dtype).reshaped(buffer.value.shape).contiguous()
            case .module: break
            }
        }
    }
}
