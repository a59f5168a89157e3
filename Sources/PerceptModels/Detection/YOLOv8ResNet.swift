import PerceptNN
import PerceptTensor

/// `yolov8_resnet18`: torchvision's ResNet-18 trunk (``ResNetBackbone``, its own names under
/// `backbone.`) feeding YOLOv8's SPPF and PAN-FPN neck (``YOLOv8Neck``, under `neck.`) and the
/// anchor-free ``DetectHead`` (under `head.`) over strides 8, 16 and 32. ResNet-18's stages give
/// 128, 256 and 512 channels, exactly yolov8s's widths at those strides, so the neck and head are
/// yolov8s's (one bottleneck per C2f) and no projection is needed. A `resnet18` classifier's
/// weights, `fc.*` left out, are the backbone's state dict, so a classifier starts a detector.
/// The output is the head's raw logits `[N, 4·bins + classes, A]`, as ``YOLOv8``'s.
///
/// ```swift
/// let model = try YOLOv8ResNet(classes: 5)
/// let (boxes, scores) = try model.decode(model(images), inputHeight: 320, inputWidth: 320)
/// ```
public final class YOLOv8ResNet: Module, Layer {
    /// The ResNet-18 trunk, torchvision's names.
    public let backbone: ResNetBackbone
    /// SPPF and the PAN-FPN neck.
    public let neck: YOLOv8Neck
    /// The anchor-free head.
    public let head: DetectHead
    /// Classes scored.
    public let classes: Int
    /// Bins per box side (`reg_max`).
    public let bins: Int
    /// The strides of the head's three levels.
    public let strides = [8, 16, 32]

    /// The detector for `classes` classes over `inputChannels`-channel images.
    public init(classes: Int, inputChannels: Int = 3, bins: Int = 16) throws {
        backbone = try ResNetBackbone.resnet18(inputChannels: inputChannels)
        let widths = [256, 512, 1024].map(YOLOScaling.small.channels)
        neck = try YOLOv8Neck(inputChannels: backbone.featureChannels, widths: widths, repeats: YOLOScaling.small.repeats(3))
        head = try DetectHead(classes: classes, channels: widths, bins: bins)
        self.classes = classes
        self.bins = bins
        super.init()
        head.initializeBiases(strides: strides)
    }

    /// The raw head logits of images `[N, C, H, W]` whose sides are multiples of 32.
    public func forward(_ input: Tensor) throws -> Tensor {
        try YOLODecoding.checkInput(input, model: "YOLOv8ResNet")
        let (c3, c4, c5) = try backbone.features(input)
        return try head(neck.outputs(c3: c3, c4: c4, c5: c5))
    }

    /// Boxes `[N, 4, A]` (x1, y1, x2, y2 in input pixels) and class scores `[N, classes, A]`
    /// (sigmoid) of raw logits for an input of `inputHeight` × `inputWidth`.
    public func decode(_ raw: Tensor, inputHeight: Int, inputWidth: Int) throws -> (boxes: Tensor, scores: Tensor) {
        let levels = YOLODecoding.levels(strides: strides, inputHeight: inputHeight, inputWidth: inputWidth)
        return try YOLODecoding.decode(raw, bins: bins, classes: classes, levels: levels, projection: head)
    }
}
