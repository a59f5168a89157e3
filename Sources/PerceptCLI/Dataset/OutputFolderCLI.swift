import ArgumentParser
import Foundation
import Percept

/// The output-folder rule (`OutputFolder`) on the command line: refusals printed as
/// `PATH: error: message` with exit code 2, write failures with exit code 1, and `--force`
/// named where the library's message leaves the wording to the front end.
enum OutputFolderCLI {
    /// `path` checked as the output folder of a command; `argument` names it in messages.
    static func check(_ path: String, argument: String, protecting protected: [OutputFolder.Protected], force: Bool,
                      keepExisting: Bool = false) throws -> OutputFolder {
        do {
            return try OutputFolder(path: path, argument: argument, protecting: protected, force: force, keepExisting: keepExisting)
        } catch {
            throw fail(error)
        }
    }

    /// `output.write`, with its own failures reported; errors of `body` pass through.
    @discardableResult
    static func write<Result>(_ output: OutputFolder, command: String, inPlace: Bool = false,
                              _ body: (URL) throws -> Result) throws -> Result {
        do {
            return try output.write(command: command, inPlace: inPlace, body)
        } catch let error as OutputFolderError {
            throw fail(error)
        }
    }

    /// Prints the refusal or failure and returns its exit code (2 for usage, 1 otherwise).
    static func fail(_ error: OutputFolderError) -> ExitCode {
        var message = error.message
        if case .notEmpty = error {
            message += "; use --force to replace it (only a folder Percept wrote, holding \(OutputFolder.markerFileName), or an empty one is replaced)"
        }
        CommandOutput.problem(file: error.path, kind: "error", message)
        return ExitCode(error.isUsage ? 2 : 1)
    }

    /// The protected entries for input paths: the output may not be, hold or lie inside an
    /// input folder, nor hold an input file.
    static func inputs(_ paths: [String]) -> [OutputFolder.Protected] {
        paths.map { path in
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            return OutputFolder.Protected(URL(fileURLWithPath: path), role: exists && !isFolder.boolValue ? "input file" : "input folder")
        }
    }
}
