import ArgumentParser
import Foundation
import Percept

/// What the dataset commands share: reading IN, checking OUT, and printing problems as
/// `FILE[:LINE]: error|warning: message` lines (or JSON) with the exit codes 0 (no errors),
/// 1 (errors in the data) and 2 (usage).
enum DatasetCLI {
    /// The names `--from`, `--to` and `--format` accept.
    static let formatNames = DatasetFormat.allCases.map(\.rawValue).joined(separator: "|")

    /// A format named on the command line; nil for `auto`.
    static func format(_ text: String, option: String) throws -> DatasetFormat? {
        if text.lowercased() == "auto" { return nil }
        guard let format = DatasetFormat(rawValue: text.lowercased()) else {
            throw ValidationError("\(option): expected auto or one of \(formatNames), found '\(text)'")
        }
        return format
    }

    /// Prints a usage problem and returns exit code 2 to throw.
    static func usage(_ message: String, file: String? = nil) -> ExitCode {
        printLine(file.map { "\($0): error: \(message)" } ?? "error: \(message)")
        return ExitCode(2)
    }

    /// Prints each problem on its own line to standard error.
    static func report(_ problems: [LabelProblem]) {
        for problem in problems { printLine(problem.description) }
    }

    /// Writes a line to standard error.
    static func printLine(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a JSON document to standard output.
    static func printJSON(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data(JSONWriter.encode(value)))
    }

    /// The problems as JSON, one object each.
    static func json(_ problems: [LabelProblem]) -> JSONValue {
        .array(problems.map { problem in
            var members: [(key: String, value: JSONValue)] = [("file", .string(problem.file))]
            if let line = problem.line { members.append(("line", .number(Double(line)))) }
            if let column = problem.column { members.append(("column", .number(Double(column)))) }
            members += [("severity", .string(problem.severity.rawValue)), ("message", .string(problem.message))]
            return .object(members)
        })
    }

    /// `E error(s), W warning(s)`.
    static func tally(_ problems: [LabelProblem]) -> String {
        let errors = problems.filter { $0.severity == .error }.count
        return "\(errors) error(s), \(problems.count - errors) warning(s)"
    }

    /// Exit code 1 when any problem is an error.
    static func exit(for problems: [LabelProblem]) throws {
        if problems.containsErrors { throw ExitCode(1) }
    }

    /// The input folder, which must exist.
    static func inputFolder(_ path: String) throws -> URL {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw usage("no such folder", file: path) }
        guard isFolder.boolValue else { throw usage("is a file; expected a dataset folder", file: path) }
        return URL(fileURLWithPath: path).standardizedFileURL
    }

    /// Reads the classes file of `--classes`.
    static func classes(_ path: String?) throws -> ClassRegistry? {
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw usage("cannot read the class list", file: path) }
        do {
            return try ClassRegistry(parsing: String(decoding: data, as: UTF8.self), file: path)
        } catch {
            throw usage("\(error)")
        }
    }

    /// Reads the dataset in `folder` as `format` (detected when nil); `annotations` names a
    /// COCO JSON file other than the folder's `annotations.json`.
    static func load(_ folder: URL, format: DatasetFormat?, classes: ClassRegistry? = nil, annotations: String? = nil) throws
        -> (dataset: LabelDataset, format: DatasetFormat, problems: [LabelProblem]) {
        if let annotations {
            guard format == nil || format == .coco else { throw usage("--annotations names a COCO file; it does not go with --from \(format?.rawValue ?? "")") }
            guard FileManager.default.fileExists(atPath: annotations) else { throw usage("no such file", file: annotations) }
            let (dataset, problems) = COCODataset.read(folder: folder, annotations: URL(fileURLWithPath: annotations))
            return (dataset, .coco, problems)
        }
        guard let format = format ?? DatasetFormat.detect(folder: folder) else {
            throw usage("cannot tell the dataset format (no data.yaml, annotations JSON or XML, or class folders); name it with --from",
                        file: folder.path)
        }
        let (dataset, problems) = format.read(folder: folder, registry: classes)
        return (dataset, format, problems)
    }

    /// Refuses an output file inside the input folder, or one that exists (unless `force`).
    static func checkOutputFile(_ output: URL, input: URL, force: Bool) throws {
        guard !OutputFolder.canonicalPath(output).hasPrefix(OutputFolder.canonicalPath(input) + "/") else {
            throw usage("lies inside the input folder \(input.path); choose a path outside it", file: output.path)
        }
        guard force || !FileManager.default.fileExists(atPath: output.path) else {
            throw usage("already exists; use --force to replace it", file: output.path)
        }
    }
}

/// The arguments of the commands that read one dataset folder and write another (convert,
/// augment, split).
struct DatasetTransferOptions: ParsableArguments {
    @Argument(help: "The dataset folder to read.")
    var input: String

    @Argument(help: "The folder to write.")
    var output: String

    @Option(help: "The format of IN: auto, \(DatasetCLI.formatNames).")
    var from: String = "auto"

    @Option(help: "The COCO JSON file to read, when IN's is not annotations.json (images beside it or under IN/images).")
    var annotations: String?

    @Flag(help: "Replace a non-empty OUT that Percept wrote (it holds \(OutputFolder.markerFileName)); other folders are never replaced.")
    var force = false

    @Flag(help: "Print what would be written, and write nothing.")
    var dryRun = false

    @Flag(help: "Print the problems and the summary as JSON on standard output.")
    var json = false

    func validate() throws {
        _ = try DatasetCLI.format(from, option: "--from")
    }

    /// IN, which must exist, and OUT, checked by the output-folder rule (`resume` lets a
    /// non-empty OUT through to be continued in place).
    func folders(resume: Bool = false) throws -> (input: URL, output: OutputFolder) {
        let inputFolder = try DatasetCLI.inputFolder(input)
        var protected = [OutputFolder.Protected(inputFolder, role: "input folder")]
        if let annotations { protected.append(OutputFolder.Protected(URL(fileURLWithPath: annotations), role: "annotations file")) }
        let outputFolder = try OutputFolderCLI.check(output, argument: "OUT", protecting: protected, force: force, keepExisting: resume)
        return (inputFolder, outputFolder)
    }

    /// Reads IN in the `--from` format (detected for auto).
    func load(_ folder: URL, classes: ClassRegistry? = nil) throws -> (dataset: LabelDataset, format: DatasetFormat, problems: [LabelProblem]) {
        try DatasetCLI.load(folder, format: try DatasetCLI.format(from, option: "--from"), classes: classes, annotations: annotations)
    }
}
