/// Dropout masks drawn from the project's seeded generator. Kept values are scaled by
/// `1/(1 − p)` so the expected value is unchanged; the gradient is the same mask (through
/// the product), so no rule of its own is needed.
extension Tensor {
    /// Zeroes each element with probability `p` while `training`; the identity otherwise.
    ///
    /// ```swift
    /// var generator = RandomGenerator(seed: 1)
    /// let y = try x.dropout(0.5, training: true, generator: &generator)
    /// ```
    public func dropout(_ p: Float, training: Bool, generator: inout RandomGenerator) throws -> Tensor {
        try dropoutMask("dropout", p: p, training: training, maskShape: shape, generator: &generator)
    }

    /// `dropout` drawing from the default generator (see `Tensor.manualSeed`).
    public func dropout(_ p: Float, training: Bool) throws -> Tensor {
        try dropout(p, training: training, generator: &DefaultRandom.generator)
    }

    /// Zeroes whole channels of `[N, C, H, W]` (or `[C, H, W]`) with probability `p` while
    /// `training`, as PyTorch's `Dropout2d`.
    public func dropout2d(_ p: Float, training: Bool, generator: inout RandomGenerator) throws -> Tensor {
        guard rank == 3 || rank == 4 else {
            throw TensorError.wrongRank(operation: "dropout2d", expected: "[N, C, H, W] or [C, H, W]", shape: shape)
        }
        return try dropoutMask("dropout2d", p: p, training: training, maskShape: Array(shape.dropLast(2)) + [1, 1],
                               generator: &generator)
    }

    /// `dropout2d` drawing from the default generator.
    public func dropout2d(_ p: Float, training: Bool) throws -> Tensor {
        try dropout2d(p, training: training, generator: &DefaultRandom.generator)
    }

    private func dropoutMask(_ operation: String, p: Float, training: Bool, maskShape: [Int],
                             generator: inout RandomGenerator) throws -> Tensor {
        try requireFloat(operation)
        guard p >= 0, p <= 1 else {
            throw TensorError.invalidArgument(operation: operation, message: "probability must be in [0, 1], got \(p) (input \(TensorError.format(shape)))")
        }
        guard training, p > 0 else { return self }
        let mask = Tensor(uninitializedShape: maskShape)
        let keep = 1 - Double(p), scale: Float = p < 1 ? 1 / (1 - p) : 0
        for i in 0..<mask.count { mask.floats[i] = generator.nextUnit() < keep ? scale : 0 }
        return try self * mask
    }
}
