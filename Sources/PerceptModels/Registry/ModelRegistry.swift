import Foundation
import PerceptNN

/// Every architecture of the zoo by name: builds models from a name and a configuration,
/// and saves and loads weights files that carry both (`percept.arch`, `percept.config`), so a
/// file alone rebuilds its model.
///
/// ```swift
/// let model = try ModelRegistry.build("resnet18", configuration: .init(numClasses: 10, inputChannels: 3, imageSize: 32))
/// try ModelRegistry.save(model, name: "resnet18", configuration: configuration, metadata: [:], to: "r.safetensors")
/// let (loaded, name, configuration, file) = try ModelRegistry.load("r.safetensors")
/// ```
public enum ModelRegistry {
    /// The registered architectures, sorted by name.
    public static var entries: [ModelEntry] { registered }

    private static let registered: [ModelEntry] = (ClassifierZoo.entries + AutoencoderZoo.entries + SegmentationZoo.entries + PointNetZoo.entries + DetectionZoo.entries)
        .sorted { $0.name < $1.name }

    /// The entry named `name`; an unknown name throws ``ModelRegistryError/unknownModel(name:closeMatches:)``
    /// with the registered names closest to it.
    public static func entry(_ name: String) throws -> ModelEntry {
        guard let entry = registered.first(where: { $0.name == name }) else {
            throw ModelRegistryError.unknownModel(name: name, closeMatches: closeMatches(to: name))
        }
        return entry
    }

    /// Builds the architecture `name` with `configuration`.
    public static func build(_ name: String, configuration: ModelConfiguration) throws -> any ZooModel {
        try entry(name).build(configuration)
    }

    /// Writes the model's weights atomically with `percept.arch` = `name`, `percept.config` =
    /// the configuration's JSON, and `metadata` (class names, normalisation, …) beside them.
    public static func save(_ model: any ZooModel, name: String, configuration: ModelConfiguration,
                            metadata: [String: String], to path: String) throws {
        try ModelFile(stateDict: model.stateDict(), architecture: name, configuration: configuration.jsonString(),
                      metadata: metadata).write(to: path)
    }

    /// Rebuilds the model named in the file's metadata with its stored configuration and loads
    /// its weights strictly. Every problem names the file: a missing or unknown architecture,
    /// a configuration that is not JSON of the right form, missing or unexpected keys and
    /// shape mismatches (a ``StateDictError`` whose `source` is the file).
    public static func load(_ path: String) throws -> (model: any ZooModel, name: String, configuration: ModelConfiguration, file: ModelFile) {
        let file = try ModelFile.read(from: path)
        guard let name = file.metadata[ModelFile.architectureKey] else { throw ModelRegistryError.missingArchitecture(file: path) }
        guard let entry = registered.first(where: { $0.name == name }) else {
            throw ModelRegistryError.unknownArchitecture(file: path, name: name, closeMatches: closeMatches(to: name))
        }
        guard let json = file.configuration else {
            throw ModelFileError.missingMetadata(file: path, key: ModelFile.configurationKey)
        }
        let configuration: ModelConfiguration
        do {
            configuration = try ModelConfiguration.parse(json: json)
        } catch {
            throw ModelRegistryError.invalidStoredConfiguration(file: path, json: json, reason: Self.reason(error))
        }
        let model: any ZooModel
        do {
            model = try entry.build(configuration)
        } catch {
            throw ModelRegistryError.unbuildableConfiguration(file: path, reason: String(describing: error))
        }
        try model.load(file.stateDict, strict: true, source: path)
        return (model, name, configuration, file)
    }

    /// Registered names within a small edit distance of `name`, or containing it, nearest first (at most three).
    static func closeMatches(to name: String) -> [String] {
        let wanted = name.lowercased()
        let limit = Swift.max(2, wanted.count / 3)
        return registered.map(\.name)
            .map { ($0, EditDistance.between(wanted, $0)) }
            .filter { $0.1 <= limit || (!wanted.isEmpty && $0.0.contains(wanted)) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .prefix(3).map(\.0)
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: "not valid JSON"
        default: String(describing: error)
        }
    }
}

/// Levenshtein distance, for suggesting names.
enum EditDistance {
    /// The number of single-character insertions, deletions and substitutions turning `a` into `b`.
    static func between(_ a: String, _ b: String) -> Int {
        let source = Array(a), target = Array(b)
        var previous = Array(0...target.count)
        for (i, character) in source.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: target.count)
            for j in 0..<target.count {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (character == target[j] ? 0 : 1))
            }
            previous = current
        }
        return previous[target.count]
    }
}
