import Foundation
import Percept

/// The classify training run as a function, shared by `percept classify train` and the trials
/// of `percept tune`: the model built for the data (with its family options), its input size
/// checked, the loaders, and a trainer writing into a run folder, resumed from its `last`
/// checkpoint when asked.
enum ClassifyTraining {
    /// A trainer ready to run, with its folder and the model's description.
    struct Session {
        let trainer: Trainer
        let run: RunFolder
        let description: ModelDescription
    }

    /// Reads the data `arguments` name.
    static func loadData(_ arguments: TrainingArguments) throws -> ClassificationData {
        try ClassifyData.load(arguments.data, imageSize: arguments.imageSize, validationSplit: arguments.validationSplit,
                              seed: arguments.seed, skipBad: arguments.skipBad)
    }

    /// Builds the session of `arguments` on `data`. `runFolder` is asked for the folder only
    /// once the model and its input size are known to be right, so a mistake leaves no folder
    /// behind; with `resume` the trainer continues from the folder's `weights/last.safetensors`.
    /// Seeds the calling thread's generator first, so a run draws the same weights on any thread.
    static func prepare(_ arguments: TrainingArguments, data: ClassificationData, resume: Bool,
                        notice: (String) -> Void, runFolder: () throws -> RunFolder) throws -> Session {
        Tensor.manualSeed(arguments.seed)
        let (model, description) = try ClassifyCLI.model(arguments.model, data: data, imageSize: arguments.imageSize ?? ClassifyData.side(data),
                                                         options: arguments.modelOptions)
        try ClassifyCLI.checkInputSize(model, description: description, file: arguments.model)

        let resize = ClassifyData.resizing(data, to: description.configuration.imageSize)
        let training = try DataLoader(data.train, batchSize: arguments.batch, seed: arguments.seed, workers: arguments.workers,
                                      name: arguments.data, transform: try ClassifyData.transform(augment: arguments.augment, resize: resize))
        if training.isBatchClamped {
            notice("\(arguments.data): notice: --batch \(arguments.batch) is larger than the \(data.train.count) training examples; training with one batch of \(training.batchSize)")
        }
        let validation = try DataLoader(data.validation, batchSize: max(arguments.batch, 256), sampler: .sequential, workers: arguments.workers,
                                        name: arguments.data, transform: resize)
        let run = try runFolder()
        let trainer = try Trainer(model: model, description: description, task: ClassificationTask(classes: data.classNames.count),
                                  training: training, validation: validation, settings: arguments.settings, weightsFolder: run.weightsFolder)
        if resume { try trainer.resume(from: run.lastWeights) }
        return Session(trainer: trainer, run: run, description: description)
    }
}
