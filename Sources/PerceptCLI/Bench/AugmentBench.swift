import Foundation
import Percept

/// `percept bench augment`: the reference detection pipeline of shared/BENCHMARKS.md
/// (hflip p0.5, Affine rotate ±15° scale 0.8–1.2 translate ±0.1, ColorJitter(0.2, 0.2, 0.2,
/// 0.05), GaussianBlur p0.5, RandomCrop 448; 512×512 RGB with 10 boxes, min_visibility 0.3)
/// in images per second on one core and on all cores, then PNG and JPEG decode/encode at
/// 1024×768 on one core.
struct AugmentBench {
    var repeats: Int
    var filter: String?

    /// Albumentations 2.0.8 on one thread on this machine kind (shared/BENCHMARKS.md).
    private let albumentationsImagesPerSecond = 168.0

    func run(reporter: BenchReporter) throws {
        let pipeline = try Pipeline(transforms: try referenceTransforms(alwaysOn: false), settings: BoxSettings(minVisibility: 0.3))
        // The classification pipeline of shared/BENCHMARKS.md (no boxes).
        let classification = try Pipeline(transforms: [
            Flip(.horizontal, probability: 0.5), Rotate(limit: -15...15, probability: 1),
            RandomBrightnessContrast(probability: 1), try Resize(width: 224, height: 224),
        ])
        let pipelineCases = ["augment-detection-1-thread", "augment-detection-\(ThreadBudget.threads)-threads",
                             "augment-classification-1-thread"]
            + (try referenceTransforms(alwaysOn: true)).map { "augment-stage-\($0.name)" }
        // Making the samples takes seconds; codec-only runs skip it.
        let samples = pipelineCases.contains(where: selected) ? try referenceSamples(count: 50) : []
        let cores = ThreadBudget.threads
        for (name, threads) in [("augment-detection-1-thread", 1), ("augment-detection-\(cores)-threads", cores)] where selected(name) {
            var result = BenchResult(name: name, timesMs: try time(pipeline, on: samples, threads: threads))
            let rate = Double(samples.count) / (result.median / 1000)
            result.extra = [("images_per_s", rate), ("threads", threads),
                            ("vs_albumentations_per_thread", rate / Double(threads) / albumentationsImagesPerSecond)]
            reporter.report(result)
        }
        if selected("augment-classification-1-thread") {
            let unboxed = try samples.map { try Sample(image: $0.image) }
            var result = BenchResult(name: "augment-classification-1-thread", timesMs: try time(classification, on: unboxed, threads: 1))
            result.extra = [("images_per_s", Double(unboxed.count) / (result.median / 1000)), ("threads", 1)]
            reporter.report(result)
        }
        // Each transform of the pipeline alone, always applied, on the same 512×512 samples:
        // where the pipeline's time goes.
        for transform in try referenceTransforms(alwaysOn: true) where selected("augment-stage-\(transform.name)") {
            let stage = try Pipeline(transforms: [transform], settings: BoxSettings(minVisibility: 0.3))
            var result = BenchResult(name: "augment-stage-\(transform.name)", timesMs: try time(stage, on: samples, threads: 1))
            result.extra = [("ms_per_image", result.median / Double(samples.count)), ("threads", 1)]
            reporter.report(result)
        }
        // The codec figures the augmentation issue asks for beside the pipeline (one thread).
        guard ImageBench.codecCaseNames.contains(where: selected) else { return }
        let picture = ImageBench.naturalPicture(width: 1024, height: 768)
        let megapixels = Double(picture.width * picture.height) / 1e6
        for (name, bytes, body) in try ImageBench.codecCases(picture) where selected(name) {
            var result = BenchResult(name: name, timesMs: try onOneCore { try measure(repeats: repeats, body) })
            result.extra = [("megapixels_per_s", megapixels / (result.median / 1000)), ("bytes", bytes)]
            reporter.report(result)
        }
    }

    /// Milliseconds of each repetition of augmenting `samples` with `pipeline` (pinned to one
    /// CPU when `threads` is 1); throws the first sample's error, if any.
    private func time(_ pipeline: Pipeline, on samples: [Sample], threads: Int) throws -> [Double] {
        var failure: (any Error)?
        let run = {
            for result in pipeline.augment(batch: samples, seed: 1, threads: threads) {
                if case .failure(let error) = result { failure = error }
            }
        }
        let times = threads == 1 ? try onOneCore { measure(repeats: repeats, warmup: 1, run) } : measure(repeats: repeats, warmup: 1, run)
        if let failure { throw failure }
        return times
    }

    /// The reference pipeline's transforms; `alwaysOn` sets every probability to 1.
    private func referenceTransforms(alwaysOn: Bool) throws -> [any Transform] {
        [
            Flip(.horizontal, probability: alwaysOn ? 1 : 0.5),
            Affine(scale: AxisRanges(0.8...1.2), translatePercent: AxisRanges(-0.1...0.1), rotate: -15...15, probability: 1),
            try ColorJitter(brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.05, probability: 1),
            try GaussianBlur(probability: alwaysOn ? 1 : 0.5),
            try FixedSizeCrop(width: 448, height: 448),
        ]
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    /// Noise images like the reference script's (normal around 128, deviation 40) with 10
    /// boxes each, from a fixed seed.
    private func referenceSamples(count: Int) throws -> [Sample] {
        var random = AugmentRandom(seed: 0)
        return try (0..<count).map { _ in
            let pixels = (0..<512 * 512 * 3).map { _ in UInt8(max(0, min(255, 128 + 40 * random.normal()))) }
            let boxes = (0..<10).map { _ -> BoundingBox in
                let x = random.uniform(0...400), y = random.uniform(0...400)
                return BoundingBox(x: x, y: y, width: min(random.uniform(20...100), 511 - x), height: min(random.uniform(20...100), 511 - y))
            }
            return try Sample(image: Image(width: 512, height: 512, channels: 3, samples: .uint8(pixels)), boxes: boxes)
        }
    }
}

/// Runs `body` with this process pinned to one CPU, so image operations that split work
/// across cores cannot use a second one; the previous affinity is restored afterwards.
/// (Glibc's module hides the `sched_*affinity` calls behind _GNU_SOURCE, so they are looked
/// up at run time; when that fails the body runs unpinned.)
private func onOneCore<Value>(_ body: () throws -> Value) throws -> Value {
    typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    guard let getSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity"),
          let setSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else { return try body() }
    let getAffinity = unsafeBitCast(getSymbol, to: AffinityCall.self), setAffinity = unsafeBitCast(setSymbol, to: AffinityCall.self)
    var previous = [UInt8](repeating: 0, count: 128)
    guard getAffinity(0, previous.count, &previous) == 0, let index = previous.firstIndex(where: { $0 != 0 }) else { return try body() }
    var single = [UInt8](repeating: 0, count: previous.count)
    // The lowest CPU this process may use: the lowest set bit of the first non-zero byte.
    single[index] = previous[index] & (~previous[index] &+ 1)
    _ = setAffinity(0, single.count, &single)
    defer { _ = setAffinity(0, previous.count, &previous) }
    return try body()
}
