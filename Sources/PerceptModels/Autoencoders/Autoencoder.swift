import PerceptNN
import PerceptTensor

/// Where an encoder puts an image: a point (`mean`) for plain autoencoders, a Gaussian
/// `N(mean, exp(logVariance))` for variational ones.
public struct LatentCode {
    /// The embedding: the code of a plain autoencoder, μ of a VAE. `[N, latent]`.
    public var mean: Tensor
    /// log σ² of a VAE's posterior, nil for a deterministic encoder. `[N, latent]`.
    public var logVariance: Tensor?

    /// A code from its mean and, for a VAE, its log-variance.
    public init(mean: Tensor, logVariance: Tensor? = nil) {
        self.mean = mean
        self.logVariance = logVariance
    }

    /// `z = μ + σ·ε` (the reparameterisation trick) for a VAE with noise `epsilon` (drawn from
    /// N(0, 1) when nil); the mean itself for a deterministic code.
    public func sample(epsilon: Tensor? = nil) throws -> Tensor {
        guard let logVariance else { return mean }
        let noise = epsilon ?? Tensor.randomNormal(mean.shape)
        return try mean + (logVariance * 0.5).exp() * noise
    }
}

/// A model of the `autoencoder` task: an encoder to a latent code and a decoder back to an
/// image. Decoders end in logits; the reconstruction is their sigmoid, in `0...1` as the data.
/// `forward` (the registry's one output) is the reconstruction of the mean code, so an ONNX
/// export or `percept summary` sees an image-to-image model; `encode`/`decode` give the rest.
///
/// ```swift
/// let model = try ModelRegistry.build("vae_fashion", configuration: .init(numClasses: 10, inputChannels: 1, imageSize: 28)) as! any Autoencoder
/// let code = try model.encode(images, labels: nil)
/// let images = try model.decodeLogits(code.sample(), labels: nil).sigmoid()
/// ```
public protocol Autoencoder: Module, Layer {
    /// The width of the latent code.
    var latentFeatures: Int { get }
    /// Classes a conditional model is conditioned on; 0 for an unconditional one.
    var conditionClasses: Int { get }
    /// Whether the encoder gives a distribution (a VAE) rather than a point.
    var isVariational: Bool { get }
    /// The code of `input` `[N, C, H, W]`; `labels` `[N]` (class indices) condition a conditional model.
    func encode(_ input: Tensor, labels: Tensor?) throws -> LatentCode
    /// The decoder's logits `[N, C, H, W]` for codes `[N, latent]`.
    func decodeLogits(_ latent: Tensor, labels: Tensor?) throws -> Tensor
}

extension Autoencoder {
    /// The reconstruction in `0...1` of `input` through the mean code (no sampling).
    public func reconstruct(_ input: Tensor, labels: Tensor? = nil) throws -> Tensor {
        try decodeLogits(encode(input, labels: labels).mean, labels: labels).sigmoid()
    }
}

/// Helpers the autoencoder families share.
enum AutoencoderParts {
    /// The one-hot rows `[N, classes]` of class indices `[N]`, or zero rows when `labels` is nil
    /// (a conditional model run without a condition); an index outside `0..<classes` throws.
    static func oneHot(_ labels: Tensor?, count: Int, classes: Int) throws -> Tensor {
        var values = [Float](repeating: 0, count: count * classes)
        if let labels {
            let indices = labels.toIntArray()
            guard indices.count == count else {
                throw TensorError.shapeMismatch(operation: "conditional autoencoder labels", shapes: [labels.shape, [count]])
            }
            for (row, index) in indices.enumerated() {
                guard (0..<classes).contains(index) else {
                    throw TensorError.invalidArgument(operation: "conditional autoencoder", message: "class \(index) is outside 0..<\(classes)")
                }
                values[row * classes + index] = 1
            }
        }
        return try Tensor(values, shape: [count, classes])
    }

    /// A positive integer option of `configuration`, or `defaultValue`.
    static func integerOption(_ configuration: ModelConfiguration, _ key: String, default defaultValue: Int, model: String) throws -> Int {
        let value = configuration.option(key, default: Double(defaultValue))
        guard value >= 1, value == value.rounded(), value < 1e6 else {
            throw ModelRegistryError.invalidConfiguration(model: model, message: "option \(key) must be a positive integer, got \(value)")
        }
        return Int(value)
    }
}
