import Foundation
import Percept

/// One `classify train` run set up from resolved arguments: the data read and checked, the
/// model built (or loaded) and checked against the input size, the normalisation, the loaders,
/// the run folder and the trainer. The command, `percept bench train` and programmatic callers
/// share it, and so does every trial of `percept tune`, so they time and test the same code path.
struct ClassifyTraining {
    /// The settings of the run.
    let arguments: TrainingArguments
    /// The data, as read.
    let data: ClassificationData
    /// The model's name, configuration, class names and normalisation.
    let description: ModelDescription
    /// The run folder (`runs/classify/train…`, or the resumed one).
    let run: RunFolder
    /// The trainer, resumed when `resumed` was given; it has no callbacks yet.
    let trainer: Trainer
    /// The loaders the trainer draws from.
    let training: DataLoader, validation: DataLoader

    /// Makes the task a model trains on, once the model is built and the run folder exists.
    typealias TaskMaker = (_ model: any ZooModel, _ run: RunFolder) throws -> any TrainingTask

    /// Reads the data `arguments` name, cut to its `--classes` and `--per-class` selection.
    static func loadData(_ arguments: TrainingArguments) throws -> ClassificationData {
        try ClassifyData.load(arguments.data, imageSize: arguments.imageSize, validationSplit: arguments.validationSplit,
                              seed: arguments.seed, skipBad: arguments.skipBad)
            .selecting(classes: arguments.classes, perClass: arguments.perClass)
    }

    /// Reads the data and builds everything before any training, so bad input stops here;
    /// `notice` receives the warnings of reading and the notice of a clamped batch. A new run
    /// gets a fresh run folder with its `args.yaml`; `resumed` continues from its `last` checkpoint.
    /// `task` names the run folder's task (`classify`, `autoencoder`); `makeTask` gives the
    /// training task (classification over the data's classes unless given).
    init(_ arguments: TrainingArguments, resumed: RunFolder?, task: String = "classify", notice: (String) -> Void,
         makeTask: TaskMaker? = nil) throws {
        ProcessMemory.boundForTraining()
        let data = try Self.loadData(arguments)
        for warning in data.warnings { notice("\(warning.file): warning: \(warning.message)") }
        try self.init(arguments, data: data, resume: resumed != nil, notice: notice, makeTask: makeTask) {
            let run = try resumed ?? RunFolder.create(project: arguments.project, task: task, name: arguments.name)
            if resumed == nil { try RunFolder.write(arguments.yaml, to: run.argumentsFile) }
            return run
        }
    }

    /// Builds the run of `arguments` on `data` already read (a search reads it once for many
    /// trials). `runFolder` is asked for the folder only once the model and its input size are
    /// known to be right, so a mistake leaves no folder behind; with `resume` the trainer
    /// continues from the folder's `weights/last.safetensors`. Seeds the calling thread's
    /// generator first, so a run draws the same weights on any thread.
    init(_ arguments: TrainingArguments, data: ClassificationData, resume: Bool, notice: (String) -> Void,
         makeTask: TaskMaker? = nil, runFolder: () throws -> RunFolder) throws {
        self.arguments = arguments
        self.data = data
        Tensor.manualSeed(arguments.seed)
        let normalization = try arguments.normalize.resolve(for: data, source: arguments.data)
        let augmentation = try ClassifyData.augmentation(arguments.augment)
        let augmentedSide = try augmentation.flatMap { try ClassifyData.outputSide(of: $0, data: data) }
        let (model, built, notes) = try ClassifyCLI.model(arguments.model, weights: arguments.weights, data: data,
                                                          imageSize: arguments.imageSize ?? augmentedSide ?? ClassifyData.side(data),
                                                          options: arguments.modelOptions)
        notes.forEach(notice)
        description = ModelDescription(name: built.name, configuration: built.configuration, classNames: data.classNames,
                                       normalization: normalization)
        try ClassifyCLI.checkInputSize(model, description: description, file: arguments.model)

        let resize = ClassifyData.resizing(data, to: description.configuration.imageSize)
        // A pipeline that itself makes the model's size (Resize 224 over larger images) gets the
        // images as read; any other is given them at the model's size first.
        let resizeFirst = augmentedSide == description.configuration.imageSize ? nil : resize
        var trainTransform = ClassifyData.transform(augmentation: augmentation, resize: resizeFirst), validationTransform = resize
        if let normalization {
            trainTransform = normalization.transform(after: trainTransform)
            validationTransform = normalization.transform(after: validationTransform)
        }
        training = try DataLoader(data.train, batchSize: arguments.batch, seed: arguments.seed, workers: arguments.workers,
                                      name: arguments.data, transform: trainTransform)
        if training.isBatchClamped {
            notice("\(arguments.data): notice: --batch \(arguments.batch) is larger than the \(data.train.count) training examples; training with one batch of \(training.batchSize)")
        }
        // Validation batches as large as training's (at least 64): larger ones would map their
        // activations afresh for every batch under the training allocator policy.
        validation = try DataLoader(data.validation, batchSize: max(arguments.batch, 64), sampler: .sequential, workers: arguments.workers,
                                        name: arguments.data, transform: validationTransform)
        run = try runFolder()
        let task = try makeTask?(model, run) ?? ClassificationTask(classes: data.classNames.count)
        trainer = try Trainer(model: model, description: description, task: task,
                              training: training, validation: validation, settings: arguments.settings, weightsFolder: run.weightsFolder)
        if resume { try trainer.resume(from: run.lastWeights) }
        try arguments.freezing?.apply(to: model, completedEpochs: trainer.progress.epoch)
    }
}
