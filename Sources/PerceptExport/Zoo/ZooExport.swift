import PerceptModels
import PerceptNN
import PerceptTensor

/// Which graph of a model to export: the whole model, or an autoencoder's encoder or decoder.
public enum ModelPart: String, CaseIterable, Sendable {
    case full, encoder, decoder
}

/// Errors choosing what to export from a zoo model.
public enum ZooExportError: Error, Equatable, CustomStringConvertible {
    /// `--part encoder|decoder` on a model that is not an autoencoder.
    case partNeedsAutoencoder(part: String, model: String)
    /// A conditional autoencoder needs class labels, which the exported graph does not take.
    case conditionalAutoencoder(model: String)

    public var description: String {
        switch self {
        case let .partNeedsAutoencoder(part, model):
            "--part \(part) applies to autoencoders; \(model) has only the full graph"
        case let .conditionalAutoencoder(model):
            "\(model) is conditioned on class labels, which an exported graph does not take yet"
        }
    }
}

/// The export signature of each zoo task: what goes in, what comes out, which call runs.
public enum ZooExport {
    /// The signature of `part` of `model` (a zoo model for `task`), for inputs of `imageSize`
    /// (height, width; for point clouds the point count is the width), batch 1. A YOLO
    /// detector's (YOLOv8 or yolov3n) is ``DetectionExport``'s (Ultralytics' `output0`).
    public static func signature(for model: any ZooModel, name: String, task: ModelTask, configuration: ModelConfiguration,
                                 part: ModelPart, imageSize: (height: Int, width: Int)) throws -> ExportSignature {
        let channels = configuration.inputChannels
        if let autoencoder = model as? any Autoencoder {
            guard autoencoder.conditionClasses == 0 else { throw ZooExportError.conditionalAutoencoder(model: name) }
            let images = (name: "images", shape: [1, channels, imageSize.height, imageSize.width])
            switch part {
            case .full:
                return ExportSignature(inputs: [images], outputNames: ["reconstruction"]) { [try autoencoder.reconstruct($0[0])] }
            case .encoder:
                guard autoencoder.isVariational else {
                    return ExportSignature(inputs: [images], outputNames: ["latent"]) { [try autoencoder.encode($0[0], labels: nil).mean] }
                }
                return ExportSignature(inputs: [images], outputNames: ["mean", "log_variance"]) { inputs in
                    let code = try autoencoder.encode(inputs[0], labels: nil)
                    return [code.mean, code.logVariance ?? code.mean]
                }
            case .decoder:
                return ExportSignature(inputs: [(name: "latent", shape: [1, autoencoder.latentFeatures])], outputNames: ["reconstruction"]) {
                    [try autoencoder.decodeLogits($0[0], labels: nil).sigmoid()]
                }
            }
        }
        guard part == .full else { throw ZooExportError.partNeedsAutoencoder(part: part.rawValue, model: name) }
        if let detector = model as? any ExportableDetector {
            return try DetectionExport.signature(for: detector, channels: channels, imageSize: imageSize)
        }
        let input = task == .pointcloud ? (name: "points", shape: [1, channels, imageSize.width])
                                        : (name: "images", shape: [1, channels, imageSize.height, imageSize.width])
        return ExportSignature(inputs: [input], outputNames: ["logits"]) { [try model($0[0])] }
    }

    /// The metadata an exported file carries (Ultralytics' keys where they exist), so a consumer
    /// needs nothing else: class names, input size, normalisation, task, architecture and
    /// configuration, the part, and Percept's version.
    public static func metadata(weightsMetadata: [String: String], name: String, task: ModelTask, configuration json: String,
                                part: ModelPart, signature: ExportSignature, version: String) -> [(key: String, value: String)] {
        var entries: [(key: String, value: String)] = [
            ("description", "Percept \(name)\(part == .full ? "" : " (\(part.rawValue))")"),
            ("author", "Percept"), ("version", version), ("task", task.rawValue), ("arch", name), ("config", json),
            ("part", part.rawValue),
            ("imgsz", "[" + signature.inputs[0].shape.dropFirst(2).map(String.init).joined(separator: ", ") + "]"),
            ("input_shape", "[" + signature.inputs[0].shape.map(String.init).joined(separator: ", ") + "]"),
        ]
        if let classes = weightsMetadata["percept.classes"] { entries.append(("names", classes)) }
        if let normalization = weightsMetadata["percept.normalize"] { entries.append(("normalization", normalization)) }
        return entries
    }
}
