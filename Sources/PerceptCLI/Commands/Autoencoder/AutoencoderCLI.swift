import ArgumentParser
import Foundation
import Percept

/// What the `autoencoder` commands share: loading trained autoencoders, reading images the way
/// the model was trained on them, and writing tensors as PNGs.
enum AutoencoderCLI {
    /// The autoencoder in `weights` (best or last of a run), in eval mode; a file holding
    /// another kind of model is an error naming it.
    static func load(_ weights: String) throws -> (model: any Autoencoder, description: ModelDescription) {
        let trained = try TrainedModel.load(weights)
        guard let model = trained.model as? any Autoencoder else {
            throw ClassifyInputError(description: "\(weights): error: the weights are a \(trained.description.name), not an autoencoder (ae, conv_ae, vae, vae_fashion, cvae)")
        }
        return (model, trained.description)
    }

    /// `--noise` specs parsed; one that does not parse is a usage error naming the flag and the spec.
    static func noise(_ specs: [String]) throws -> [ImageNoise] {
        try specs.map { spec in
            do {
                return try ImageNoise(parsing: spec)
            } catch let error as ImageNoiseError {
                throw ValidationError("--noise '\(spec)': \(error.reason) (expected gaussian:SIGMA, salt-pepper:AMOUNT or cutout:FRACTION)")
            }
        }
    }

    /// The image at `path` as the model's `[C, size, size]` input in `0...1`
    /// (``AutoencoderInput/tensor(_:file:for:)``); an image that does not fit is an error naming the file.
    static func input(_ path: String, for description: ModelDescription) throws -> Tensor {
        do {
            return try AutoencoderInput.tensor(Image(contentsOf: URL(fileURLWithPath: path)), file: path, for: description)
        } catch let error as AutoencoderInputError {
            throw ClassifyInputError(description: error.description)
        }
    }

    /// Writes a `[C, H, W]` tensor in `0...1` as a PNG.
    static func writePNG(_ tensor: Tensor, to url: URL) throws {
        try Image(tensor: tensor.contiguous()).write(to: url, format: .png)
    }

    /// The first `count` examples of the loader's first batch (fewer when it is smaller).
    static func firstExamples(_ loader: DataLoader, count: Int) throws -> Batch {
        var batches = loader.batches(epoch: 0)
        guard let batch = try batches.next() else { throw TrainingError.emptyDataset(what: "validation") }
        let taken = Swift.min(count, batch.count)
        guard taken < batch.count else { return batch }
        let input = try batch.input.split(sizes: [taken, batch.count - taken], axis: 0)[0].contiguous()
        let target = try batch.target.split(sizes: [taken, batch.count - taken], axis: 0)[0].contiguous()
        return Batch(input: input, target: target, indices: Array(batch.indices.prefix(taken)))
    }

    /// File names for `files`' results in one folder: each stem, with `_2`, `_3`, … where stems repeat.
    static func outputNames(_ files: [URL], suffix: String = "") -> [String] {
        var seen: [String: Int] = [:]
        return files.map { file in
            let stem = file.deletingPathExtension().lastPathComponent
            seen[stem, default: 0] += 1
            let count = seen[stem] ?? 1
            return stem + (count > 1 ? "_\(count)" : "") + suffix + ".png"
        }
    }
}
