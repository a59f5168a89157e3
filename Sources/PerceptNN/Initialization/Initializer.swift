import Foundation
import PerceptTensor

/// Which fan Kaiming initialisation keeps the variance of: the forward pass (`fanIn`) or
/// the backward pass (`fanOut`).
public enum FanMode: String, Sendable {
    case fanIn, fanOut
}

/// The non-linearity that follows a layer, for PyTorch's `calculate_gain`.
public enum Nonlinearity: Sendable, Equatable {
    case linear, sigmoid, tanh, relu, selu
    case leakyRelu(slope: Float)

    /// PyTorch's recommended gain: 1, 1, 5/3, √2, 3/4 and √(2 / (1 + slope²)).
    public var gain: Float {
        switch self {
        case .linear, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: Float(2).squareRoot()
        case .selu: 0.75
        case .leakyRelu(let slope): (2 / (1 + slope * slope)).squareRoot()
        }
    }
}

/// Ways to fill a weight tensor, with PyTorch's (`torch.nn.init`) formulas.
///
/// ```swift
/// let w = try Initializer.kaimingNormal(mode: .fanOut, nonlinearity: .relu).make([64, 3, 3, 3])
/// ```
public enum Initializer: Sendable, Equatable {
    case zeros, ones
    case constant(Float)
    case uniform(low: Float, high: Float)
    case normal(mean: Float, std: Float)
    case xavierUniform(gain: Float = 1)
    case xavierNormal(gain: Float = 1)
    case kaimingUniform(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu(slope: 0))
    case kaimingNormal(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu(slope: 0))
    case orthogonal(gain: Float = 1)

    /// A tensor of `shape` drawn from the default generator.
    public func make(_ shape: [Int]) throws -> Tensor {
        try make(shape, generator: &DefaultRandom.shared)
    }

    /// A tensor of `shape` drawn from `generator`.
    public func make(_ shape: [Int], generator: inout RandomGenerator) throws -> Tensor {
        if let placeholder = try ShapeOnlyInitialization.placeholder(shape) { return placeholder }
        switch self {
        case .zeros: return Tensor.zeros(shape)
        case .ones: return Tensor.ones(shape)
        case .constant(let value): return Tensor.full(shape, value)
        case let .uniform(low, high): return Tensor.randomUniform(shape, low: low, high: high, generator: &generator)
        case let .normal(mean, std): return Tensor.randomNormal(shape, mean: mean, std: std, generator: &generator)
        case .xavierUniform(let gain):
            let (fanIn, fanOut) = try Self.fans(shape)
            let bound = gain * (6 / Float(fanIn + fanOut)).squareRoot()
            return Tensor.randomUniform(shape, low: -bound, high: bound, generator: &generator)
        case .xavierNormal(let gain):
            let (fanIn, fanOut) = try Self.fans(shape)
            return Tensor.randomNormal(shape, std: gain * (2 / Float(fanIn + fanOut)).squareRoot(), generator: &generator)
        case let .kaimingUniform(mode, nonlinearity):
            let bound = try Self.kaimingStd(shape, mode, nonlinearity) * Float(3).squareRoot()
            return Tensor.randomUniform(shape, low: -bound, high: bound, generator: &generator)
        case let .kaimingNormal(mode, nonlinearity):
            return Tensor.randomNormal(shape, std: try Self.kaimingStd(shape, mode, nonlinearity), generator: &generator)
        case .orthogonal(let gain):
            return try Self.orthogonal(shape, gain: gain, generator: &generator)
        }
    }

    /// PyTorch's fan in and fan out: input and output channels times the receptive field.
    public static func fans(_ shape: [Int]) throws -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else {
            throw TensorError.wrongRank(operation: "Initializer.fans", expected: "a weight of rank ≥ 2", shape: shape)
        }
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptiveField, shape[0] * receptiveField)
    }

    private static func kaimingStd(_ shape: [Int], _ mode: FanMode, _ nonlinearity: Nonlinearity) throws -> Float {
        let (fanIn, fanOut) = try fans(shape)
        return nonlinearity.gain / Float(mode == .fanIn ? fanIn : fanOut).squareRoot()
    }

    /// A (semi-)orthogonal matrix from the QR decomposition of a normal one, signs fixed by
    /// R's diagonal as in PyTorch, reshaped to `shape`.
    private static func orthogonal(_ shape: [Int], gain: Float, generator: inout RandomGenerator) throws -> Tensor {
        guard shape.count >= 2 else {
            throw TensorError.wrongRank(operation: "Initializer.orthogonal", expected: "a weight of rank ≥ 2", shape: shape)
        }
        let rows = shape[0], columns = shape.dropFirst().reduce(1, *)
        let tall = rows >= columns
        let m = tall ? rows : columns, n = tall ? columns : rows
        // Columns of an m×n matrix, orthonormalised by modified Gram-Schmidt in Double.
        var q = (0..<n).map { _ in (0..<m).map { _ in generator.nextNormal() } }
        for j in 0..<n {
            for k in 0..<j {
                let projection = zip(q[j], q[k]).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<m { q[j][i] -= projection * q[k][i] }
            }
            let norm = q[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Gram-Schmidt's R has a positive diagonal, which is the sign PyTorch's fix gives.
            for i in 0..<m { q[j][i] /= Swift.max(norm, 1e-300) }
        }
        var values = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                values[r * columns + c] = gain * Float(tall ? q[c][r] : q[r][c])
            }
        }
        return try Tensor(values, shape: shape)
    }
}
