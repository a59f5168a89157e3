import PerceptNN
import PerceptTensor

/// What the PointNet models share with the trainer: the logits and the feature transform
/// whose orthogonality the loss regularises.
public protocol PointNetModel: Module, Layer {
    /// Logits and the feature T-Net's matrices `[N, k, k]` for clouds `[N, C, P]`.
    func forwardWithFeatureTransform(_ clouds: Tensor) throws -> (logits: Tensor, featureTransform: Tensor)
    /// Channels per point the model reads (3 coordinates first, then extra features).
    var inputChannels: Int { get }
}

/// PointNet's trunk up to the per-point features: input T-Net (3×3 on the coordinates, the
/// extra channels pass through), shared MLP (64, 64), feature T-Net (64×64).
public final class PointNetTrunk: Module {
    /// Predicts the 3×3 transform of the coordinates from every input channel.
    public let inputTransform: TNet
    /// The first shared MLP (64, 64).
    public let mlp1: Sequential
    /// Predicts the 64×64 transform of the per-point features.
    public let featureTransform: TNet
    /// Channels per point.
    public let inputChannels: Int

    /// A trunk for `inputChannels` (≥ 3) channels per point.
    public init(inputChannels: Int, width: PointNetWidths) throws {
        guard inputChannels >= 3 else {
            throw TensorError.invalidArgument(operation: "PointNet", message: "points need at least the 3 coordinates, got \(inputChannels) channels")
        }
        self.inputChannels = inputChannels
        inputTransform = try TNet(inputChannels: inputChannels, k: 3, width: width)
        mlp1 = try SharedMLP.blocks(inputChannels, [width.scaled(64), width.scaled(64)])
        featureTransform = try TNet(inputChannels: width.scaled(64), k: width.scaled(64), width: width)
        super.init()
    }

    /// Point columns `[64, N·P]` after the feature transform, and that transform `[N, 64, 64]`.
    func pointFeatures(_ clouds: Tensor) throws -> (columns: Tensor, featureTransform: Tensor) {
        guard clouds.rank == 3, clouds.shape[1] == inputChannels, clouds.shape[2] > 0 else {
            throw TensorError.invalidArgument(operation: "PointNet", message: "expected clouds [N, \(inputChannels), points], got \(clouds.shape)")
        }
        let count = clouds.shape[0]
        var columns = try SharedMLP.columns(clouds)
        let coordinates = try SharedMLP.transform(columns.slice(axis: 0, start: 0, end: 3), by: inputTransform(columns, clouds: count))
        columns = inputChannels == 3 ? coordinates : try Tensor.concatenate([coordinates, columns.slice(axis: 0, start: 3)], axis: 0)
        let features = try mlp1(columns)
        let matrices = try featureTransform(features, clouds: count)
        return (try SharedMLP.transform(features, by: matrices), matrices)
    }
}

/// PointNet classification (`pointnet_cls`, `pointnet_cls_s`): the trunk, shared MLP
/// (64, 128, 1024), global max-pool, FC 512 → 256 with dropout 0.3 → classes.
/// Input `[N, C, P]` (xyz first), output logits `[N, classes]`.
public final class PointNetClassifier: Module, PointNetModel {
    /// Transforms and first shared MLP.
    public let trunk: PointNetTrunk
    /// The second shared MLP (64, 128, 1024).
    public let mlp2: Sequential
    /// Fully connected head on the global feature.
    public let head: Sequential

    /// A classifier over `classes` classes.
    public init(inputChannels: Int, classes: Int, width: PointNetWidths, dropout: Float = 0.3) throws {
        trunk = try PointNetTrunk(inputChannels: inputChannels, width: width)
        mlp2 = try SharedMLP.blocks(width.scaled(64), [width.scaled(64), width.scaled(128), width.scaled(1024)])
        head = Sequential(try Linear(width.scaled(1024), width.scaled(512)), try BatchNorm1d(width.scaled(512)), ReLU(),
                          try Linear(width.scaled(512), width.scaled(256)), try Dropout(probability: dropout),
                          try BatchNorm1d(width.scaled(256)), ReLU(), try Linear(width.scaled(256), classes))
        super.init()
    }

    public var inputChannels: Int { trunk.inputChannels }

    public func forwardWithFeatureTransform(_ clouds: Tensor) throws -> (logits: Tensor, featureTransform: Tensor) {
        let (columns, matrices) = try trunk.pointFeatures(clouds)
        let global = try SharedMLP.maxPool(mlp2(columns), clouds: clouds.shape[0])
        return (try head(global), matrices)
    }

    public func forward(_ input: Tensor) throws -> Tensor { try forwardWithFeatureTransform(input).logits }
}
