import ArgumentParser
import Foundation
import Percept

/// `percept preview IN OUT.png`: a contact sheet of images with their labels drawn.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Draw a contact sheet of a dataset's images with their boxes, polygons and class names (PNG).",
        discussion: "Look at a dataset before and after augmenting: the same --seed picks the same images."
    )

    @Argument(help: "The dataset folder.")
    var input: String

    @Argument(help: "The PNG file to write.")
    var output: String

    @Option(help: "How many images to show.")
    var count: Int = 16

    @Option(help: "Seed for picking the images.")
    var seed: UInt64 = 0

    @Option(help: "The longest side of each picture in pixels.")
    var tile: Int = 256

    @Option(help: "The format of IN: auto, \(DatasetCLI.formatNames).")
    var from: String = "auto"

    @Flag(help: "Replace OUT.png when it exists.")
    var force = false

    @Flag(help: "Say what would be written, and write nothing.")
    var dryRun = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1, found \(count)") }
        guard (32...2048).contains(tile) else { throw ValidationError("--tile must be 32-2048 pixels, found \(tile)") }
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("OUT must be a .png file, found '\(output)'") }
        _ = try DatasetCLI.format(from, option: "--from")
    }

    func run() throws {
        let inputFolder = try DatasetCLI.inputFolder(input)
        let outputFile = URL(fileURLWithPath: output).standardizedFileURL
        try DatasetCLI.checkOutputFile(outputFile, input: inputFolder, force: force)
        let (dataset, _, readProblems) = try DatasetCLI.load(inputFolder, format: try DatasetCLI.format(from, option: "--from"))
        var random = AugmentRandom(seed: seed)
        let chosen = ContactSheet.choose(count, from: dataset, using: &random)
        if dryRun {
            DatasetCLI.report(readProblems)
            print("would write \(outputFile.path): \(chosen.count) of \(dataset.images.count) image(s) with their labels")
            return try DatasetCLI.exit(for: readProblems)
        }
        let (sheet, drawProblems) = ContactSheet(tileSize: tile).render(dataset, imageIDs: chosen)
        let problems = readProblems + drawProblems
        DatasetCLI.report(problems)
        do {
            try sheet.write(to: outputFile, format: .png)
        } catch {
            DatasetCLI.printLine("\(outputFile.path): error: \(error)")
            throw ExitCode(1)
        }
        DatasetCLI.printLine("wrote \(outputFile.path): \(chosen.count) of \(dataset.images.count) image(s), \(sheet.width)x\(sheet.height)")
        try DatasetCLI.exit(for: problems)
    }
}
