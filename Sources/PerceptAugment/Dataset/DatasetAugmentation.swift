import Foundation
import PerceptImage
import PerceptLabels

/// Augments a whole labelled dataset into an output folder: N copies per image with labels
/// that follow the pixels, written in any label format, with `manifest.jsonl` saying how each
/// image was made.
///
/// Each (image, copy) has its own seed, so the output's bytes are the same for any number of
/// workers. Images are decoded one at a time per worker and never kept; only the label index
/// stays in memory. Every output is committed to a journal once its image is on disk, so a
/// run killed at any moment can be resumed; the label files and the manifest are written
/// from the journal at the end.
///
///     let augmentation = DatasetAugmentation(pipeline: pipeline, pipelineText: text, copies: 3, seed: 42, target: .coco)
///     let summary = try augmentation.run(dataset, inputFolder: input, into: output, resume: false) { _ in }
public struct DatasetAugmentation: Sendable {
    /// The manifest's file name in the output folder.
    public static let manifestFileName = "manifest.jsonl"
    /// The hidden folder holding the journal and the finished images until the run ends.
    public static let workFolderName = ".percept-augment"

    /// The transforms and box settings.
    public var pipeline: Pipeline
    /// Identifies the pipeline for resuming (the pipeline file's text).
    public var pipelineText: String
    /// Augmented copies per image, not counting the original.
    public var copies: Int
    /// The run's seed.
    public var seed: UInt64
    /// The output's label format.
    public var target: DatasetFormat
    /// Only images of this split are augmented; the others are copied unchanged.
    public var split: String?
    /// Whether each augmented image's original is written too.
    public var keepOriginals: Bool
    /// Images processed at once.
    public var workers: Int
    /// Encoder settings for the copies (JPEG quality 95, as OpenCV's default).
    public var imageOptions: ImageWriteOptions

    /// A run's settings.
    public init(pipeline: Pipeline, pipelineText: String, copies: Int, seed: UInt64, target: DatasetFormat, split: String? = nil,
                keepOriginals: Bool = false, workers: Int = 1, imageOptions: ImageWriteOptions = ImageWriteOptions(quality: 95)) {
        self.pipeline = pipeline
        self.pipelineText = pipelineText
        self.copies = copies
        self.seed = seed
        self.target = target
        self.split = split
        self.keepOriginals = keepOriginals
        self.workers = workers
        self.imageOptions = imageOptions
    }

    /// The images a run on `dataset` writes.
    public func plan(_ dataset: LabelDataset) -> AugmentPlan {
        AugmentPlan(dataset: dataset, copies: copies, seed: seed, split: split, keepOriginals: keepOriginals, target: target)
    }

