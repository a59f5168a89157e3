import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// How an autoencoder's reconstruction is scored against the clean image.
public enum ReconstructionLoss: String, Codable, CaseIterable, Sendable {
    /// Binary cross-entropy of the decoder's logits (images in `0...1` as targets).
    case bce
    /// Squared error of the reconstruction (the logits' sigmoid).
    case mse
}

/// The knobs of autoencoder training.
public struct AutoencoderSettings: Equatable, Sendable {
    /// The reconstruction term.
    public var loss = ReconstructionLoss.bce
    /// The weight of a VAE's KL term once warmed up.
    public var beta = 1.0
    /// Epochs over which β rises linearly from 0 (0: no warm-up).
    public var betaWarmupEpochs = 0.0
    /// Corruptions of the input for denoising (empty: a plain autoencoder).
    public var noise: [ImageNoise] = []
    /// The seed of the noise and of a VAE's ε: batch by batch the same numbers in every run and on resume.
    public var seed: UInt64 = 0

    /// The defaults: BCE, β 1 without warm-up, no noise.
    public init() {}
}

/// Training an ``Autoencoder``: the input (corrupted by the settings' noise) is encoded, the
/// code (sampled, for a VAE) decoded, and the loss per image is the reconstruction error summed
/// over the pixels plus β·KL for a VAE (so `vae_fashion`'s loss is the negative ELBO PyTorch's
/// reference prints). A conditional model reads the batch's class labels. Validation reports
/// `psnr` of the reconstruction against the clean image, with noise `psnr_input` (the corrupted
/// input's), and for a VAE `reconstruction`, `kl` and `elbo` (reconstruction + KL per image).
/// Validation uses the final β.
public final class AutoencoderTask: TrainingTask {
    /// The settings.
    public let settings: AutoencoderSettings
    /// Whether the model is a VAE (decides the metrics).
    public let isVariational: Bool
    /// Whether the model is conditioned on class labels.
    public let isConditional: Bool
    private var progress: TrainingProgress?
    private var stepsPerEpoch = 1
    /// The reconstruction and KL terms (per image) of the latest step, for its validation accumulator.
    fileprivate var lastTerms = (reconstruction: 0.0, kl: 0.0, corrupted: nil as Tensor?)

    /// A task for `model`'s kind (variational or not, conditional or not).
    public init(settings: AutoencoderSettings, model: any Autoencoder) {
        self.settings = settings
        isVariational = model.isVariational
        isConditional = model.conditionClasses > 0
    }

    /// Makes β follow a trainer's steps (its warm-up); without it β is always the final value.
    public func follow(_ progress: TrainingProgress, stepsPerEpoch: Int) {
        self.progress = progress
        self.stepsPerEpoch = Swift.max(stepsPerEpoch, 1)
    }

    /// β for a training step: linear from 0 over the warm-up epochs, then the settings' β.
    public func beta(atStep step: Int) -> Double {
        let warmupSteps = settings.betaWarmupEpochs * Double(stepsPerEpoch)
        guard warmupSteps > 0 else { return settings.beta }
        return settings.beta * Swift.min(1, Double(step + 1) / warmupSteps)
    }

    public var name: String { "autoencoder" }

    public var metricNames: [String] {
        ["psnr"] + (settings.noise.isEmpty ? [] : ["psnr_input"]) + (isVariational ? ["reconstruction", "kl", "elbo"] : [])
    }

    /// A VAE's best epoch has the highest `elbo` (minus its loss per image at β = 1); other
    /// models' the highest PSNR.
    public var fitnessMetric: String { isVariational ? "elbo" : "psnr" }

    public func step(_ model: any ZooModel, _ batch: Batch) throws -> (loss: Tensor, output: Tensor) {
        guard let model = model as? any Autoencoder else {
            throw NotAnAutoencoderError(model: String(describing: type(of: model)))
        }
        // Noise and ε depend on the seed, the step (0 in validation) and the batch, never on
        // the default generator, so validation sees the same corruption every epoch and a
        // resumed run draws what the uninterrupted one drew.
        let step = model.isTraining ? UInt64(progress?.step ?? 0) + 1 : 0
        var generator = RandomGenerator(seed: settings.seed ^ (step &* 0x9E37_79B9_7F4A_7C15)
                                        ^ (UInt64(batch.indices.first ?? 0) &* 0xBF58_476D_1CE4_E5B9) ^ (UInt64(batch.count) << 40))
        let clean = batch.input
        let corrupted = settings.noise.isEmpty ? clean : try ImageNoise.apply(settings.noise, to: clean, generator: &generator)
        let labels = isConditional ? batch.target : nil
        let code = try model.encode(corrupted, labels: labels)
        let latent = try code.sample(epsilon: code.logVariance == nil ? nil : Tensor.randomNormal(code.mean.shape, generator: &generator))
        let logits = try model.decodeLogits(latent, labels: labels)
        let images = Float(Swift.max(batch.count, 1))
        let reconstructionTerm = switch settings.loss {
        case .bce: try Loss.binaryCrossEntropyWithLogits(logits, clean, reduction: .sum) / images
        case .mse: try Loss.meanSquaredError(logits.sigmoid(), clean, reduction: .sum) / images
        }
        var loss = reconstructionTerm, klValue = 0.0
        if let logVariance = code.logVariance {
            let kl = try Loss.gaussianKLDivergence(mean: code.mean, logVariance: logVariance, reduction: .sum) / images
            let beta = model.isTraining ? beta(atStep: progress?.step ?? Int.max - 1) : settings.beta
            loss = try loss + kl * Float(beta)
            klValue = Double(try kl.item())
        }
        lastTerms = (Double(try reconstructionTerm.item()), klValue, settings.noise.isEmpty ? nil : corrupted)
        return (loss, logits)
    }

    public func makeValidation() -> any ValidationAccumulator { AutoencoderValidation(task: self) }
}

/// A model that is not an ``Autoencoder`` was given to the autoencoder task.
public struct NotAnAutoencoderError: Error, CustomStringConvertible {
    /// The model's type.
    public let model: String
    public var description: String { "error: \(model) is not an autoencoder (ae, conv_ae, vae, vae_fashion, cvae)" }
}

/// Validation of an autoencoder: PSNR of the reconstructions (and of the corrupted inputs),
/// and a VAE's terms, averaged per image.
public final class AutoencoderValidation: ValidationAccumulator {
    private let task: AutoencoderTask
    private var psnrSum = 0.0, inputPSNRSum = 0.0, reconstructionSum = 0.0, klSum = 0.0
    private var count = 0

    init(task: AutoencoderTask) { self.task = task }

    public func add(output: Tensor, batch: Batch) throws {
        let clean = batch.input
        psnrSum += try PeakSignalToNoise.perImage(output.sigmoid(), clean).reduce(0, +)
        if let corrupted = task.lastTerms.corrupted { inputPSNRSum += try PeakSignalToNoise.perImage(corrupted, clean).reduce(0, +) }
        reconstructionSum += task.lastTerms.reconstruction * Double(batch.count)
        klSum += task.lastTerms.kl * Double(batch.count)
        count += batch.count
    }

    public func metrics() -> [String: Double] {
        let n = Double(Swift.max(count, 1))
        var metrics = ["psnr": psnrSum / n]
        if !task.settings.noise.isEmpty { metrics["psnr_input"] = inputPSNRSum / n }
        if task.isVariational {
            metrics["reconstruction"] = reconstructionSum / n
            metrics["kl"] = klSum / n
            metrics["elbo"] = -(reconstructionSum + klSum) / n
        }
        return metrics
    }
}
