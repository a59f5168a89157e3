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
        let prepared = try TrainingRun.prepare(options, task: "classify")
        let trainer = try Trainer(model: prepared.model, description: prepared.description,
                                  task: ClassificationTask(classes: prepared.data.classNames.count), training: prepared.training,
                                  validation: prepared.validation, settings: prepared.arguments.settings, weightsFolder: prepared.run.weightsFolder)
        trainer.callbacks = [TrainingConsole(json: json), RunLog(folder: prepared.run, metricNames: trainer.task.metricNames)]
        try TrainingRun.execute(trainer, prepared, command: "classify")
    }
}
