import Foundation
import Percept

/// `percept bench eval`: COCO bbox evaluation of the reference set of shared/BENCHMARKS.md
/// (500 images of 640×480, 10 ground-truth boxes and 50 noisy detections each, 5 categories),
/// timed from reading the two JSON files to the summary numbers, as pycocotools is timed
/// there (≈2.25 s); also ten times larger, with the process's peak memory.
/// Tools/pycocotools-eval-reference builds the same sets with the same generator and times
/// pycocotools on them in the same session.
struct EvalBench {
    var repeats: Int
    var filter: String?

    /// pycocotools 2.0 on the reference set on this machine kind (shared/BENCHMARKS.md).
    private let pycocotoolsReferenceMs = 2250.0

    func run(reporter: BenchReporter) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-bench-eval-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, images, repeats) in [("eval-bbox-500-images-25k-detections", 500, repeats),
                                        ("eval-bbox-5000-images-250k-detections", 5000, max(1, repeats / 3))] where selected(name) {
            let (truthFile, resultsFile) = try EvalBenchSet.write(images: images, into: folder)
            var stats: [Double] = [], readMs: [Double] = [], cpuMs: [Double] = []
            let times = try measure(repeats: repeats, warmup: 1) {
                let cpuStart = processorMilliseconds()
                defer { cpuMs.append(processorMilliseconds() - cpuStart) }
                let start = DispatchTime.now().uptimeNanoseconds
                let (truth, _) = try COCOGroundTruthReader.read([UInt8](try Data(contentsOf: truthFile)), file: truthFile.path, iouType: .bbox)
                let (detections, _) = try COCODetectionReader.read([UInt8](try Data(contentsOf: resultsFile)), file: resultsFile.path,
                                                                   groundTruth: truth, iouType: .bbox)
                readMs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                stats = try COCOEvaluator.evaluate(groundTruth: truth, detections: detections, parameters: COCOEvaluationParameters(iouType: .bbox)).stats
            }
            var result = BenchResult(name: name, timesMs: times)
            // CPU time on all threads: comparable between runs even when other jobs share the cores.
            result.extra = [("cpu_ms", cpuMs.sorted()[cpuMs.count / 2]), ("reading_ms", readMs.sorted()[readMs.count / 2]), ("AP", String(format: "%.6f", stats.first ?? -1)),
                            ("AP50", String(format: "%.6f", stats.count > 1 ? stats[1] : -1)),
                            ("peak_rss_mb", peakResidentMegabytes()), ("threads", ThreadBudget.threads)]
            if images == 500 { result.extra.append(("vs_pycocotools_reference_x", pycocotoolsReferenceMs / result.median)) }
            reporter.report(result)
        }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    /// User and system time of the whole process so far.
    private func processorMilliseconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) * 1000 + Double(usage.ru_utime.tv_usec) / 1000
        return user + Double(usage.ru_stime.tv_sec) * 1000 + Double(usage.ru_stime.tv_usec) / 1000
    }

    private func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// The benchmark sets, generated from a fixed seed with `SplitMix64` so that the Python
/// reference script (Tools/pycocotools-eval-reference) writes identical numbers.
enum EvalBenchSet {
    /// Writes gt.json and results.json for `images` images into `folder`.
    static func write(images: Int, into folder: URL) throws -> (truth: URL, results: URL) {
        var random = SplitMix64(seed: 20261122)
        var imageRecords: [JSONValue] = [], annotations: [JSONValue] = [], results: [JSONValue] = []
        var nextID = 1
        for image in 1...images {
            imageRecords.append(.object([("id", .number(Double(image))), ("width", 640), ("height", 480), ("file_name", .string("\(image).jpg"))]))
            for _ in 0..<10 {
                let x = random.uniform(0, 500), y = random.uniform(0, 380), width = random.uniform(8, 140), height = random.uniform(8, 100)
                let category = random.integer(1, 6)
                annotations.append(.object([("id", .number(Double(nextID))), ("image_id", .number(Double(image))), ("category_id", .number(Double(category))),
                                            ("bbox", .array([.number(x), .number(y), .number(width), .number(height)])),
                                            ("area", .number(width * height)), ("iscrowd", 0)]))
                nextID += 1
                for _ in 0..<5 {
                    let jitter = [random.nextGaussian() * 0.15 * width, random.nextGaussian() * 0.15 * height, random.nextGaussian() * 0.15 * width, random.nextGaussian() * 0.15 * height]
                    let keep = random.uniform(0, 1) < 0.8
                    let label = keep ? category : random.integer(1, 6)
                    let box = [x + jitter[0], y + jitter[1], max(1, width + jitter[2]), max(1, height + jitter[3])]
                    results.append(.object([("image_id", .number(Double(image))), ("category_id", .number(Double(label))),
                                            ("bbox", .array(box.map { .number($0) })), ("score", .number(random.uniform(0, 1)))]))
                }
            }
        }
        let categories: [JSONValue] = (1...5).map { .object([("id", .number(Double($0))), ("name", .string("c\($0)"))]) }
        let truth = folder.appendingPathComponent("gt-\(images).json"), detections = folder.appendingPathComponent("results-\(images).json")
        try Data(JSONWriter.encode(.object([("images", .array(imageRecords)), ("annotations", .array(annotations)),
                                            ("categories", .array(categories))]), pretty: false)).write(to: truth)
        try Data(JSONWriter.encode(.array(results), pretty: false)).write(to: detections)
        return (truth, detections)
    }
}

extension SplitMix64 {
    /// Uniform in `low..<high` from the top 53 bits.
    fileprivate mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * (Double(next() >> 11) * 0x1p-53)
    }

    /// Uniform integer in `low..<high`.
    fileprivate mutating func integer(_ low: Int, _ high: Int) -> Int { low + Int(uniform(0, 1) * Double(high - low)) }
}
