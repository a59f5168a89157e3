import ArgumentParser
import Percept

/// The `percept` command: thin subcommands over the Percept libraries.
@main
struct PerceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "percept",
        abstract: "Computer vision and 3D perception: datasets, augmentation, training, point clouds, labeling.",
        version: PerceptVersion.string,
        subcommands: [BenchCommand.self, CloudCommand.self, DemoCommand.self]
    )
}
