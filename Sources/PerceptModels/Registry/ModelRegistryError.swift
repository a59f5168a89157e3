/// Why the registry cannot build or load a model; errors about files name the file.
public enum ModelRegistryError: Error, CustomStringConvertible, Equatable {
    /// No architecture has this name; `closeMatches` are the registered names nearest to it.
    case unknownModel(name: String, closeMatches: [String])
    /// A configuration the architecture cannot take.
    case invalidConfiguration(model: String, message: String)
    /// The input side is too small for the model's layers.
    case imageSizeTooSmall(model: String, imageSize: Int, minimum: Int)
    /// A weights file names no architecture (`percept.arch` is absent).
    case missingArchitecture(file: String)
    /// A weights file names an architecture the registry does not know.
    case unknownArchitecture(file: String, name: String, closeMatches: [String])
    /// A weights file's `percept.config` is not a configuration.
    case invalidStoredConfiguration(file: String, json: String, reason: String)
    /// A weights file's configuration does not build its architecture.
    case unbuildableConfiguration(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, closeMatches):
            "error: unknown model \"\(name)\"" + Self.suggestion(closeMatches) + "; `percept models` lists them"
        case let .invalidConfiguration(model, message):
            "error: \(model): \(message)"
        case let .imageSizeTooSmall(model, imageSize, minimum):
            "error: \(model): image size \(imageSize) is too small for the model, it needs at least \(minimum)"
        case let .missingArchitecture(file):
            "\(file): error: the file names no architecture (metadata key percept.arch is missing)"
        case let .unknownArchitecture(file, name, closeMatches):
            "\(file): error: unknown architecture \"\(name)\"" + Self.suggestion(closeMatches)
        case let .invalidStoredConfiguration(file, json, reason):
            "\(file): error: metadata key percept.config is not a model configuration (\(reason)): \(json.prefix(200))"
        case let .unbuildableConfiguration(file, reason):
            "\(file): error: the stored configuration does not build the model: \(reason)"
        }
    }

    private static func suggestion(_ names: [String]) -> String {
        names.isEmpty ? "" : " (did you mean " + names.map { "\"\($0)\"" }.joined(separator: " or ") + "?)"
    }
}
