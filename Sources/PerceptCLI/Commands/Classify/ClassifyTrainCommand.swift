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
        let (arguments, resumed) = try TrainingArguments.resolve(options)
        let session = try ClassifyTraining(arguments, resumed: resumed, notice: ClassifyCLI.printError)
        let data = session.data
        try TrainingConsole.train(session.trainer, run: session.run, resuming: resumed != nil, json: json, command: "classify",
                                  what: "\(session.description.name) on \(data.train.count) images (\(data.validation.count) for validation), \(data.classNames.count) classes")
    }
}
