import ArgumentParser
import Foundation
import Percept

/// `percept augment IN OUT --pipeline FILE --copies N --seed S`: N augmented copies of every
/// image with labels that follow the pixels.
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Write N augmented copies of every image of a labelled dataset, labels kept in step.",
        discussion: """
            The pipeline file is Percept's YAML/JSON form or a file saved by Albumentations (A.save). Copies are
            named <stem>_aug<k>.<ext>; OUT is written in IN's format unless --to. manifest.jsonl in OUT has one
            line per written image: output, source, copy, seed, transforms with their parameters, boxes_in,
            boxes_out, dropped. Each (image, copy) has its own seed derived from --seed, so the bytes are the same
            for any --workers. A run killed at any moment continues with --resume and ends with the same files
            as an uninterrupted one.
            """
    )

    @OptionGroup var options: DatasetTransferOptions

    @Option(help: "The pipeline file (YAML or JSON).")
    var pipeline: String

    @Option(help: "Augmented copies per image, not counting the original.")
    var copies: Int

    @Option(help: "The run's seed; each (image, copy) derives its own from it.")
    var seed: UInt64

    @Option(help: "The format to write (default: IN's): \(DatasetCLI.formatNames).")
    var to: String?

    @Option(help: "Augment only this split (train, val, …); the other images are copied unchanged.")
    var split: String?

    @Option(help: "Drop boxes whose visible fraction falls below this (overrides the pipeline file).")
    var minVisibility: Double?

    @Option(help: "Drop boxes whose area in pixels falls below this (overrides the pipeline file).")
    var minArea: Double?

    @Option(help: "Images processed at once (default: the thread budget, all cores unless PERCEPT_THREADS is set).")
    var workers: Int = ThreadBudget.threads

    @Flag(help: "Write each original image too (as copy 0).")
    var keepOriginals = false

    @Flag(help: "Continue an interrupted run in OUT, keeping the outputs it finished.")
    var resume = false

    func validate() throws {
        guard copies >= 1 else { throw ValidationError("--copies must be at least 1, found \(copies)") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1, found \(workers)") }
        if let minVisibility, !(0...1).contains(minVisibility) {
            throw ValidationError("--min-visibility must be between 0 and 1, found \(minVisibility)")
        }
        if let minArea, minArea < 0 { throw ValidationError("--min-area must be 0 or more, found \(minArea)") }
        if let to { _ = try DatasetCLI.format(to, option: "--to") }
        guard !(resume && options.force) else { throw ValidationError("--resume keeps an unfinished run and --force discards it; choose one") }
    }

    func run() throws {
        let world = try AugmentSharing.join(resume: resume)
        if let world, !world.isLeader { return try AugmentSharing.makeShare(self, world: world) }
        let (inputFolder, outputFolder) = try options.folders(resume: resume)
        if resume { try checkResumable(outputFolder.location) }
        let (pipelineText, loaded) = try loadPipeline()
        let (dataset, source, readProblems) = try options.load(inputFolder)
        if let split, !dataset.images.contains(where: { $0.split == split }) {
            let present = Set(dataset.images.compactMap(\.split)).sorted()
            throw DatasetCLI.usage("--split \(split): no image is in that split (splits: \(present.isEmpty ? "none" : present.joined(separator: ", ")))",
                                   file: inputFolder.path)
        }
        let (augmentation, target) = try makeAugmentation(pipeline: loaded, text: pipelineText, source: source)
        DatasetCLI.report(readProblems)
        if options.dryRun {
            let plan = augmentation.plan(dataset)
            for planned in plan.outputs {
                let sourceFile = dataset.images[planned.sourceIndex].file
                print("would write \(planned.file) (\(planned.copy == 0 ? "unchanged" : "copy \(planned.copy)") of \(sourceFile))")
            }
            DatasetCLI.printLine("would write \(plan.outputs.count) image(s), \(plan.augmentedCount) augmented, with \(target.rawValue) labels and \(DatasetAugmentation.manifestFileName) into \(outputFolder.location.path)")
            try DatasetCLI.exit(for: readProblems)
            return
        }
        let progress = ProgressReporter(label: "augment", unit: "images")
        let summary: AugmentSummary
        do {
            // A new run fills OUT in place, so a killed run can be resumed there.
            summary = try OutputFolderCLI.write(outputFolder, command: "percept augment", inPlace: true) { folder in
                let share = try world.map { try AugmentSharing.lead($0, folder: folder) }
                return try augmentation.run(dataset, inputFolder: inputFolder, into: folder, resume: resume, recordedAs: outputFolder.location,
                                            share: share) { state in
                    progress.update(completed: state.completed, total: state.total)
                }
            }
        } catch let error as DatasetAugmentError {
            progress.finish()
            if case .settingsChanged = error { throw DatasetCLI.usage(error.description) }
            DatasetCLI.printLine("error: \(error.description)")
            throw ExitCode(1)
        }
        progress.finish()
        let augmentProblems = try world.map { try AugmentSharing.allProblems(summary.problems, world: $0) } ?? summary.problems
        let problems = readProblems + augmentProblems
        DatasetCLI.report(augmentProblems)
        let line = summary.alreadyComplete
            ? "\(outputFolder.location.path) is already complete; nothing to resume"
            : "wrote \(summary.written) of \(summary.planned) image(s) into \(outputFolder.location.path) (\(target.rawValue) labels, \(DatasetAugmentation.manifestFileName))"
                + (summary.resumed > 0 ? "; \(summary.resumed) were finished by the interrupted run" : "")
        DatasetCLI.printLine(line)
        if options.json {
            DatasetCLI.printJSON(.object([
                ("planned", .number(Double(summary.planned))), ("written", .number(Double(summary.written))),
                ("resumed", .number(Double(summary.resumed))), ("format", .string(target.rawValue)),
                ("problems", DatasetCLI.json(problems)),
            ]))
        }
        try DatasetCLI.exit(for: problems)
    }

    /// The augmentation the options describe, and the format it writes (IN's `source` unless --to).
    func makeAugmentation(pipeline: Pipeline, text: String, source: DatasetFormat) throws -> (DatasetAugmentation, DatasetFormat) {
        let target = try to.flatMap { try DatasetCLI.format($0, option: "--to") } ?? source
        return (DatasetAugmentation(pipeline: pipeline, pipelineText: text, copies: copies, seed: seed, target: target,
                                    split: split, keepOriginals: keepOriginals, workers: workers), target)
    }

    /// Refuses `--resume` on a non-empty folder that holds neither an unfinished run nor a
    /// finished one.
    private func checkResumable(_ folder: URL) throws {
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard contents.isEmpty || contents.contains(DatasetAugmentation.workFolderName)
            || contents.contains(DatasetAugmentation.manifestFileName) else {
            throw DatasetCLI.usage("holds files but no augmentation run to resume", file: folder.path)
        }
    }

    /// The pipeline file's text and the pipeline with the command line's box settings.
    func loadPipeline() throws -> (String, Pipeline) {
        guard let data = FileManager.default.contents(atPath: pipeline) else { throw DatasetCLI.usage("cannot read the pipeline file", file: pipeline) }
        let text = String(decoding: data, as: UTF8.self)
        do {
            var loaded = try Pipeline(text: text, file: pipeline)
            if let minVisibility { loaded.settings.minVisibility = minVisibility }
            if let minArea { loaded.settings.minArea = minArea }
            return (text, loaded)
        } catch let error as AugmentError {
            DatasetCLI.printLine(error.description)
            throw ExitCode(2)
        }
    }
}
