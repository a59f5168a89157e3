import ArgumentParser
import Foundation
import Percept

/// `percept split IN OUT --ratios 0.8,0.1,0.1`: train, val and test parts of a dataset.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Divide a dataset into train, val (and test) parts by ratios, optionally stratified by class.",
        discussion: """
            YOLO and class folders keep the parts in one dataset (images/<part>/, <part>/<class>/); the other
            formats get one dataset folder per part (OUT/train, OUT/val, OUT/test). --stratify keeps each class's
            share (by the class most of an image's boxes have) the same in every part. The same --seed gives the
            same division on every machine.
            """
    )

    @OptionGroup var options: DatasetTransferOptions

    @Option(help: "Fractions for train, val[, test], summing to 1.")
    var ratios: String = "0.8,0.1,0.1"

    @Flag(help: "Divide each class separately so that every part has the same class shares.")
    var stratify = false

    @Option(help: "Seed for the shuffle.")
    var seed: UInt64 = 0

    @Option(help: "The format to write (default: IN's): \(DatasetCLI.formatNames).")
    var to: String?

    @Flag(help: "Hard-link the images instead of copying them.")
    var linkImages = false

    func validate() throws {
        do {
            _ = try DatasetSplitter(parsing: ratios)
        } catch {
            throw ValidationError("\(error)")
        }
        if let to { _ = try DatasetCLI.format(to, option: "--to") }
    }

    func run() throws {
        let (inputFolder, outputFolder) = try options.folders()
        let (dataset, source, problems) = try options.load(inputFolder)
        let target = try to.flatMap { try DatasetCLI.format($0, option: "--to") } ?? source
        var random = AugmentRandom(seed: seed)
        let divided = try DatasetSplitter(parsing: ratios, stratify: stratify).split(dataset, using: &random)
        let parts = DatasetSplitter.partNames.compactMap { name -> (String, LabelDataset)? in
            let images = divided.images.filter { $0.split == name }
            guard !images.isEmpty else { return nil }
            let ids = Set(images.map(\.id))
            return (name, LabelDataset(info: divided.info, licenses: divided.licenses, images: images, categories: divided.categories,
                                       annotations: divided.annotations.filter { ids.contains($0.imageID) }))
        }
        DatasetCLI.report(problems)
        let conversion = DatasetConversion(to: target, placement: linkImages ? .hardLink : .copy)
        let together = target == .yolo || target == .folders
        if !options.dryRun {
            do {
                try OutputFolderCLI.write(outputFolder, command: "percept split") { folder in
                    if together {
                        try conversion.write(divided, from: source, to: folder, recordedAs: outputFolder.location)
                    } else {
                        for (name, part) in parts {
                            try conversion.write(part, from: source, to: folder.appendingPathComponent(name),
                                                 recordedAs: outputFolder.location.appendingPathComponent(name))
                        }
                    }
                }
            } catch let error as LabelError {
                DatasetCLI.report([error.problem])
                throw ExitCode(1)
            }
        }
        let verb = options.dryRun ? "would write" : "wrote"
        for (name, part) in parts {
            let place = together ? outputFolder.location.path : outputFolder.location.appendingPathComponent(name).path
            DatasetCLI.printLine("\(verb) \(name): \(part.images.count) image(s), \(part.annotations.count) annotation(s) (\(target.rawValue), \(place))")
        }
        if options.json {
            DatasetCLI.printJSON(.object([
                ("parts", .object(parts.map { ($0.0, .number(Double($0.1.images.count))) })), ("problems", DatasetCLI.json(problems)),
            ]))
        }
        try DatasetCLI.exit(for: problems)
    }
}
