import ArgumentParser
import Foundation
import Percept

/// `percept bench AREA [--json]`: speed measurements, one JSON object per case.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (release builds only). Prints one line per case; --json prints one JSON object per line."
    )

    /// The parts of Percept that have benchmarks.
    enum Area: String, ExpressibleByArgument, CaseIterable {
        case tensor
        case image
        case cloud
        case nn
        case augment
        case dataset
        case eval
        case annotate
        case train
        case detect
        case distributed
    }

    @Argument(help: "What to measure: \(Area.allCases.map(\.rawValue).joined(separator: ", ")).")
    var area: Area

    @Flag(help: "One JSON object per case on each line.")
    var json = false

    @Option(help: "Only the cases whose name contains this text.")
    var filter: String?

    @Option(help: "Timed repetitions per case (after warm-up).")
    var repeats: Int = 10

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let reporter = BenchReporter(json: json)
        switch area {
        case .tensor:
            try TensorBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .image:
            try ImageBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .cloud:
            try CloudBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .nn:
            try NNBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .augment:
            try AugmentBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .dataset:
            try DatasetBench(filter: filter).run(reporter: reporter)
        case .eval:
            try EvalBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .annotate:
            try AnnotateBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .train:
            try TrainBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .detect:
            try DetectionPredictBench(repeats: repeats, filter: filter).run(reporter: reporter)
        case .distributed:
            try DistributedBench(repeats: repeats, filter: filter).run(reporter: reporter)
        }
    }
}