    /// Runs on `dataset` (read from `inputFolder`) into `folder`. With `resume`, outputs an
    /// interrupted run finished are kept and the rest are made; without, any earlier work is
    /// discarded. `progress` is called after each output, one call at a time. `recordedAs` is
    /// the folder's final path when `folder` is a staging folder (see `OutputFolder.write`).
    /// With `share` (process 0 of several, which call ``makeShare(_:inputFolder:into:share:)``)
    /// this process makes its share, then gathers the others' before writing the result.
    public func run(_ dataset: LabelDataset, inputFolder: URL, into folder: URL, resume: Bool, recordedAs: URL? = nil,
                    share: AugmentShare? = nil, progress: @escaping @Sendable (AugmentProgress) -> Void) throws -> AugmentSummary {
        guard copies >= 0, workers >= 1 else {
            throw DatasetAugmentError.invalidSetting("copies must be 0 or more and workers 1 or more, found \(copies) and \(workers)")
        }
        let plan = plan(dataset)
        let work = folder.appendingPathComponent(DatasetAugmentation.workFolderName)
        let journalURL = work.appendingPathComponent("journal.jsonl")
        let manifestURL = folder.appendingPathComponent(DatasetAugmentation.manifestFileName)
        let exists = FileManager.default.fileExists(atPath:)
        if resume, !exists(journalURL.path), exists(manifestURL.path) {
            try? FileManager.default.removeItem(at: work)
            return AugmentSummary(planned: plan.outputs.count, written: 0, resumed: 0, problems: [], alreadyComplete: true)
        }
        let fingerprint = self.fingerprint(plan, dataset: dataset)
        let journal: AugmentJournal
        var finished = Set<Int>()
        if resume, exists(journalURL.path) {
            journal = try AugmentJournal(resuming: journalURL, fingerprint: fingerprint) { entry in
                guard let image = AugmentedImage(json: entry), plan.outputs.indices.contains(image.index),
                      plan.outputs[image.index].file == image.file, !finished.contains(image.index) else { return false }
                let staged = AugmentationRun.stagedURL(work, index: image.index, output: plan.outputs[image.index])
                let size = (try? FileManager.default.attributesOfItem(atPath: staged.path)[.size] as? Int) ?? nil
                guard size == image.byteCount else { return false }
                finished.insert(image.index)
                return true
            }
        } else {
            try? FileManager.default.removeItem(at: work)
            journal = try AugmentJournal(creating: journalURL, fingerprint: fingerprint)
        }
        DurableFile.removePartialFiles(under: folder)
        try share?.meet()
        let run = AugmentationRun(settings: self, plan: plan, dataset: dataset, inputFolder: inputFolder, work: work,
                                  journal: journal, finished: finished, share: share, progress: progress)
        run.execute()
        try journal.commit()
        if let share {
            try share.meet()
            try gatherShares(share, plan: plan, work: work, fingerprint: fingerprint, into: journal)
        }
        let written = try finish(plan: plan, dataset: dataset, work: work, journal: journal, into: folder, recordedAs: recordedAs)
        return AugmentSummary(planned: plan.outputs.count, written: written, resumed: finished.count, problems: run.problems,
                              alreadyComplete: false)
    }

    /// Makes this process's share (`share.process` above 0) of the run process 0 makes into
    /// `folder` with ``run(_:inputFolder:into:resume:recordedAs:share:progress:)``: its outputs
    /// staged in the work folder and journalled in a journal of its own, which process 0 reads.
    /// Returns the problems met, for process 0 to report with its own.
    public func makeShare(_ dataset: LabelDataset, inputFolder: URL, into folder: URL, share: AugmentShare) throws -> [LabelProblem] {
        let plan = plan(dataset)
        let work = folder.appendingPathComponent(DatasetAugmentation.workFolderName)
        try share.meet()
        let journal = try AugmentJournal(creating: work.appendingPathComponent(AugmentShare.journalName(process: share.process)),
                                         fingerprint: fingerprint(plan, dataset: dataset))
        let run = AugmentationRun(settings: self, plan: plan, dataset: dataset, inputFolder: inputFolder, work: work,
                                  journal: journal, finished: [], share: share) { _ in }
        run.execute()
        try journal.commit()
        try share.meet()
        return run.problems
    }

