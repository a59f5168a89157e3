import ArgumentParser
import Foundation
import Percept

/// What every `… train` command does around its trainer: resolving the arguments (or those of
/// the resumed run), and reporting how the run ended.
enum TrainingRun {
    /// Everything a trainer needs that does not depend on the task: the data (as `classify`
    /// reads `--data`), the model built or loaded for it, the loaders and the run folder.
    struct Prepared {
        let arguments: TrainingArguments
        let data: ClassificationData
        let model: any ZooModel
        let description: ModelDescription
        let training: DataLoader
        let validation: DataLoader
        let run: RunFolder
        let isResumed: Bool
    }

    /// Resolves the options, reads the data, builds (or loads) and checks the model, makes the
    /// loaders and creates (or reopens, with `--resume`) the run folder `<project>/<task>/<name>`.
    static func prepare(_ options: TrainingOptions, task: String) throws -> Prepared {
        let (arguments, resumed) = try resolveArguments(options)
        Tensor.manualSeed(arguments.seed)
        let data = try ClassifyData.load(arguments.data, imageSize: arguments.imageSize, validationSplit: arguments.validationSplit,
                                         seed: arguments.seed, skipBad: arguments.skipBad)
        for warning in data.warnings { ClassifyCLI.printError("\(warning.file): warning: \(warning.message)") }
        let (model, description) = try ClassifyCLI.model(arguments.model, data: data, imageSize: arguments.imageSize ?? ClassifyData.side(data))
        try ClassifyCLI.checkInputSize(model, description: description, file: arguments.model)

        let resize = ClassifyData.resizing(data, to: description.configuration.imageSize)
        let training = try DataLoader(data.train, batchSize: arguments.batch, seed: arguments.seed, workers: arguments.workers,
                                      name: arguments.data, transform: try ClassifyData.transform(augment: arguments.augment, resize: resize))
        if training.isBatchClamped {
            ClassifyCLI.printError("\(arguments.data): notice: --batch \(arguments.batch) is larger than the \(data.train.count) training examples; training with one batch of \(training.batchSize)")
        }
        let validation = try DataLoader(data.validation, batchSize: max(arguments.batch, 256), sampler: .sequential, workers: arguments.workers,
                                        name: arguments.data, transform: resize)
        let run = try resumed ?? RunFolder.create(project: arguments.project, task: task, name: arguments.name)
        if resumed == nil { try RunFolder.write(arguments.yaml, to: run.argumentsFile) }
        return Prepared(arguments: arguments, data: data, model: model, description: description, training: training,
                        validation: validation, run: run, isResumed: resumed != nil)
    }

    /// Resumes the trainer when the run is resumed, announces the run, trains with Ctrl-C
    /// stopping after the current step, and reports the outcome; `command` is the group (`classify`).
    static func execute(_ trainer: Trainer, _ prepared: Prepared, command: String) throws {
        if prepared.isResumed { try trainer.resume(from: prepared.run.lastWeights) }
        let data = prepared.data
        ClassifyCLI.printError("\(prepared.isResumed ? "resuming" : "training") \(prepared.description.name) on \(data.train.count) images (\(data.validation.count) for validation), \(data.classNames.count) classes, into \(prepared.run.path)")
        let handler = InterruptHandler(stopping: trainer.stopFlag)
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run()
        } catch let error as TrainingError {
            ClassifyCLI.fail("\(prepared.run.path): \(error)")
        }
        withExtendedLifetime(handler) {}
        report(outcome, trainer: trainer, run: prepared.run, command: command)
    }

    /// The run's arguments: from the flags (and `--cfg`), or from the resumed run's `args.yaml`,
    /// where any flag that differs from it is an error listing the differences.
    private static func resolveArguments(_ options: TrainingOptions) throws -> (TrainingArguments, RunFolder?) {
        guard let resume = options.resume else { return (try TrainingArguments(options), nil) }
        let run = try RunFolder.resuming(resume)
        let saved = try TrainingArguments.readFile(run.argumentsFile)
        var given = try options.cfg.map(TrainingArguments.readFile) ?? [:]
        for (key, value) in options.given { given[key] = value }
        let differences = TrainingArguments.differences(saved: saved, given: given)
        guard differences.isEmpty else {
            throw ArgumentsFileError(file: run.argumentsFile, message: "--resume continues the run as it was set up; these arguments differ from it:\n  "
                                     + differences.joined(separator: "\n  "))
        }
        return (try TrainingArguments(values: saved, source: run.argumentsFile), run)
    }

    /// Prints how the run ended on standard error; `command` is the group (`classify`) for the resume hint.
    private static func report(_ outcome: TrainingOutcome, trainer: Trainer, run: RunFolder, command: String) {
        let best = "best epoch \(trainer.progress.bestEpoch): " + (trainer.progress.bestEpoch > 0 ? String(format: "fitness %.4f", trainer.progress.bestFitness) : "none")
        switch outcome {
        case .completed:
            ClassifyCLI.printError("done: \(trainer.progress.epoch) epochs; \(best); weights in \(run.weightsFolder)")
        case .stoppedEarly(let bestEpoch):
            ClassifyCLI.printError("stopped early: no improvement for \(trainer.settings.patience ?? 0) epochs; best epoch \(bestEpoch); weights in \(run.weightsFolder)")
        case .interrupted(let step):
            ClassifyCLI.printError("\(run.lastWeights): warning: interrupted after step \(step); continue with: percept \(command) train --resume \(run.path)")
        }
    }
}
