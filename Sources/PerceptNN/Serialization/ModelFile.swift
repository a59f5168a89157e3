import PerceptTensor

/// Errors reading model and checkpoint files, each naming the file and the key.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    /// A metadata entry the file must have is absent.
    case missingMetadata(file: String, key: String)
    /// A metadata entry does not hold what it should.
    case invalidMetadata(file: String, key: String, expected: String, found: String)
    /// The file was written for another architecture than the one asked for.
    case architectureMismatch(file: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .missingMetadata(file, key):
            "\(file): error: metadata key \(key) is missing"
        case let .invalidMetadata(file, key, expected, found):
            "\(file): error: metadata key \(key): expected \(expected), found \"\(found)\""
        case let .architectureMismatch(file, expected, found):
            "\(file): error: the file holds architecture \"\(found)\", expected \"\(expected)\""
        }
    }
}

/// Model weights in a safetensors file: the state dict, with `__metadata__` keys
/// `percept.arch` (the architecture's name) and `percept.config` (its configuration as JSON)
/// so the model zoo can rebuild the model from the file alone.
///
/// ```swift
/// try ModelFile(stateDict: model.stateDict(), architecture: "mlp", configuration: #"{"hidden":64}"#).write(to: "m.safetensors")
/// let file = try ModelFile.read(from: "m.safetensors")
/// try model.load(file.stateDict, source: "m.safetensors")
/// ```
public struct ModelFile {
    /// The metadata key naming the architecture.
    public static let architectureKey = "percept.arch"
    /// The metadata key holding the configuration as JSON.
    public static let configurationKey = "percept.config"

    /// The tensors by PyTorch key.
    public var stateDict: [String: Tensor]
    /// The architecture's name; nil in files from other tools (PyTorch exports).
    public var architecture: String?
    /// The architecture's configuration as JSON, or nil.
    public var configuration: String?
    /// Every metadata entry of the file.
    public var metadata: [String: String]

    /// A model file to write.
    public init(stateDict: [String: Tensor], architecture: String?, configuration: String? = nil, metadata: [String: String] = [:]) {
        self.stateDict = stateDict
        self.architecture = architecture
        self.configuration = configuration
        var all = metadata
        all[Self.architectureKey] = architecture
        all[Self.configurationKey] = configuration
        self.metadata = all
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        try Tensor.saveSafetensors(stateDict, metadata: metadata, to: path)
    }

    /// Reads a file. When `expectedArchitecture` is given, a file that names another
    /// architecture is an error; a file that names none (a PyTorch export) is accepted.
    public static func read(from path: String, expectedArchitecture: String? = nil) throws -> ModelFile {
        let (tensors, metadata) = try Tensor.loadSafetensors(from: path)
        let architecture = metadata[architectureKey]
        if let expectedArchitecture, let architecture, architecture != expectedArchitecture {
            throw ModelFileError.architectureMismatch(file: path, expected: expectedArchitecture, found: architecture)
        }
        return ModelFile(stateDict: tensors, architecture: architecture ?? expectedArchitecture,
                         configuration: metadata[configurationKey], metadata: metadata)
    }
}

extension Module {
    /// Writes this module's state dict with its architecture name and configuration.
    public func save(to path: String, architecture: String, configuration: String? = nil) throws {
        try ModelFile(stateDict: stateDict(), architecture: architecture, configuration: configuration).write(to: path)
    }

    /// Loads weights from a safetensors file (see ``load(_:strict:source:)``).
    public func loadWeights(from path: String, strict: Bool = true) throws {
        try load(ModelFile.read(from: path).stateDict, strict: strict, source: path)
    }
}
