import ArgumentParser
import Foundation
import Percept

/// What `detect train` and `detect val` share: reading a split of `--data` with its warnings,
/// building or loading the detector for the data's classes, and starting `yolov8_resnet18`'s
/// backbone from a classifier's weights.
enum DetectCLI {
    /// Split `split` of the YOLO `data.yaml` or COCO folder `data`, read for `imageSize` inputs;
    /// images left out (unreadable headers, missing files) are printed as warnings, and a bad
    /// label line is an error as `FILE:LINE: error: …`.
    static func split(_ data: String, _ split: String, imageSize: Int) throws -> DetectionDataset {
        let dataset: DetectionDataset
        do {
            dataset = try DetectionDataset(data: URL(fileURLWithPath: data), split: split, imageSize: imageSize)
        } catch DataError.malformed(let file, let place, let detail) where place.hasPrefix("line ") {
            throw ClassifyInputError(description: "\(file):\(place.dropFirst("line ".count)): error: \(detail)")
        }
        for warning in dataset.warnings { ClassifyCLI.printError("\(warning)") }
        return dataset
    }

    /// The detector to train for `classNames`: a registry name of task `detect` built for them
    /// (with `options`), or weights (an Ultralytics `.pt` or Percept's safetensors) whose head is
    /// replaced, with a notice, when they know another number of classes — an error under `strict`.
    static func model(_ spec: String, weights: String?, classNames: [String], imageSize: Int, options: [String: Double], strict: Bool,
                      notice: (String) -> Void) throws -> (any ZooModel, ModelDescription) {
        let file = weights ?? spec
        guard FileManager.default.fileExists(atPath: file) else {
            let entry = try detectionEntry(spec)
            let configuration = ModelConfiguration(numClasses: classNames.count, inputChannels: 3, imageSize: imageSize,
                                                   options: entry.defaultConfiguration.options.merging(options) { $1 })
            return (try entry.build(configuration), ModelDescription(name: entry.name, configuration: configuration, classNames: classNames))
        }
        let trained = try TrainedModel.load(file)
        let name = trained.description.name
        if weights != nil, name != spec {
            throw ClassifyInputError(description: "\(file): error: the weights are of \(name), not of --model \(spec)")
        }
        guard (try? ModelRegistry.entry(name))?.task == .detect else {
            throw ClassifyInputError(description: "\(file): error: the weights are of \(name), not a detection model (percept models --task detect lists them)")
        }
        var configuration = trained.description.configuration
        configuration.imageSize = imageSize
        let description = ModelDescription(name: name, configuration: configuration, classNames: classNames)
        let loaded = trained.description.classNames
        guard loaded.count != classNames.count else {
            trained.model.train(true)
            return (trained.model, description)
        }
        let mismatch = "the weights know \(loaded.count) classes (\(loaded.prefix(5).joined(separator: ", "))\(loaded.count > 5 ? ", …" : "")); the data has \(classNames.count)"
        if strict { throw ClassifyInputError(description: "\(file): error: \(mismatch) (--strict refuses a new head)") }
        configuration.numClasses = classNames.count
        let fresh = try ModelRegistry.build(name, configuration: configuration)
        let old = trained.model.stateDict()
        var merged = fresh.stateDict()
        let replaced = merged.filter { old[$0.key]?.shape != $0.value.shape }.count
        for (key, tensor) in old where merged[key]?.shape == tensor.shape { merged[key] = tensor }
        try fresh.load(merged, strict: true, source: file)
        notice("\(file): notice: \(mismatch): the head's \(replaced) class tensors start fresh")
        return (fresh, ModelDescription(name: name, configuration: configuration, classNames: classNames))
    }

    /// The registry entry of a detection model named `name`; another task or an unknown name is a usage error.
    static func detectionEntry(_ name: String) throws -> ModelEntry {
        let entry: ModelEntry
        do {
            entry = try ModelRegistry.entry(name)
        } catch ModelRegistryError.unknownModel(let name, let closeMatches) {
            throw ValidationError("--model: unknown model or missing file \"\(name)\"" + (closeMatches.isEmpty ? "" : "; did you mean \(closeMatches.joined(separator: ", "))?"))
        }
        let detectors = ModelRegistry.entries.filter { $0.task == .detect }.map(\.name).joined(separator: ", ")
        guard entry.task == .detect else { throw ValidationError("--model \(name) is a \(entry.task.rawValue) model; detection needs one of: \(detectors)") }
        return entry
    }

    /// Starts the backbone of a new `model` (`yolov8_resnet18`, named `name`) from `file`
    /// (`--backbone-weights`: a resnet18 classifier's Percept safetensors, or a torchvision `.pth`);
    /// the reader's notices and what was loaded go to `notice`. A model without such a backbone,
    /// or one started from weights (`fromWeights`), is a usage error; another architecture, a
    /// missing or an extra tensor is an error naming the file.
    static func startBackbone(from file: String, of model: any ZooModel, name: String, fromWeights: Bool, notice: (String) -> Void) throws {
        guard BackboneWeights.accepts(model) else {
            throw ValidationError("--backbone-weights goes with --model yolov8_resnet18 (a resnet18 classifier's weights start its backbone); \(name) has no such backbone")
        }
        guard !fromWeights else {
            throw ValidationError("--backbone-weights starts a new yolov8_resnet18; weights given by --model or --weights already hold its backbone")
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw ClassifyInputError(description: "\(file): error: --backbone-weights: no such file")
        }
        let weights = try PretrainedWeights.read(file)
        let loaded = try BackboneWeights.load(weights, into: model)
        for line in weights.notices { notice("\(file): notice: \(line)") }
        notice("\(file): notice: its \(loaded.count) resnet18 tensors (fc.* left out) start the backbone of \(name)")
    }
}
