import ArgumentParser
import Foundation
import Percept

/// `percept cloud …`: point-cloud files, filters, segmentation, simulation and pictures.
struct CloudCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud",
        abstract: "Inspect, convert, filter, segment, simulate and render point clouds (PCD, PLY, KITTI .bin, LAS, XYZ/CSV).",
        subcommands: [CloudInfoCommand.self, CloudConvertCommand.self, CloudFilterCommand.self, CloudSegmentCommand.self,
                      CloudSimulateCommand.self, CloudRenderCommand.self, CloudSynthShapesCommand.self, CloudTrainCommand.self,
                      CloudValCommand.self, CloudPredictCommand.self]
    )
}

/// Terminal output and exit codes shared by the cloud commands: 0 ok, 1 errors in the data, 2 usage.
enum CloudCLI {
    /// Prints `FILE[:LINE]: error: message` (or `error: message` without a file) to standard error.
    static func printProblem(file: String?, line: Int? = nil, _ message: String, severity: String = "error") {
        let place = file.map { file in line.map { "\(file):\($0): " } ?? "\(file): " } ?? ""
        FileHandle.standardError.write(Data("\(place)\(severity): \(message)\n".utf8))
    }

    /// A usage mistake: prints it and returns the exit code 2 to throw.
    static func usage(_ message: String, file: String? = nil) -> ExitCode {
        printProblem(file: file, message)
        return ExitCode(2)
    }

    /// Prints a library error in the project's format, naming `file` when the error does not.
    static func report(_ error: Error, file: String) {
        switch error {
        case let error as PointCloudFileError: printProblem(file: error.file, line: error.line, error.message)
        case let error as PointCloudProcessingError: printProblem(file: file, error.description)
        case let error as PointCloudError: printProblem(file: file, error.description)
        default: printProblem(file: file, "\(error)")
        }
    }

    /// Runs `body` with each input and its position; reports failures, then exits 1 if any failed.
    static func forEach(_ inputs: [String], _ body: (Int, String) throws -> Void) throws {
        var failed = false
        for (position, input) in inputs.enumerated() {
            do {
                try body(position, input)
            } catch let exit as ExitCode {
                throw exit
            } catch {
                report(error, file: input)
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// The cloud files an argument names: a file, the readable files of a folder, or a glob.
    static func inputs(_ argument: String) throws -> [String] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) {
            guard isFolder.boolValue else { return [argument] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
            let files = names.sorted().map { (argument as NSString).appendingPathComponent($0) }.filter(isCloudFile)
            guard !files.isEmpty else { throw usage("no point-cloud files (pcd, ply, bin, las, xyz, csv) in the folder", file: argument) }
            return files
        }
        if argument.contains("*") || argument.contains("?") || argument.contains("[") {
            var matches = glob_t()
            defer { globfree(&matches) }
            guard glob(argument, 0, nil, &matches) == 0 else { throw usage("no files match the pattern", file: argument) }
            let files = (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.filter(isCloudFile)
            guard !files.isEmpty else { throw usage("no point-cloud files match the pattern", file: argument) }
            return files
        }
        throw usage("no such file or folder", file: argument)
    }

    private static func isCloudFile(_ path: String) -> Bool {
        (try? PointCloudFormat(path: path)) != nil
    }

    /// Runs `body` for each input with the path to write its result to and the path to
    /// report: `output` itself for one input and a file-like output, otherwise a file named
    /// like the input (with `fileExtension` if given) in the folder `output`, which follows the
    /// output-folder rule (written beside and renamed into place, inputs' folders protected).
    /// Failures are reported per input; exit code 1 follows when any failed.
    static func forEachOutput(_ inputs: [String], output: String, fileExtension: String?, force: Bool, command: String,
                              _ body: (_ position: Int, _ input: String, _ writeTo: String, _ reportAs: String) throws -> Void) throws {
        if inputs.count == 1 && (try? PointCloudFormat(path: output)) != nil {
            if FileManager.default.fileExists(atPath: output) && !force {
                throw usage("the output exists; pass --force to overwrite it", file: output)
            }
            try requireParentFolder(of: output)
            return try forEach(inputs) { position, input in try body(position, input, output, output) }
        }
        let folder = try OutputFolderCLI.check(output, argument: "OUT", protecting: OutputFolderCLI.inputs(inputs), force: force)
        func name(_ input: String) -> String {
            let name = (input as NSString).lastPathComponent
            return fileExtension.map { ((name as NSString).deletingPathExtension as NSString).appendingPathExtension($0) ?? name } ?? name
        }
        let failed = try OutputFolderCLI.write(folder, command: command) { staging in
            do {
                try forEach(inputs) { position, input in
                    try body(position, input, staging.appendingPathComponent(name(input)).path,
                             folder.location.appendingPathComponent(name(input)).path)
                }
                return false
            } catch let exit as ExitCode where exit == ExitCode(1) {
                return true
            }
        }
        if failed { throw ExitCode(1) }
    }

    private static func requireParentFolder(of path: String) throws {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
            throw usage("the folder for the output does not exist", file: parent)
        }
    }

    /// Writes `object` as pretty JSON to `path` atomically.
    static func writeJSON(_ object: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PointCloudFileError.inputOutput(file: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Prints `object` as one line of JSON.
    static func printJSON(_ object: Any) {
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// Parses `count` comma-separated numbers for option `name`.
    static func numbers(_ text: String, count: Int, option name: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == count, values.allSatisfy({ $0 != nil }) else {
            throw usage("--\(name) expects \(count) comma-separated numbers, found '\(text)'")
        }
        return values.compactMap { $0 }
    }

    /// A vector as a JSON array.
    static func json(_ vector: SIMD3<Float>) -> [Double] { [Double(vector.x), Double(vector.y), Double(vector.z)] }
}
