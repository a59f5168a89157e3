import ArgumentParser
import Foundation
import Percept

/// `percept convert IN OUT --to FORMAT`: a dataset in another label format, with a report of
/// what the target cannot carry.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a labelled dataset between COCO, YOLO, Pascal VOC, CVAT, Label Studio and class folders.",
        discussion: """
            Images are copied (hard-linked with --link-images, symbolic links with --symlink-images); images with
            the same name from different subfolders or splits are renamed, never overwritten. OUT must not exist
            or be empty; --force replaces a folder Percept wrote (it holds .percept-output), never another. OUT may
            not be, hold or lie inside IN. conversion-report.json in OUT lists what the
            target format cannot carry (polygons reduced to boxes, crowd regions dropped, attributes lost), with
            counts and files, and the renamed images. Class edits run in this order: --remap, --drop-classes,
            --classes. A name in --remap or --drop-classes that the dataset does not have gets a warning with the
            close matches (an error, and nothing written, under --strict).
            """
    )

    @OptionGroup var options: DatasetTransferOptions

    @Option(help: "The format to write: \(DatasetCLI.formatNames).")
    var to: String

    @Flag(help: "Hard-link the images instead of copying them (same file system only).")
    var linkImages = false

    @Flag(help: "Put symbolic links to the images instead of copies.")
    var symlinkImages = false

    @Option(help: "A class list (one name per line, or 'id name') fixing class ids and order; other classes are left out.")
    var classes: String?

    @Option(help: "Rename or merge classes: 'old:new,old2:new'.")
    var remap: String?

    @Option(help: "Classes to remove with their annotations: 'name,name2'.")
    var dropClasses: String?

    @Flag(help: "Treat class names in --remap and --drop-classes that the dataset lacks as errors: exit 1, write nothing.")
    var strict = false

    @Flag(help: "Write VOC box coordinates as fractions instead of rounding them to whole pixels.")
    var floatCoords = false

    func validate() throws {
        guard try DatasetCLI.format(to, option: "--to") != nil else { throw ValidationError("--to: name a format (\(DatasetCLI.formatNames))") }
        guard !(linkImages && symlinkImages) else { throw ValidationError("--link-images and --symlink-images exclude each other") }
        if let remap { _ = try remapping(remap) }
    }

    func run() throws {
        let (inputFolder, outputFolder) = try options.folders()
        guard let target = try DatasetCLI.format(to, option: "--to") else { throw ExitCode(2) }
        let registry = try DatasetCLI.classes(classes)
        let (dataset, source, readProblems) = try options.load(inputFolder, classes: registry)
        var problems = readProblems + DatasetValidator().validate(dataset, labelFile: inputFolder.path)
        let conversion = DatasetConversion(to: target, placement: linkImages ? .hardLink : symlinkImages ? .symbolicLink : .copy,
                                           classes: registry, remapping: try remap.map(remapping) ?? [:],
                                           droppedClasses: Set((dropClasses ?? "").split(separator: ",").map {
                                               $0.trimmingCharacters(in: .whitespaces)
                                           }), floatCoordinates: floatCoords)
        let unknownNames = unknownClassNameProblems(conversion, dataset: dataset, folder: inputFolder)
        problems += unknownNames
        if strict, !unknownNames.isEmpty {
            if options.json { DatasetCLI.printJSON(.object([("written", .bool(false)), ("problems", DatasetCLI.json(problems))])) }
            DatasetCLI.report(problems)
            DatasetCLI.printLine("nothing written: --strict and \(unknownNames.count) class name(s) the dataset does not have")
            throw ExitCode(1)
        }
        let prepared = conversion.prepare(dataset)
        problems += prepared.unlistedClasses.map {
            LabelProblem(file: classes ?? "", severity: .warning, message: "class '\($0)' is not in the class list; its annotations are left out")
        }
        let report = conversion.report(prepared, from: source)
        var planned: [String] = []
        do {
            if options.dryRun {
                planned = try conversion.plannedFiles(prepared, from: source)
            } else {
                try OutputFolderCLI.write(outputFolder, command: "percept convert") { folder in
                    try conversion.write(prepared, from: source, to: folder, recordedAs: outputFolder.location)
                }
            }
        } catch let error as LabelError {
            DatasetCLI.report(problems + [error.problem])
            throw ExitCode(1)
        }
        let verb = options.dryRun ? "would convert" : "converted"
        let summary = "\(verb) \(prepared.dataset.images.count) image(s) and \(prepared.dataset.annotations.count) annotation(s) from \(source.rawValue) to \(target.rawValue) into \(outputFolder.location.path)"
        if options.json {
            var members: [(key: String, value: JSONValue)] = [
                ("images", .number(Double(prepared.dataset.images.count))),
                ("annotations", .number(Double(prepared.dataset.annotations.count))),
                ("report", report.json), ("problems", DatasetCLI.json(problems)),
            ]
            if options.dryRun { members.append(("would_write", .array(planned.map { .string($0) }))) }
            DatasetCLI.printJSON(.object(members))
        } else {
            for file in planned { print("would write \(outputFolder.location.appendingPathComponent(file).path)") }
        }
        DatasetCLI.report(problems)
        for line in [summary] + report.summaryLines + classEditLines(prepared) { DatasetCLI.printLine(line) }
        try DatasetCLI.exit(for: problems)
    }

    private func remapping(_ text: String) throws -> [String: String] {
        do {
            return try ClassRegistry.parseRemapping(text)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// A warning (an error under --strict) per name in --remap or --drop-classes that names no class.
    private func unknownClassNameProblems(_ conversion: DatasetConversion, dataset: LabelDataset, folder: URL) -> [LabelProblem] {
        conversion.unknownClassNames(in: dataset).map { unknown in
            let option = unknown.edit == .remap ? "--remap" : "--drop-classes"
            return LabelProblem(file: folder.path, severity: strict ? .error : .warning,
                                message: "\(option): the dataset has no class '\(unknown.name)', so this does nothing; \(unknown.hint)")
        }
    }

    private func classEditLines(_ prepared: DatasetConversion.Prepared) -> [String] {
        var lines: [String] = []
        if prepared.removedAnnotations > 0 { lines.append("annotations removed by the class edits: \(prepared.removedAnnotations)") }
        if prepared.clippedAnnotations > 0 { lines.append("annotations clipped to the image (border drift): \(prepared.clippedAnnotations)") }
        return lines
    }
}
