import ArgumentParser

/// `percept dataset …`: datasets the project makes itself.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Make synthetic datasets (segmentation shapes, detection scenes, …) to train and test models on.",
        subcommands: [SynthShapesCommand.self, SynthDetectCommand.self]
    )
}
