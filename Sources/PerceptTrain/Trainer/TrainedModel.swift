import Foundation
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// A model rebuilt from a file alone: plain weights (`best.safetensors`, `percept … --weights`)
/// or a training checkpoint (`last.safetensors`), whose model part is used.
///
/// ```swift
/// let trained = try TrainedModel.load("runs/classify/train/weights/best.safetensors")
/// trained.description.classNames
/// ```
public struct TrainedModel {
    /// The model, in eval mode.
    public var model: any ZooModel
    /// Its registry name, configuration and metadata.
    public var description: ModelDescription
    /// The normalisation its inputs had in training (from the metadata), or nil for none.
    public var normalization: ChannelNormalization?

    /// A trained model; `file` names the weights in an error about a damaged normalisation entry.
    public init(model: any ZooModel, description: ModelDescription, file: String) throws {
        self.model = model
        self.description = description
        normalization = try description.normalization(file: file)
    }

    /// Reads `path`; errors name the file (unknown architecture, bad configuration, weights that
    /// do not fit). A safetensors file naming no architecture whose tensors are a YOLOv8's
    /// (Ultralytics weights saved as safetensors) is recognised by ``YOLOv8Recognition``.
    public static func load(_ path: String) throws -> TrainedModel {
        if TorchFile.isTorchFile(path) { return try loadTorch(path) }
        let (tensors, metadata) = try Tensor.loadSafetensors(from: path)
        guard metadata["percept.step"] != nil else {
            if metadata[ModelFile.architectureKey] == nil, let description = YOLOv8Recognition.description(of: tensors) {
                let model = try ModelRegistry.build(description.name, configuration: description.configuration)
                try model.load(tensors, strict: true, source: path)
                model.train(false)
                return try TrainedModel(model: model, description: description, file: path)
            }
            let loaded = try ModelRegistry.load(path)
            loaded.model.train(false)
            return try TrainedModel(model: loaded.model,
                                    description: ModelDescription(name: loaded.name, configuration: loaded.configuration, metadata: loaded.file.metadata),
                                    file: path)
        }
        guard let name = metadata[ModelFile.architectureKey] else {
            throw ModelFileError.missingMetadata(file: path, key: ModelFile.architectureKey)
        }
        guard let text = metadata[ModelFile.configurationKey] else {
            throw ModelFileError.missingMetadata(file: path, key: ModelFile.configurationKey)
        }
        let configuration: ModelConfiguration
        do {
            configuration = try ModelConfiguration.parse(json: text)
        } catch {
            throw ModelFileError.invalidMetadata(file: path, key: ModelFile.configurationKey, expected: "a model configuration", found: text)
        }
        let model = try ModelRegistry.build(name, configuration: configuration)
        var stateDict: [String: Tensor] = [:]
        for (key, value) in tensors where key.hasPrefix("model.") { stateDict[String(key.dropFirst(6))] = value }
        try model.load(stateDict, strict: true, source: path)
        model.train(false)
        return try TrainedModel(model: model, description: ModelDescription(name: name, configuration: configuration, metadata: metadata), file: path)
    }

    /// A PyTorch file: an Ultralytics checkpoint as its recorded `yaml` and `names` describe it
    /// (``UltralyticsCheckpoint``), else the architecture recognised from its tensor names, the
    /// configuration from their shapes; the tensors loaded strictly.
    private static func loadTorch(_ path: String) throws -> TrainedModel {
        if let checkpoint = try UltralyticsCheckpoint(TorchFile.read(path: path)) {
            let description = ModelDescription(name: checkpoint.architecture, configuration: checkpoint.configuration, classNames: checkpoint.classNames)
            return try TrainedModel(model: checkpoint.model(), description: description, file: path)
        }
        let weights = try PretrainedWeights.read(path)
        guard let name = weights.architecture() else {
            throw ModelFileError.missingMetadata(file: path, key: "\(ModelFile.architectureKey) (a PyTorch file whose tensors match no registered model; convert it with percept weights convert --arch NAME)")
        }
        let configuration = try weights.configuration(for: name)
        let model = try ModelRegistry.build(name, configuration: configuration)
        try model.load(weights.stateDict, strict: true, source: path)
        model.train(false)
        return try TrainedModel(model: model, description: ModelDescription(name: name, configuration: configuration), file: path)
    }
}
