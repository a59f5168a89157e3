import ArgumentParser
import Foundation
import Percept

/// The `percept` command: thin subcommands over the Percept libraries.
@main
struct PerceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "percept",
        abstract: "Computer vision and 3D perception: datasets, augmentation, training, point clouds, labeling.",
        version: PerceptVersion.string,
        subcommands: [BenchCommand.self, DemoCommand.self, ImageCommand.self]
    )

    /// Runs the command; usage mistakes exit with 2 (the project's convention) instead of
    /// ArgumentParser's 64, after printing its usual message.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
