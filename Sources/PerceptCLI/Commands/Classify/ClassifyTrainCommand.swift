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
        Ctrl-C finishes the current step, writes weights/last.safetensors and exits with status 130
        ("interrupted"); --resume continues from there. Exit 1 for bad data, 2 for bad usage.
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
        let session = try ClassifyTraining(arguments, resumed: resumed, notice: ClassifyCLI.printError)
        let (trainer, run, data, description) = (session.trainer, session.run, session.data, session.description)
        trainer.callbacks = [TrainingConsole(json: json), RunLog(folder: run, metricNames: trainer.task.metricNames)]
        ClassifyCLI.printError("\(resumed == nil ? "training" : "resuming") \(description.name) on \(data.train.count) images (\(data.validation.count) for validation), \(data.classNames.count) classes, into \(run.path)")
        let counts = trainer.model.parameterCounts
        ClassifyCLI.printError("parameters: \(ClassifyCLI.grouped(counts.total)) total, \(ClassifyCLI.grouped(counts.trainable)) trainable, \(ClassifyCLI.grouped(counts.frozen)) frozen")
        let handler = InterruptHandler(stopping: trainer.stopFlag)
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run()
        } catch let error as TrainingError {
            ClassifyCLI.fail("\(run.path): \(error)")
        }
        withExtendedLifetime(handler) {}
        report(outcome, trainer: trainer, run: run)
        // The shell's code for a run ended by Ctrl-C, so scripts can tell it from a finished run.
        if case .interrupted = outcome { throw ExitCode(ClassifyTrainCommand.interruptedStatus) }
    }

    /// The exit status of a run stopped by Ctrl-C after writing `last` (128 + SIGINT, as shells report).
    static let interruptedStatus: Int32 = 130

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
