import Foundation
import PerceptImage
import PerceptLabels
import PerceptThreads

/// The workers of one dataset augmentation: each takes the next source image with outputs
/// still to make, decodes it once, makes its outputs, stages their images and journals them.
/// What an output contains depends only on its image and seed, never on which worker made
/// it or when.
final class AugmentationRun: @unchecked Sendable {
    private let settings: DatasetAugmentation
    private let plan: AugmentPlan
    private let dataset: LabelDataset
    /// Positions of each image's annotations in `dataset.annotations` (positions, not
    /// copies, so the label index is held once).
    private let annotationPositions: [Int: [Int]]
    private let inputFolder: String
    private let workFolder: URL
    private let journal: AugmentJournal
    private let progress: @Sendable (AugmentProgress) -> Void
    /// Output indices still to make, grouped by source image, in plan order.
    private let groups: [[Int]]

    private let lock = NSLock()
    private var nextGroup = 0
    private var completed: Int
    private var failures: [LabelProblem] = []

    /// The problems met, sorted so that any number of workers reports them in one order.
    var problems: [LabelProblem] {
        lock.lock()
        defer { lock.unlock() }
        return failures.sorted { ($0.file, $0.message) < ($1.file, $1.message) }
    }

    init(settings: DatasetAugmentation, plan: AugmentPlan, dataset: LabelDataset, inputFolder: URL, work: URL,
         journal: AugmentJournal, finished: Set<Int>, share: AugmentShare? = nil, progress: @escaping @Sendable (AugmentProgress) -> Void) {
        self.settings = settings
        self.plan = plan
        self.dataset = dataset
        var positions: [Int: [Int]] = [:]
        for (position, annotation) in dataset.annotations.enumerated() { positions[annotation.imageID, default: []].append(position) }
        annotationPositions = positions
        self.inputFolder = inputFolder.standardizedFileURL.path + "/"
        workFolder = work
        self.journal = journal
        self.progress = progress
        completed = finished.count
        var groups: [[Int]] = []
        for (index, output) in plan.outputs.enumerated() where !finished.contains(index) && share?.owns(sourceIndex: output.sourceIndex) != false {
            if let last = groups.last?.last, plan.outputs[last].sourceIndex == output.sourceIndex {
                groups[groups.count - 1].append(index)
            } else {
                groups.append([index])
            }
        }
        self.groups = groups
    }

    /// Where output `index`'s finished image waits until the run ends.
    static func stagedURL(_ work: URL, index: Int, output: AugmentPlan.Output) -> URL {
        let fileExtension = (output.file as NSString).pathExtension
        return work.appendingPathComponent("images/\(index)" + (fileExtension.isEmpty ? "" : ".\(fileExtension)"))
    }

    /// Makes every pending output on `settings.workers` threads.
    func execute() {
        progress(AugmentProgress(completed: completed, total: plan.outputs.count, failed: 0))
        let workers = max(1, min(settings.workers, groups.count))
        ParallelLoop.run(iterations: workers) { _ in workLoop() }
    }

    private func workLoop() {
        while let group = takeGroup() {
            makeOutputs(group)
        }
    }

    private func takeGroup() -> [Int]? {
        lock.lock()
        defer { lock.unlock() }
        guard nextGroup < groups.count else { return nil }
        nextGroup += 1
        return groups[nextGroup - 1]
    }

    private func makeOutputs(_ group: [Int]) {
        guard let first = group.first else { return }
        let image = dataset.images[plan.outputs[first].sourceIndex]
        let annotations = (annotationPositions[image.id] ?? []).map { dataset.annotations[$0] }
        let sourcePath = image.source.map(relativePath) ?? image.file
        var labelled: LabelledSample?
        let keepKeypointsOutside = settings.pipeline.settings.keepKeypointsOutside
        var pipeline = settings.pipeline
        // Polygon vertices ride as keypoints and must all survive; the real keypoints get the
        // file's rule when the annotations are unpacked.
        pipeline.settings.keepKeypointsOutside = true
        // A transform that fails on this image usually fails every copy the same way: each
        // distinct problem is reported once per image, with the number of copies it stopped.
        var failed: [(problem: LabelProblem, copies: Int)] = []
        defer { report(failed) }
        for index in group {
            let output = plan.outputs[index]
            do {
                let made: (AugmentedImage, [UInt8])
                if output.copy == 0 {
                    made = try AugmentedImage.original(image, annotations: annotations, output: output, index: index, source: sourcePath)
                } else {
                    if labelled == nil { labelled = try decode(image, annotations: annotations) }
                    guard let labelled else { continue }
                    made = try AugmentedImage.augment(labelled, output: output, index: index, pipeline: pipeline,
                                                      keepKeypointsOutside: keepKeypointsOutside, options: settings.imageOptions,
                                                      source: sourcePath)
                }
                let staged = AugmentationRun.stagedURL(workFolder, index: index, output: output)
                try DurableFile.write(made.1, to: staged, synchronize: false)
                try journal.add(made.0.json, image: staged)
                finish()
            } catch {
                let found = problem(image, error)
                if let seen = failed.firstIndex(where: { $0.problem == found }) {
                    failed[seen].copies += 1
                } else {
                    failed.append((found, 1))
                }
                finish()
                // A source that cannot be decoded fails every copy the same way: report it once.
                if labelled == nil, output.copy > 0 {
                    for _ in group.drop(while: { $0 != index }).dropFirst() { finish() }
                    return
                }
            }
        }
    }

    private func decode(_ image: DatasetImage, annotations: [Annotation]) throws -> LabelledSample {
        guard let source = image.source else {
            throw LabelError.unreadable(file: image.file, reason: "the dataset does not say where the image file is")
        }
        let decoded = try Image(contentsOf: source)
        guard decoded.size == image.size else {
            throw LabelError.invalid(file: source.path, place: "image size",
                                     detail: "labels give \(image.size), the image is \(decoded.size); not augmented")
        }
        return try LabelledSample(image: decoded, annotations: annotations)
    }

    private func finish() {
        lock.lock()
        defer { lock.unlock() }
        completed += 1
        progress(AugmentProgress(completed: completed, total: plan.outputs.count, failed: failures.count))
    }

    /// Records an image's problems, each once, saying how many copies it stopped.
    private func report(_ failed: [(problem: LabelProblem, copies: Int)]) {
        guard !failed.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        for (problem, copies) in failed {
            var reported = problem
            if copies > 1 { reported.message += " (\(copies) copies not written)" }
            failures.append(reported)
        }
    }

    private func problem(_ image: DatasetImage, _ error: any Error) -> LabelProblem {
        if let labelError = error as? LabelError {
            var problem = labelError.problem
            if problem.file.isEmpty { problem.file = image.source?.path ?? image.file }
            return problem
        }
        return LabelProblem(file: image.source?.path ?? image.file, severity: .error, message: "\(error)")
    }

    private func relativePath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        return path.hasPrefix(inputFolder) ? String(path.dropFirst(inputFolder.count)) : path
    }
}
