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
        subcommands: [AnnotateCommand.self, BenchCommand.self, ExportCommand.self, ClassifyCommand.self, CloudCommand.self, DatasetCommand.self, DemoCommand.self, EvalCommand.self,
                      ImageCommand.self, WeightsCommand.self, ValidateCommand.self, ConvertCommand.self,
                      AugmentCommand.self, PreviewCommand.self, SplitCommand.self, StatsCommand.self,
                      ModelsCommand.self, SegmentCommand.self, DetectCommand.self,
                      AutoencoderCommand.self,
                      SummaryCommand.self, TuneCommand.self,
                      ServeCommand.self]
    )

    /// Runs the command with the project's exit codes: 0 fine, 1 errors in the data, 2 usage
    /// (ArgumentParser's own code for usage errors is 64), after printing its usual message.
    static func main() {
        ExitDiagnostics.installIfRequested()
        // Augmentation, conversion and evaluation allocate and free images one after another.
        ImageMemory.keepFreedBuffers()
        do {
            var command = try parseAsRoot()
            try command.run()
            try DistributedJob.finish()
        } catch {
            DistributedJob.abortIfShared(error, message: fullMessage(for: error), code: exitCode(for: error).rawValue)
            if exitCode(for: error) == .validationFailure {
                let message = UnknownOptionAdvice.rewrite(fullMessage(for: error), arguments: Array(CommandLine.arguments.dropFirst()))
                FileHandle.standardError.write(Data((message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