    /// Adds the outputs journalled by the other processes to `journal`: the entries of this
    /// run (same fingerprint) whose staged image is complete.
    private func gatherShares(_ share: AugmentShare, plan: AugmentPlan, work: URL, fingerprint: String, into journal: AugmentJournal) throws {
        for process in 1..<max(share.processes, 1) {
            let url = work.appendingPathComponent(AugmentShare.journalName(process: process))
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw DatasetAugmentError.cannotWrite(file: url.path, reason: "process \(process) of \(share.processes) left no journal of its share")
            }
            var isHeader = true, sameRun = false
            var entries: [(JSONValue, URL)] = []
            AugmentJournal.forEachLine(url) { value, _, _ in
                defer { isHeader = false }
                if isHeader {
                    sameRun = value["fingerprint"]?.string == fingerprint
                    return
                }
                guard sameRun, let image = AugmentedImage(json: value), plan.outputs.indices.contains(image.index) else { return }
                entries.append((value, AugmentationRun.stagedURL(work, index: image.index, output: plan.outputs[image.index])))
            }
            guard sameRun else { throw DatasetAugmentError.settingsChanged(folder: work.deletingLastPathComponent().path) }
            for (entry, image) in entries { try journal.add(entry, image: image) }
            try? FileManager.default.removeItem(at: url)
        }
        try journal.commit()
    }

    /// Writes the labels and images of every journalled output into `folder`, then the
    /// manifest, then removes the work folder; returns how many images it wrote. Safe to
    /// repeat after a kill at any point: the journal goes last but one, and only a complete
    /// run lacks it.
    private func finish(plan: AugmentPlan, dataset: LabelDataset, work: URL, journal: AugmentJournal, into folder: URL,
                        recordedAs: URL?) throws -> Int {
        // One pass for the labels, keeping each line's place; the manifest re-reads the lines
        // in output order, so no parsed entry outlives its line.
        var entries: [(image: AugmentedImage, offset: UInt64, length: Int)?] = Array(repeating: nil, count: plan.outputs.count)
        var isHeader = true
        AugmentJournal.forEachLine(journal.url) { value, line, offset in
            defer { isHeader = false }
            guard !isHeader, var image = AugmentedImage(json: value), entries.indices.contains(image.index) else { return }
            image.manifest = []
            entries[image.index] = (image, offset, line.count)
        }
        var output = LabelDataset(info: dataset.info, licenses: dataset.licenses, categories: dataset.categories)
        var order: [(index: Int, offset: UInt64, length: Int)] = []
        for case let (entry, offset, length)? in entries {
            let planned = plan.outputs[entry.index]
            let source = dataset.images[planned.sourceIndex]
            let image = DatasetImage(id: output.images.count + 1, file: planned.file, width: entry.width, height: entry.height,
                                     split: source.split, extra: planned.copy == 0 ? source.extra : [],
                                     source: AugmentationRun.stagedURL(work, index: entry.index, output: planned))
            output.images.append(image)
            for annotation in entry.annotations {
                var placed = annotation
                placed.id = output.annotations.count + 1
                placed.imageID = image.id
                output.annotations.append(placed)
            }
            order.append((entry.index, offset, length))
        }
        entries = []
        try target.write(output, to: folder, images: .hardLink, recordedAs: recordedAs)
        let locations = target.imageLocations(in: output)
        var manifest: [UInt8] = []
        let reader = try FileHandle(forReadingFrom: journal.url)
        defer { try? reader.close() }
        for (position, line) in order.enumerated() {
            guard let value = AugmentJournal.entry(in: reader, at: line.offset, length: line.length, file: journal.url.path),
                  let entry = AugmentedImage(json: value) else { continue }
            let image = output.images[position]
            manifest += entry.manifestLine(location: locations[image.id] ?? image.file)
        }
        try DurableFile.write(manifest, to: folder.appendingPathComponent(DatasetAugmentation.manifestFileName))
        try? FileManager.default.removeItem(at: journal.url)
        try? FileManager.default.removeItem(at: work)
        return order.count
    }

    /// Everything the outputs depend on, hashed: a journal from another run is not resumed.
    private func fingerprint(_ plan: AugmentPlan, dataset: LabelDataset) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
        }
        let settings = pipeline.settings
        mix(pipelineText)
        mix("\(copies) \(seed) \(target.rawValue) \(split ?? "-") \(keepOriginals)")
        mix("\(settings.minVisibility) \(settings.minArea) \(settings.minSize) \(settings.keepKeypointsOutside)")
        mix("\(imageOptions.quality) \(imageOptions.pngCompressionLevel)")
        for output in plan.outputs { mix("\(output.sourceIndex) \(output.copy) \(output.file)") }
        for image in dataset.images { mix("\(image.file) \(image.width) \(image.height) \(image.source?.path ?? "")") }
        return String(hash, radix: 16)
    }
}

/// How far a run is.
public struct AugmentProgress: Sendable {
    /// Outputs finished, including those a resumed run found done.
    public var completed: Int
    /// Outputs in the plan.
    public var total: Int
    /// Outputs that failed so far.
    public var failed: Int
}

/// What a run did.
public struct AugmentSummary: Sendable {
    /// Outputs in the plan.
    public var planned: Int
    /// Images in the output (the plan less the failures).
    public var written: Int
    /// Outputs found finished by an earlier, interrupted run.
    public var resumed: Int
    /// Images that could not be read, augmented or written, each naming its file.
    public var problems: [LabelProblem]
    /// True when `resume` found the output already complete and did nothing.
    public var alreadyComplete: Bool
}
