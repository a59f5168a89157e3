import ArgumentParser
import Foundation
import Percept

extension PointCloudTask.Kind: ExpressibleByArgument {}
extension ClassWeighting: ExpressibleByArgument {}

/// `percept cloud train`: trains a PointNet (classification or per-point segmentation) into a
/// run folder (`runs/cloud-classify/…`, `runs/cloud-segment/…`) with the shared training options.
struct CloudTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a PointNet on point clouds: classify whole clouds or label every point of LiDAR scans.",
        discussion: """
        Classification data: class folders, ModelNet's <class>/{train,test}/*.off (meshes are sampled by area) or
        {train,test}/<class>/*; `percept cloud synth-shapes` makes such a folder.
        Segmentation data: SemanticKITTI's sequences/<nn>/velodyne/*.bin + labels/*.label (with --label-map or a
        semantic-kitti.yaml in the folder; `percept cloud simulate` writes this layout), or labelled .pcd/.ply files.
        Examples:
          percept cloud synth-shapes shapes && percept cloud train --task classify --model pointnet_cls --data shapes
          percept cloud simulate sim --frames 25 && percept cloud train --task segment --model pointnet_seg_s --data sim --features intensity
        The loss adds 0.001·‖I − AAᵀ‖²_F of the feature transform. The run's args.yaml keeps the cloud options too:
        --resume continues a run with them and refuses changed ones (a --cfg file may set them, keys as in args.yaml).
        """
    )

    @OptionGroup var options: TrainingOptions

    @Option(help: "classify (one class per cloud) or segment (one class per point); required unless resuming.")
    var task: PointCloudTask.Kind?

    @Option(help: "Points per input (default 1024 for classify, 4096 for segment).")
    var points: String?

    @Option(help: "Extra per-point fields after x,y,z: intensity, rgb, normal, comma-separated (default none).")
    var features: String?

    @Option(name: .customLong("label-map"), help: "SemanticKITTI label-map YAML (learning_map, learning_ignore, learning_map_inv).")
    var labelMap: String?

    @Option(help: "Validation scans for segmentation (default: the last --val-split share of --data's scans).")
    var val: String?

    @Option(help: "The side of a segmentation tile in metres (default 10).")
    var tile: String?

    @Option(name: .customLong("tiles-per-scan"), help: "Tiles drawn from each scan per epoch (default 16).")
    var tilesPerScan: String?

    @Option(name: .customLong("class-weights"), help: "Segmentation loss weights per class: auto (1/√share of the training points), inverse (1/share) or none (default auto).")
    var classWeights: ClassWeighting?

    @Flag(help: "Print one JSON object per epoch on standard output instead of a summary line.")
    var json = false

    /// The cloud options given on the command line, keyed as in `args.yaml`.
    var cloudArguments: CommandArguments {
        let pairs: [(String, String?)] = [
            ("task", task?.rawValue), ("points", points), ("features", features), ("label_map", labelMap), ("val", val),
            ("tile", tile), ("tiles_per_scan", tilesPerScan), ("class_weights", classWeights?.rawValue),
        ]
        return CommandArguments(keys: CloudTrainSettings.keys,
                                given: Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } }))
    }

    func run() throws {
        try ClassifyCLI.reportingErrors(train)
    }

    private func train() throws {
        let (arguments, resumed) = try TrainingArguments.resolve(options, command: cloudArguments)
        let cloud = try CloudTrainSettings(arguments)
        let task = cloud.task, pointFeatures = cloud.features, inputPoints = cloud.points, tile = cloud.tile
        Tensor.manualSeed(arguments.seed)
        let tiles = ScanTiles(points: inputPoints, size: tile, overlap: tile / 5)
        let data = task == .classify
            ? try CloudLearningData.classification(data: arguments.data, features: pointFeatures, points: inputPoints, batch: arguments.batch,
                                                   seed: arguments.seed, workers: arguments.workers)
            : try CloudLearningData.segmentation(data: arguments.data, validationData: cloud.validation, labelMapFile: cloud.labelMap, features: pointFeatures,
                                                 tiles: tiles, examplesPerScan: cloud.tilesPerScan, validationShare: arguments.validationSplit,
                                                 classWeights: cloud.classWeights, batch: arguments.batch, seed: arguments.seed, workers: arguments.workers)
        let configuration = ModelConfiguration(numClasses: data.classNames.count, inputChannels: pointFeatures.channels, imageSize: inputPoints,
                                               options: arguments.modelOptions)
        let model = try CloudModels.build(arguments.model, configuration: configuration, task: task)
        var description = ModelDescription(name: arguments.model, configuration: configuration, classNames: data.classNames)
        let info = PointCloudModelInfo(task: task, features: pointFeatures, points: inputPoints, tileSize: tile, labelMap: data.labelMap)
        description.metadata[ModelDescription.pointCloudKey] = try info.jsonString()

        let run = try resumed ?? RunFolder.create(project: arguments.project, task: "cloud-" + task.rawValue, name: arguments.name)
        if resumed == nil { try RunFolder.write(arguments.yaml, to: run.argumentsFile) }
        let pointTask = PointCloudTask(kind: task, classes: data.classNames.count, classWeights: data.classWeights,
                                       ignoreIndex: LabelledScan.ignored)
        let trainer = try Trainer(model: model, description: description, task: pointTask, training: data.training, validation: data.validation,
                                  settings: arguments.settings, weightsFolder: run.weightsFolder)
        if resumed != nil { try trainer.resume(from: run.lastWeights) }
        try TrainingConsole.train(trainer, run: run, resuming: resumed != nil, json: json, command: "cloud",
                                  what: "\(arguments.model) (\(task.rawValue), \(pointFeatures) × \(inputPoints) points) on \(data.trainingCount) examples (\(data.validationCount) for validation), \(data.classNames.count) classes")
    }
}

/// Building and loading the PointNets of the cloud commands.
enum CloudModels {
    /// A fresh registry model for `task` (`pointnet_cls…` classify, `pointnet_seg…` segment);
    /// a model of the other kind or of another family is a usage error.
    static func build(_ name: String, configuration: ModelConfiguration, task: PointCloudTask.Kind) throws -> any ZooModel {
        let entry: ModelEntry
        do {
            entry = try ModelRegistry.entry(name)
        } catch let error as ModelRegistryError {
            throw ValidationError("--model: \(error)")
        }
        guard entry.task == .pointcloud else { throw ValidationError("--model \(name) is not a point-cloud model; use pointnet_cls, pointnet_cls_s, pointnet_seg or pointnet_seg_s") }
        let model = try entry.build(configuration)
        guard (model is PointNetClassifier) == (task == .classify) else {
            throw ValidationError("--model \(name) does not \(task.rawValue); use \(task == .classify ? "pointnet_cls or pointnet_cls_s" : "pointnet_seg or pointnet_seg_s")")
        }
        return model
    }

    /// A trained point-cloud model and its data settings.
    static func load(_ weights: String) throws -> (trained: TrainedModel, info: PointCloudModelInfo) {
        let trained = try TrainedModel.load(weights)
        return (trained, try PointCloudModelInfo.read(trained.description, file: weights))
    }
}
