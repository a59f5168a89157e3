import PerceptNN
import PerceptTensor

/// A multilayer perceptron over flattened images: Linear → ReLU → Dropout → Linear.
/// Options: `hidden` (width, default 256; `units`, Keras' name for it, is accepted too) and
/// `dropout` (default 0).
public final class MLP: Module, Layer {
    /// The hidden layer.
    public let hidden: Linear
    /// Dropout after the hidden activation.
    public let dropout: Dropout
    /// The classification head.
    public let output: Linear

    /// An MLP for `inputFeatures` inputs.
    public init(inputFeatures: Int, hiddenFeatures: Int, numClasses: Int, dropout probability: Float) throws {
        hidden = try Linear(inputFeatures, hiddenFeatures)
        dropout = try Dropout(probability: probability)
        output = try Linear(hiddenFeatures, numClasses)
        super.init()
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try output(dropout(hidden(input.flattened(from: 1)).relu()))
    }

    static let entry = ClassifierZoo.entry(
        "mlp", summary: "multilayer perceptron: flatten, Linear(hidden), ReLU, dropout, Linear (options hidden, 256, and dropout, 0)",
        defaults: ClassifierZoo.gray28, minimumImageSize: 1, options: ["hidden", "units", "dropout"]
    ) { configuration in
        guard configuration.options["units"] == nil || configuration.options["hidden"] == nil else {
            throw ModelRegistryError.invalidConfiguration(model: "mlp", message: "options hidden and units are the same width; give one of them")
        }
        let widthOption = configuration.options["units"] == nil ? "hidden" : "units"
        let hidden = try ClassifierZoo.count(widthOption, of: configuration, default: 256, model: "mlp")
        return try MLP(inputFeatures: configuration.inputChannels * configuration.imageSize * configuration.imageSize,
                       hiddenFeatures: hidden, numClasses: configuration.numClasses,
                       dropout: try ClassifierZoo.probability("dropout", of: configuration, default: 0, model: "mlp"))
    }
}
