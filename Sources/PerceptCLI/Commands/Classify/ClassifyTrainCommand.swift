import ArgumentParser
import Foundation
import Percept

/// `percept classify train`: trains a classifier of the zoo into a run folder
/// (`runs/classify/train…`), with the training options every task shares.
struct ClassifyTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an image classifier; writes runs/classify/<name>/ (args.yaml, results.csv, plots, weights).",
        discussion: """
        Examples:
          percept classify train --model fashion_cnn --data fashion-mnist --epochs 5
          percept classify train --model resnet18 --data photos/ --imgsz 64 --val-split 0.2
          percept classify train --resume runs/classify/train
        Ctrl-C finishes the current step and writes weights/last.safetensors; --resume continues.
        """
    )

    @OptionGroup var options: TrainingOptions

    @Flag(help: "Print one JSON object per epoch on standard output instead of a summary line.")
    var json = false

    func run() throws {
        try ClassifyCLI.reportingErrors(train)
    }

    private func train() throws {
        let (arguments, resumed) = try resolveArguments()
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
        let run = try resumed ?? RunFolder.create(project: arguments.project, task: "classify", name: arguments.name)
        if resumed == nil { try RunFolder.write(arguments.yaml, to: run.argumentsFile) }

        let trainer = try Trainer(model: model, description: description, task: ClassificationTask(classes: data.classNames.count),
                                  training: training, validation: validation, settings: arguments.settings, weightsFolder: run.weightsFolder)
        if resumed != nil { try trainer.resume(from: run.lastWeights) }
        trainer.callbacks = [TrainingConsole(json: json), RunLog(folder: run, metricNames: trainer.task.metricNames)]
        ClassifyCLI.printError("\(resumed == nil ? "training" : "resuming") \(description.name) on \(data.train.count) images (\(data.validation.count) for validation), \(data.classNames.count) classes, into \(run.path)")
        report(try trainer.runInterruptibly(run: run), trainer: trainer, run: run)
    }

    /// The run's arguments: from the flags (and `--cfg`), or from the resumed run's `args.yaml`,
    /// where any flag that differs from it is an error listing the differences.
    private func resolveArguments() throws -> (TrainingArguments, RunFolder?) {
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

    private func report(_ outcome: TrainingOutcome, trainer: Trainer, run: RunFolder) {
        let best = "best epoch \(trainer.progress.bestEpoch): " + (trainer.progress.bestEpoch > 0 ? String(format: "fitness %.4f", trainer.progress.bestFitness) : "none")
        switch outcome {
        case .completed:
            ClassifyCLI.printError("done: \(trainer.progress.epoch) epochs; \(best); weights in \(run.weightsFolder)")
        case .stoppedEarly(let bestEpoch):
            ClassifyCLI.printError("stopped early: no improvement for \(trainer.settings.patience ?? 0) epochs; best epoch \(bestEpoch); weights in \(run.weightsFolder)")
        case .interrupted(let step):
            ClassifyCLI.printError("\(run.lastWeights): warning: interrupted after step \(step); continue with: percept classify train --resume \(run.path)")
        }
    }
}
