import ArgumentParser

/// `percept classify …`: train, validate and run image classifiers.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train, validate and run image classifiers (Fashion-MNIST, CIFAR, image folders).",
        subcommands: [ClassifyTrainCommand.self, ClassifyValCommand.self, ClassifyPredictCommand.self]
    )
}
