import ArgumentParser
import Foundation
import Percept

/// What the `segment` commands share: reading `--data`, building or loading the model for it,
/// and the class names a weights file carries.
enum SegmentCLI {
    /// Reads `--data` for a model of `channels` channels (nil: the data's own).
    static func data(_ folder: String, channels: Int?, imageSize: Int?, validationSplit: Double, seed: UInt64, ignoreIndex: Int) throws -> SegmentationData {
        let options = SegmentationDataOptions(validationFraction: validationSplit, seed: seed, channels: channels,
                                              imageSize: imageSize.map { ImageSize(width: $0, height: $0) }, ignoreIndex: ignoreIndex)
        return try SegmentationData.load(folder, options: options)
    }

    /// The model to train: a registry name built for the data (`binary`: one sigmoid output for
    /// two-class data), or a weights file whose classes and channels must match the data.
    static func model(_ spec: String, data: SegmentationData, imageSize: Int, binary: Bool, options: [String: Double]) throws -> (any ZooModel, ModelDescription) {
        let outputs = binary ? 1 : data.classNames.count
        if binary && data.classNames.count != 2 {
            throw ValidationError("--binary needs data with two classes (background and one more); \(data.train.items.first?.image ?? "the data") has \(data.classNames.count)")
        }
        guard FileManager.default.fileExists(atPath: spec) else {
            let configuration = ModelConfiguration(numClasses: outputs, inputChannels: data.train.channels, imageSize: imageSize, options: options)
            let entry: ModelEntry
            do {
                entry = try ModelRegistry.entry(spec)
            } catch ModelRegistryError.unknownModel(let name, let closeMatches) {
                throw ValidationError("--model: unknown model \"\(name)\"" + (closeMatches.isEmpty ? "" : "; did you mean \(closeMatches.joined(separator: ", "))?"))
            }
            guard entry.task == .segment else { throw ValidationError("--model \(spec) is a \(entry.task.rawValue) model; segmentation needs one of: \(segmentModels)") }
            let merged = ModelConfiguration(numClasses: outputs, inputChannels: data.train.channels, imageSize: imageSize,
                                            options: entry.defaultConfiguration.options.merging(configuration.options) { $1 })
            return (try entry.build(merged), ModelDescription(name: spec, configuration: merged, classNames: data.classNames))
        }
        let trained = try TrainedModel.load(spec)
        let configuration = trained.description.configuration
        guard configuration.numClasses == outputs, configuration.inputChannels == data.train.channels else {
            throw ClassifyInputError(description: "\(spec): error: the weights are a \(trained.description.name) with \(configuration.numClasses) outputs and \(configuration.inputChannels) input channels; the data needs \(outputs) outputs and has \(data.train.channels) channels")
        }
        trained.model.train(true)
        return (trained.model, ModelDescription(name: trained.description.name, configuration: configuration, classNames: data.classNames))
    }

    /// The registered segmentation models, comma-separated.
    static var segmentModels: String { ModelRegistry.entries.filter { $0.task == .segment }.map(\.name).joined(separator: ", ") }
}
