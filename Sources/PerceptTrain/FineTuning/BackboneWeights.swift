import PerceptModels
import PerceptNN
import PerceptTensor

/// Why a classifier's weights cannot start a detector's backbone, naming the file.
public enum BackboneWeightsError: Error, CustomStringConvertible, Equatable {
    /// The model has no classifier backbone to load into.
    case noBackbone(model: String)
    /// The file names an architecture other than the backbone's.
    case wrongArchitecture(file: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .noBackbone(model):
            "error: \(model) has no classifier backbone to load weights into (yolov8_resnet18 has: a resnet18's)"
        case let .wrongArchitecture(file, expected, found):
            "\(file): error: the weights are of \(found); the detector's backbone is a \(expected)"
        }
    }
}

/// "A classifier's weights start a detector": loads the weights of a `resnet18` classifier —
/// Percept safetensors from `percept classify train`, or a torchvision state dict `.pth` read by
/// ``PretrainedWeights`` without running anything — into a ``YOLOv8ResNet``'s backbone. The
/// classifier's `fc.*` is dropped; every other tensor must be a backbone tensor of the same
/// shape and every backbone tensor must come from the file (a strict load, whose
/// `StateDictError` names the file, the missing and the unexpected keys). A file of another
/// architecture — named in its metadata, or recognised by its tensor names
/// (``PretrainedWeights/architecture()``) — is refused as such first.
///
/// ```swift
/// let detector = try YOLOv8ResNet(classes: 5)
/// let loaded = try BackboneWeights.load(PretrainedWeights.read("resnet18.pth"), into: detector)
/// ```
public enum BackboneWeights {
    /// Whether `model` has a classifier backbone ``load(_:into:)`` fills (a ``YOLOv8ResNet``'s).
    public static func accepts(_ model: any ZooModel) -> Bool { model is YOLOv8ResNet }

    /// Loads `weights` into the backbone of `model` and returns the names of the tensors loaded, sorted.
    @discardableResult
    public static func load(_ weights: PretrainedWeights, into model: any ZooModel) throws -> [String] {
        guard let detector = model as? YOLOv8ResNet else { throw BackboneWeightsError.noBackbone(model: String(describing: type(of: model))) }
        let expected = "resnet18"
        if let found = weights.architecture(), found != expected {
            throw BackboneWeightsError.wrongArchitecture(file: weights.path, expected: expected, found: found)
        }
        let backbone = weights.stateDict.filter { !$0.key.hasPrefix("fc.") }
        try detector.backbone.load(backbone, strict: true, source: weights.path)
        return backbone.keys.sorted()
    }
}
