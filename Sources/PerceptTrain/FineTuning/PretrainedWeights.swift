import Foundation
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// Weights to start from, whatever wrote them: a safetensors file (Percept's, or exported from
/// PyTorch) or a `torch.save` file (`.pt`/`.pth`, read by ``TorchFile`` without running anything).
///
/// ```swift
/// let weights = try PretrainedWeights.read("resnet18-f37072fd.pth")
/// let replaced = try weights.load(into: model, name: "resnet18", configuration: configuration)
/// ```
public struct PretrainedWeights {
    /// The file read.
    public let path: String
    /// The tensors by name.
    public let stateDict: [String: Tensor]
    /// The safetensors metadata (`percept.arch`, `percept.config`, class names); empty for PyTorch files.
    public let metadata: [String: String]
    /// What the reader noticed (the checkpoint entry used, a removed `module.` prefix).
    public let notices: [String]

    /// Reads `path`, choosing the format from its first bytes.
    public static func read(_ path: String) throws -> PretrainedWeights {
        guard TorchFile.isTorchFile(path) else {
            let file = try ModelFile.read(from: path)
            return PretrainedWeights(path: path, stateDict: file.stateDict, metadata: file.metadata, notices: [])
        }
        let weights = try TorchFile.read(path: path)
        return PretrainedWeights(path: path, stateDict: try weights.stateDict(), metadata: [:], notices: weights.notices)
    }

    /// The architecture the file names in its metadata, or else the one registered model whose
    /// state-dict keys are exactly the file's; nil when neither.
    public func architecture() -> String? {
        if let name = metadata[ModelFile.architectureKey] { return name }
        let keys = Set(stateDict.keys)
        let matches = ModelRegistry.entries.filter { entry in
            var configuration = entry.defaultConfiguration
            configuration.inputChannels = inputChannels ?? configuration.inputChannels
            // Names depend neither on the input size nor on the values: a small input and
            // shape-only parameters build every model of the zoo in milliseconds.
            configuration.imageSize = min(configuration.imageSize, 32)
            guard let model = try? ShapeOnlyInitialization.measuring({ try entry.build(configuration) }) else { return false }
            return Set(model.stateDict().keys) == keys
        }
        return matches.count == 1 ? matches[0].name : nil
    }

    /// The input channels of the first 4-D tensor (a convolution's `[out, in, kH, kW]`), if any.
    var inputChannels: Int? {
        stateDict.keys.sorted().lazy.compactMap { self.stateDict[$0] }.first { $0.shape.count == 4 }?.shape[1]
    }

    /// The configuration to rebuild architecture `name` with: the file's own when it has one,
    /// else the registry's default with the class count and input channels the tensors show.
    public func configuration(for name: String) throws -> ModelConfiguration {
        if let json = metadata[ModelFile.configurationKey] { return try ModelConfiguration.parse(json: json) }
        let entry = try ModelRegistry.entry(name)
        var configuration = entry.defaultConfiguration
        configuration.inputChannels = inputChannels ?? configuration.inputChannels
        let heads = try Self.headNames(entry: entry, configuration: configuration)
        if let classes = heads.sorted().compactMap({ stateDict[$0]?.shape.first }).first { configuration.numClasses = classes }
        return configuration
    }

    /// Loads the tensors into `model` (architecture `name`, built with `configuration`) strictly,
    /// except the head: tensors whose shape depends on the class count and differs from the
    /// model's keep the model's fresh initialisation. Returns the names of those replaced tensors.
    @discardableResult
    public func load(into model: any ZooModel, name: String, configuration: ModelConfiguration) throws -> [String] {
        let heads = try Self.headNames(entry: ModelRegistry.entry(name), configuration: configuration)
        let own = model.stateDict()
        var merged = stateDict
        var replaced: [String] = []
        for key in heads.sorted() {
            guard let loaded = stateDict[key], let fresh = own[key], loaded.shape != fresh.shape else { continue }
            merged[key] = fresh
            replaced.append(key)
        }
        try model.load(merged, strict: true, source: path)
        return replaced
    }

    /// The state-dict keys of `entry` whose shape changes with the class count: the head.
    static func headNames(entry: ModelEntry, configuration: ModelConfiguration) throws -> Set<String> {
        var other = configuration
        other.numClasses = configuration.numClasses + 1
        let shapes = try entry.build(configuration).stateDict().mapValues(\.shape)
        let otherShapes = try entry.build(other).stateDict().mapValues(\.shape)
        return Set(shapes.keys.filter { shapes[$0] != otherShapes[$0] })
    }
}
