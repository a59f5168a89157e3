import Foundation
import Percept

/// `percept bench dataset`: `percept augment` on generated datasets. Throughput: 2,000 images
/// of 512×512 RGB (JPEG) with 10 boxes each and the reference detection pipeline of
/// shared/BENCHMARKS.md, one copy per image, with 1 worker and with all cores; the time covers
/// decoding, augmenting, encoding, the journal and the final labels. Memory: the peak resident
/// size of a `percept augment` child process on 2,000 and on 20,000 small (64×64) images,
/// which should differ by little more than the label index. Each case runs once, without
/// warm-up: one run is already thousands of images (and minutes on a busy machine).
struct DatasetBench {
    var filter: String?

    /// The reference pipeline, as in Fixtures/pipelines/detection.yaml.
    static let referencePipeline = """
        min_visibility: 0.3
        transforms:
          - {name: HorizontalFlip, p: 0.5}
          - {name: Affine, p: 1.0, rotate: [-15, 15], scale: [0.8, 1.2], translate_percent: [-0.1, 0.1]}
          - {name: ColorJitter, p: 1.0, brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.05}
          - {name: GaussianBlur, p: 0.5}
          - {name: RandomCrop, width: 448, height: 448}
        """

    func run(reporter: BenchReporter) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("percept-bench-dataset-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cores = ThreadBudget.threads
        let throughputCases = [("dataset-augment-2000-1-worker", 1), ("dataset-augment-2000-\(cores)-workers", cores)].filter { selected($0.0) }
        if !throughputCases.isEmpty {
            let input = scratch.appendingPathComponent("large")
            try generate(count: 2000, side: 512, into: input)
            let (dataset, _) = COCODataset.read(folder: input)
            let pipeline = try Pipeline(text: DatasetBench.referencePipeline, file: "reference pipeline")
            for (name, workers) in throughputCases {
                let augmentation = DatasetAugmentation(pipeline: pipeline, pipelineText: DatasetBench.referencePipeline, copies: 1,
                                                       seed: 1, target: .coco, workers: workers)
                var failures = 0
                let times = try measure(repeats: 1, warmup: 0) {
                    let output = scratch.appendingPathComponent("out-\(name)")
                    try? FileManager.default.removeItem(at: output)
                    failures = try augmentation.run(dataset, inputFolder: input, into: output, resume: false) { _ in }.problems.count
                    try? FileManager.default.removeItem(at: output)
                }
                var result = BenchResult(name: name, timesMs: times)
                result.extra = [("images_per_s", Double(dataset.images.count) / (result.median / 1000)), ("workers", workers),
                                ("failures", failures)]
                reporter.report(result)
            }
        }
        for count in [2000, 20000] where selected("dataset-peak-memory-\(count)") {
            let input = scratch.appendingPathComponent("small-\(count)")
            try generate(count: count, side: 64, into: input)
            let pipelineFile = scratch.appendingPathComponent("small.yaml")
            try Data(DatasetBench.referencePipeline.replacingOccurrences(of: "width: 448, height: 448", with: "width: 48, height: 48").utf8)
                .write(to: pipelineFile)
            let output = scratch.appendingPathComponent("small-out-\(count)")
            let start = DispatchTime.now().uptimeNanoseconds
            let peak = try peakResidentKilobytes(arguments: [
                "augment", input.path, output.path, "--pipeline", pipelineFile.path, "--copies", "1", "--seed", "1",
                "--workers", "\(cores)",
            ])
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: input)
            var result = BenchResult(name: "dataset-peak-memory-\(count)", timesMs: [elapsed])
            result.extra = [("images", count), ("peak_rss_mb", Double(peak) / 1024), ("images_per_s", Double(count) / (elapsed / 1000))]
            reporter.report(result)
        }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    /// A COCO dataset of `count` images of `side`×`side` pixels with 10 boxes each. Twenty
    /// pictures (gradients, painted boxes and noise) are encoded once and their bytes reused,
    /// so generating 20,000 images takes seconds; every image has its own boxes.
    private func generate(count: Int, side: Int, into folder: URL) throws {
        var random = AugmentRandom(seed: 7)
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        var pictures: [[UInt8]] = []
        for _ in 0..<20 {
            var pixels = [UInt8](repeating: 0, count: side * side * 3)
            let base = (0..<3).map { _ in random.uniform(60...180) }
            for y in 0..<side {
                for x in 0..<side {
                    for channel in 0..<3 {
                        let value = base[channel] + Double(x + y) / Double(side) * 30 + 10 * random.normal()
                        pixels[(y * side + x) * 3 + channel] = UInt8(max(0, min(255, value)))
                    }
                }
            }
            var picture = try Image(width: side, height: side, channels: 3, samples: .uint8(pixels))
            for index in 0..<10 {
                let box = randomBox(side: side, random: &random)
                picture.drawRectangle(box, color: .category(index), thickness: max(2, side / 64))
            }
            pictures.append(try picture.encoded(as: .jpeg, options: ImageWriteOptions(quality: 90)))
        }
        var dataset = LabelDataset(categories: (1...5).map { LabelCategory(id: $0, name: "class\($0)") })
        for index in 0..<count {
            let file = String(format: "image_%05d.jpg", index)
            try Data(pictures[index % pictures.count]).write(to: images.appendingPathComponent(file))
            dataset.images.append(DatasetImage(id: index + 1, file: file, width: side, height: side))
            for _ in 0..<10 {
                dataset.annotations.append(Annotation(id: dataset.annotations.count + 1, imageID: index + 1,
                                                      categoryID: random.integer(in: 1...5), box: randomBox(side: side, random: &random)))
            }
        }
        try COCODataset.write(dataset, to: folder, images: .none)
    }

    /// A box of 4–20 % of the side inside the picture, like the reference script's.
    private func randomBox(side: Int, random: inout AugmentRandom) -> BoundingBox {
        let size = Double(side)
        let x = random.uniform(0...(size * 0.78)), y = random.uniform(0...(size * 0.78))
        return BoundingBox(x: x, y: y, width: min(random.uniform(size * 0.04...size * 0.2), size - 1 - x),
                           height: min(random.uniform(size * 0.04...size * 0.2), size - 1 - y))
    }

    /// Runs this `percept` binary with `arguments` and returns the child's peak resident set
    /// in KiB, from `wait4`'s resource usage.
    private func peakResidentKilobytes(arguments: [String]) throws -> Int {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child's progress lines and summary are not part of the benchmark's output.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
            throw BenchError.childFailed("cannot start \(executable)")
        }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else { throw BenchError.childFailed("wait4 failed for \(executable)") }
        guard status == 0 else { throw BenchError.childFailed("percept \(arguments.joined(separator: " ")) exited with status \(status)") }
        return usage.ru_maxrss
    }
}

/// A benchmark step that could not run.
enum BenchError: Error, CustomStringConvertible {
    case childFailed(String)

    var description: String {
        switch self {
        case .childFailed(let message): "bench: \(message)"
        }
    }
}
