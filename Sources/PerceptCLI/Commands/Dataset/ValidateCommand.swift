import ArgumentParser
import Foundation
import Percept

/// `percept validate DIR`: every problem of a labelled dataset, one per line.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a labelled dataset: missing or unreadable images, size mismatches, boxes outside the image, bad lines, unknown classes.",
        discussion: """
            Problems are printed one per line as FILE[:LINE]: error|warning: message. Float drift at the border
            (a coordinate of -0.0004 or 1.0006) is a warning; it is clipped on conversion. Exit code 0 when there
            are no errors (warnings allowed), 1 when there are, 2 for usage errors.
            """
    )

    @Argument(help: "The dataset folder.")
    var folder: String

    @Option(help: "The layout: auto, \(DatasetCLI.formatNames).")
    var format: String = "auto"

    @Option(help: "The COCO JSON file to read, when DIR's is not annotations.json.")
    var annotations: String?

    @Option(help: "A class list (one name per line, or 'id name'): gives names-only formats their ids; labels of other classes are errors.")
    var classes: String?

    @Flag(help: "Decode every image fully, to find truncated or damaged files (slower than reading headers).")
    var decode = false

    @Flag(help: "With --decode, report damaged image data (a JPEG scan with bad codes) as a warning, not an error.")
    var lenient = false

    @Flag(help: "Print the problems and counts as JSON on standard output.")
    var json = false

    func validate() throws {
        _ = try DatasetCLI.format(format, option: "--format")
    }

    func run() throws {
        let input = try DatasetCLI.inputFolder(folder)
        let registry = try DatasetCLI.classes(classes)
        let (dataset, detected, readProblems) = try DatasetCLI.load(input, format: try DatasetCLI.format(format, option: "--format"),
                                                                    classes: registry, annotations: annotations)
        let validator = DatasetValidator(decodeImages: decode, acceptDamagedImages: lenient)
        var problems = readProblems + validator.validate(dataset, labelFile: input.path)
        // COCO and YOLO name their classes themselves, so their readers do not use the list.
        if let registry, let classes, detected == .coco || detected == .yolo {
            problems += validator.checkClasses(dataset, against: registry, listFile: classes, labelFile: input.path)
        }
        let summary = "\(input.path): \(detected.rawValue), \(dataset.images.count) image(s), \(dataset.annotations.count) annotation(s): \(DatasetCLI.tally(problems))"
        if json {
            DatasetCLI.printJSON(.object([
                ("folder", .string(input.path)), ("format", .string(detected.rawValue)),
                ("images", .number(Double(dataset.images.count))), ("annotations", .number(Double(dataset.annotations.count))),
                ("errors", .number(Double(problems.filter { $0.severity == .error }.count))),
                ("warnings", .number(Double(problems.filter { $0.severity == .warning }.count))),
                ("problems", DatasetCLI.json(problems)),
            ]))
        } else {
            DatasetCLI.report(problems)
            print(summary)
        }
        try DatasetCLI.exit(for: problems)
    }
}
