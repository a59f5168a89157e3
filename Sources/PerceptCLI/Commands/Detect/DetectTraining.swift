import Foundation
import Percept

/// One `detect train` run set up from resolved arguments: both splits read, the learning rate
/// settled, the detector built (or loaded), the augmented loader, the run folder and the trainer.
/// The command and `percept bench train`'s `yolov8n-mosaic-epoch` share it, so they time and
/// test the same code path.
struct DetectTraining {
    /// The settings of the run (with the automatic learning rate filled in).
    let arguments: TrainingArguments
    /// The training and validation splits, as read.
    let train: DetectionDataset, validation: DetectionDataset
    /// The model's name, configuration and class names.
    let description: ModelDescription
    /// The run folder (`runs/detect/train…`, or the resumed one).
    let run: RunFolder
    /// The trainer, resumed when `resumed` was given; it has no callbacks yet.
    let trainer: Trainer
    /// The augmented loader the trainer draws from.
    let training: DataLoader

    /// Reads the data and builds everything before any training, so bad input stops here. A new
    /// run without a learning rate of its own (`automaticRate`) gets Ultralytics' automatic one
    /// for the data's class count, and a fresh run folder with its `args.yaml`.
    init(_ arguments: TrainingArguments, resumed: RunFolder?, automaticRate: Bool, notice: (String) -> Void) throws {
        var arguments = arguments
        let detect = try DetectTrainSettings(arguments)
        try Self.checkShared(arguments)
        let side = arguments.imageSize ?? 640
        train = try DetectCLI.split(arguments.data, "train", imageSize: side)
        validation = try DetectCLI.split(arguments.data, "val", imageSize: side)
        if resumed == nil, automaticRate {
            var values = arguments.values
            values["lr"] = String(DetectTrainSettings.automaticLearningRate(classes: train.classNames.count))
            arguments = try TrainingArguments(values: values, source: arguments.source, command: DetectTrainSettings.keys)
        }
        self.arguments = arguments
        Tensor.manualSeed(arguments.seed)
        let (model, description) = try DetectCLI.model(arguments.model, weights: arguments.weights, classNames: train.classNames, imageSize: side,
                                                       options: arguments.modelOptions, strict: detect.strict, notice: notice)
        self.description = description
        // A resumed run's checkpoint holds the backbone; the classifier's file is read only to start one.
        if let file = detect.backboneWeights, resumed == nil {
            try DetectCLI.startBackbone(from: file, of: model, name: description.name,
                                        fromWeights: arguments.weights != nil || FileManager.default.fileExists(atPath: arguments.model), notice: notice)
        }
        let task = try DetectionTask.make(for: model, classNames: train.classNames)
        // A freeze spec that does not fit the model stops here, before a run folder exists.
        try arguments.freezing?.check(model)
        let augmented = try AugmentedDetectionDataset(train, augmentation: detect.augmentation(imageSize: side), seed: arguments.seed,
                                                      closeMosaic: detect.closeMosaic)
        training = try DataLoader(augmented, batchSize: arguments.batch, seed: arguments.seed, workers: arguments.workers,
                                  name: arguments.data, collation: .detection)
        let validating = try DataLoader(validation, batchSize: 2 * arguments.batch, sampler: .sequential, workers: arguments.workers,
                                        name: arguments.data, collation: .detection)
        run = try resumed ?? RunFolder.create(project: arguments.project, task: "detect", name: arguments.name)
        if resumed == nil { try RunFolder.write(arguments.yaml, to: run.argumentsFile) }
        trainer = try Trainer(model: model, description: description, task: task, training: training, validation: validating,
                              settings: detect.trainerSettings(arguments), weightsFolder: run.weightsFolder)
        if resumed != nil { try trainer.resume(from: run.lastWeights) }
    }

    /// Refuses the shared options detection does not use, and an input size the strides do not divide.
    static func checkShared(_ arguments: TrainingArguments) throws {
        let unused = [("augment", "the augmentation is set by --mosaic, --degrees, --translate, --scale, --hsv-h/s/v and --fliplr"),
                      ("classes", "every class of the dataset is trained"), ("per_class", "every image of the split is trained")]
        for (key, reason) in unused where arguments.values[key] != nil {
            throw arguments.invalid(key, expected: "nothing for detect train (\(reason))")
        }
        if arguments.values["normalize"] != "none" { throw arguments.invalid("normalize", expected: "none (detectors take pixels in 0...1)") }
        if let side = arguments.imageSize, side % 32 != 0 { throw arguments.invalid("imgsz", expected: "a multiple of 32 (the largest stride)") }
    }
}
