import PerceptNN
import PerceptTensor

/// PointNet's transformation network: a shared MLP (64 → 128 → 1024 at width 1), a max-pool
/// over the points, fully connected layers 512 → 256 → k², added to the identity. The last
/// layer (`transform`) starts at zero, so a fresh T-Net outputs exactly the identity.
public final class TNet: Module {
    /// The shared MLP over the points.
    public let mlp: Sequential
    /// Fully connected layers with batch norm and ReLU after the pooling.
    public let fc: Sequential
    /// The layer producing the k² entries added to the identity.
    public let transform: Linear
    /// The side of the predicted matrix.
    public let k: Int

    /// A T-Net reading `inputChannels` per point and predicting a `k × k` matrix; widths scale by `width`.
    public init(inputChannels: Int, k: Int, width: PointNetWidths) throws {
        self.k = k
        mlp = try SharedMLP.blocks(inputChannels, [width.scaled(64), width.scaled(128), width.scaled(1024)])
        fc = Sequential(try Linear(width.scaled(1024), width.scaled(512)), try BatchNorm1d(width.scaled(512)), ReLU(),
                        try Linear(width.scaled(512), width.scaled(256)), try BatchNorm1d(width.scaled(256)), ReLU())
        transform = try Linear(width.scaled(256), k * k)
        transform.weight.assign(Tensor.zeros([k * k, width.scaled(256)]))
        transform.bias?.assign(Tensor.zeros([k * k]))
        super.init()
    }

    /// The matrices `[N, k, k]` for point columns `[C, N·P]` of `clouds` clouds.
    public func callAsFunction(_ columns: Tensor, clouds: Int) throws -> Tensor {
        let pooled = try SharedMLP.maxPool(mlp(columns), clouds: clouds)
        let offsets = try transform(fc(pooled)).reshaped([clouds, k, k])
        return try offsets + Tensor.eye(k)
    }

    /// The feature-transform regulariser ‖I − AAᵀ‖²_F (the squared Frobenius norm), averaged
    /// over the batch of matrices `[N, k, k]`.
    public static func orthogonalityPenalty(_ matrices: Tensor) throws -> Tensor {
        let k = matrices.shape[2]
        let gram = try matrices.matmul(matrices.transposed(1, 2))
        let difference = try Tensor.eye(k) - gram
        return try (difference * difference).sum(axes: [1, 2]).mean()
    }
}
