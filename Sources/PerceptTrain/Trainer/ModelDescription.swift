import Foundation
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// What a weights file says about its model besides the tensors: the registry name, the
/// configuration, the class names and the input normalisation, so `val` and `predict` need
/// nothing but the file.
public struct ModelDescription: Equatable, Sendable {
    /// Metadata key of the class names (a JSON array of strings).
    public static let classNamesKey = "percept.classes"

    /// Metadata key of a point-cloud model's data settings (``PointCloudModelInfo``, JSON).
    public static let pointCloudKey = "percept.cloud"
    /// The `percept.` keys that describe the model (others belong to files and training state).
    static let describingKeys: Set<String> = [classNamesKey, pointCloudKey, ChannelNormalization.metadataKey]

    /// The registry name.
    public var name: String
    /// The configuration the registry builds the model from.
    public var configuration: ModelConfiguration
    /// Further metadata entries (class names).
    public var metadata: [String: String]

    /// A description; `classNames` and `normalization` go into the metadata.
    public init(name: String, configuration: ModelConfiguration, classNames: [String] = [], normalization: ChannelNormalization? = nil) {
        self.name = name
        self.configuration = configuration
        var metadata = normalization?.metadata ?? [:]
        if !classNames.isEmpty, let data = try? JSONEncoder().encode(classNames) { metadata[Self.classNamesKey] = String(decoding: data, as: UTF8.self) }
        self.metadata = metadata
    }

    /// A description read back from a file's metadata.
    public init(name: String, configuration: ModelConfiguration, metadata: [String: String]) {
        self.name = name
        self.configuration = configuration
        // The architecture, configuration and training state have their own fields or files.
        self.metadata = metadata.filter { !$0.key.hasPrefix("percept.") || Self.describingKeys.contains($0.key) }
    }

    /// The per-channel normalisation training applied to the inputs, or nil for none; a damaged
    /// entry throws an error naming `file`.
    public func normalization(file: String) throws -> ChannelNormalization? {
        try ChannelNormalization.from(metadata: metadata, file: file)
    }

    /// The class names, or the class indices as names when the file has none.
    public var classNames: [String] {
        if let text = metadata[Self.classNamesKey], let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)),
           names.count == configuration.numClasses {
            return names
        }
        return (0..<configuration.numClasses).map(String.init)
    }

    /// The configuration as the JSON `percept.config` holds.
    public func configurationJSON() throws -> String { try configuration.jsonString() }

    /// A weights file of `stateDict` for this model.
    public func weightsFile(_ stateDict: [String: Tensor]) throws -> ModelFile {
        ModelFile(stateDict: stateDict, architecture: name, configuration: try configurationJSON(), metadata: metadata)
    }
}
