import Foundation
import PerceptImage
import PerceptModels
import PerceptNN
import PerceptTensor

/// The callback that shows an autoencoder learning: after every epoch it writes into the run
/// folder's `samples/` the same validation images and their reconstructions
/// (`epoch_003_reconstructions.png`: clean row, then the model's row; with noise
/// `epoch_003_denoised.png`: clean, corrupted and denoised rows) and, for a VAE, images decoded
/// from the same fixed codes (`epoch_003_generated.png`; a conditional VAE one row per class).
public final class AutoencoderSnapshots: TrainingCallback {
    /// The folder the PNGs go to.
    public let folder: String
    private let images: Tensor, labels: Tensor
    private let task: AutoencoderTask
    private let generationCodes: Tensor?, generationLabels: Tensor?

    /// Snapshots of `images` `[N, C, H, W]` (with class `labels` `[N]`) for `model` trained by `task`, into `folder`.
    public init(folder: String, images: Tensor, labels: Tensor, task: AutoencoderTask, model: any Autoencoder) throws {
        self.folder = folder
        self.images = images
        self.labels = labels
        self.task = task
        var generator = RandomGenerator(seed: task.settings.seed ^ 0x5A3B_1E5)
        if model.isVariational {
            let perRow = 8, rows = model.conditionClasses > 0 ? Swift.min(model.conditionClasses, 16) : 8
            generationCodes = Tensor.randomNormal([perRow * rows, model.latentFeatures], generator: &generator)
            generationLabels = model.conditionClasses > 0 ? try Tensor(indices: (0..<(perRow * rows)).map { $0 / perRow }) : nil
        } else {
            generationCodes = nil
            generationLabels = nil
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError.unwritable(file: folder, reason: error.localizedDescription)
        }
    }

    public func epochEnded(_ record: EpochRecord, trainer: Trainer) throws {
        guard let model = trainer.model as? any Autoencoder else { return }
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        let stem = (folder as NSString).appendingPathComponent(String(format: "epoch_%03d_", record.epoch))
        try trainer.withWeightsToEvaluate {
            try withoutGrad {
                let conditioning = model.conditionClasses > 0 ? labels : nil
                let count = images.shape[0]
                if task.settings.noise.isEmpty {
                    let rows = try Tensor.concatenate([images, model.reconstruct(images, labels: conditioning)], axis: 0)
                    try write(ImageGrid.make(rows, columns: count), to: stem + "reconstructions.png")
                } else {
                    var generator = RandomGenerator(seed: task.settings.seed ^ 0xD3_0153)
                    let corrupted = try ImageNoise.apply(task.settings.noise, to: images, generator: &generator)
                    let rows = try Tensor.concatenate([images, corrupted, model.reconstruct(corrupted, labels: conditioning)], axis: 0)
                    try write(ImageGrid.make(rows, columns: count), to: stem + "denoised.png")
                }
                if let generationCodes {
                    let generated = try model.decodeLogits(generationCodes, labels: generationLabels).sigmoid()
                    try write(ImageGrid.make(generated, columns: 8), to: stem + "generated.png")
                }
            }
        }
    }

    private func write(_ image: Image, to file: String) throws {
        do {
            try image.write(to: URL(fileURLWithPath: file))
        } catch {
            throw RunFolderError.unwritable(file: file, reason: "\(error)")
        }
    }
}
