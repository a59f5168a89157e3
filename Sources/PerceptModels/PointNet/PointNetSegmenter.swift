import PerceptNN
import PerceptTensor

/// PointNet segmentation (`pointnet_seg`, `pointnet_seg_s`): the classifier's trunk and
/// shared MLP (64, 128, 1024) with its global max-pool; each point's 64-d feature joined with
/// the global one (1088 channels) → shared MLP 512 (`joint`) → 256 → 128 (`segMlp`) → a 1×1
/// convolution to the classes. Input `[N, C, P]`, output logits `[N, classes, P]`.
public final class PointNetSegmenter: Module, PointNetModel {
    /// Transforms and first shared MLP.
    public let trunk: PointNetTrunk
    /// The second shared MLP (64, 128, 1024) feeding the global feature.
    public let mlp2: Sequential
    /// The first per-point layer on local + global features (1088 → 512).
    public let joint: PointBlock
    /// The rest of the per-point MLP (256, 128).
    public let segMlp: Sequential
    /// The last 1×1 convolution to class logits.
    public let classifier: PointwiseConv1d

    /// A segmenter over `classes` classes.
    public init(inputChannels: Int, classes: Int, width: PointNetWidths) throws {
        trunk = try PointNetTrunk(inputChannels: inputChannels, width: width)
        mlp2 = try SharedMLP.blocks(width.scaled(64), [width.scaled(64), width.scaled(128), width.scaled(1024)])
        joint = try PointBlock(width.scaled(64) + width.scaled(1024), width.scaled(512))
        segMlp = try SharedMLP.blocks(width.scaled(512), [width.scaled(256), width.scaled(128)])
        classifier = try PointwiseConv1d(width.scaled(128), classes)
        super.init()
    }

    public var inputChannels: Int { trunk.inputChannels }

    public func forwardWithFeatureTransform(_ clouds: Tensor) throws -> (logits: Tensor, featureTransform: Tensor) {
        let count = clouds.shape.first ?? 0, points = clouds.shape.last ?? 0
        let (local, matrices) = try trunk.pointFeatures(clouds)
        let global = try SharedMLP.maxPool(mlp2(local), clouds: count)
        let logits = try classifier(segMlp(joined(local: local, global: global, points: points)))
        return (try logits.reshaped([logits.shape[0], count, points]).permuted([1, 0, 2]), matrices)
    }

    public func forward(_ input: Tensor) throws -> Tensor { try forwardWithFeatureTransform(input).logits }

    /// The `joint` block on each point's local feature beside its cloud's global feature,
    /// without building the 1088-channel input: the weight's global half multiplies the global
    /// feature once per cloud and is added to every point of that cloud.
    private func joined(local: Tensor, global: Tensor, points: Int) throws -> Tensor {
        let weights = try joint.conv.matrix, localChannels = local.shape[0], clouds = global.shape[0]
        let perPoint = try weights.slice(axis: 1, start: 0, end: localChannels).matmul(local)
        let perCloud = try weights.slice(axis: 1, start: localChannels).matmul(global.transposed(0, 1)) + joint.conv.column
        let summed = try perPoint.reshaped([weights.shape[0], clouds, points]) + perCloud.unsqueezed(2)
        return try joint.normalized(summed.reshaped([weights.shape[0], clouds * points]))
    }
}
