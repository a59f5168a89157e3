import ArgumentParser
import Foundation
import Percept

/// The options of commands that run trained weights over a dataset's validation split
/// (`classify val`, `autoencoder embed`): the data as `… train --data` takes it, and how to read it.
struct ValidationDataOptions: ParsableArguments {
    @Option(help: "The data, as `… train --data` takes it.")
    var data: String
    @Option(help: "Examples per batch (default 256).")
    var batch = 256
    @Option(name: .customLong("val-split"), help: "The validation share of a folder of class folders (default 0.2).")
    var valSplit = 0.2
    @Option(help: "The seed of that split (default 0, as training's).")
    var seed: UInt64 = 0
    @Option(help: "Data-loading threads (default 1).")
    var workers = 1
    @Flag(name: .customLong("skip-bad"), help: "Skip unreadable images with a warning.")
    var skipBad = false

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard valSplit > 0 && valSplit < 1 else { throw ValidationError("--val-split must be between 0 and 1, got \(valSplit)") }
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more, got \(workers)") }
    }

    /// The data for a model of square `size` (and `channels`, when given), its warnings printed.
    func load(size: Int, channels: Int? = nil) throws -> ClassificationData {
        let dataset = try ClassifyData.load(data, imageSize: size, validationSplit: valSplit, seed: seed, skipBad: skipBad, channels: channels)
        for warning in dataset.warnings { ClassifyCLI.printError("\(warning.file): warning: \(warning.message)") }
        return dataset
    }

    /// A sequential loader over the validation split, resized to `size`, then normalised when
    /// the weights carry a `normalization`.
    func validationLoader(_ dataset: ClassificationData, size: Int, normalization: ChannelNormalization? = nil) throws -> DataLoader {
        let resize = ClassifyData.resizing(dataset, to: size)
        return try DataLoader(dataset.validation, batchSize: batch, sampler: .sequential, workers: workers, name: data,
                              transform: normalization.map { $0.transform(after: resize) } ?? resize)
    }
}
