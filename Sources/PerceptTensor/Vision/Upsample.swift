import Foundation

/// How `upsample2d` reads between input pixels; the raw values are PyTorch's `mode` names.
public enum InterpolationMode: String, Sendable, CaseIterable {
    /// The input pixel at `floor(d · scale)` (PyTorch's legacy `nearest`).
    case nearest
    /// The input pixel whose centre is nearest: `floor((d + 0.5) · scale)`, as image libraries do.
    case nearestExact = "nearest-exact"
    /// A blend of the two nearest rows and columns.
    case bilinear
    /// Keys' cubic convolution (a = −0.75) over four rows and columns, edges replicated.
    case bicubic

    /// Whether `alignCorners` means anything for this mode.
    var interpolates: Bool { self == .bilinear || self == .bicubic }
}

/// Scale factors along height and width; PyTorch keeps them as Python floats (Double), and so
/// does the engine, so `10 · 1.3` rows give 13, as in PyTorch.
public struct ScaleFactors: Equatable, Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    CustomStringConvertible {
    /// The factor along the height axis.
    public var height: Double
    /// The factor along the width axis.
    public var width: Double

    /// Separate height and width factors.
    public init(_ height: Double, _ width: Double) {
        self.height = height
        self.width = width
    }

    /// The same factor along both axes.
    public init(_ both: Double) { self.init(both, both) }

    /// The same factor along both axes, from a literal such as `1.5`.
    public init(floatLiteral value: Double) { self.init(value) }

    /// The same factor along both axes, from a literal such as `2`.
    public init(integerLiteral value: Int) { self.init(Double(value)) }

    /// `(height, width)`, as error messages show it.
    public var description: String { "(\(height), \(width))" }
}

/// Nearest, nearest-exact, bilinear and bicubic resizing of `[N, C, H, W]` (or `[C, H, W]`) with
/// PyTorch's output sizes and source indices (computed in Float32, as PyTorch's CPU kernels do,
/// so the same output pixel picks the same input pixel). Every mode is separable: each output
/// row and column blends one, two or four input ones. Gradients: `VisionGradientTests` ("upsample …").
extension Tensor {
    /// Resizes to `size` with `mode`; `alignCorners` (bilinear and bicubic only) maps the corner
    /// pixels' centres onto each other.
    ///
    /// ```swift
    /// let resized = try x.upsample2d(size: SpatialPair(224, 224), mode: .bicubic)
    /// ```
    public func upsample2d(size: SpatialPair, mode: InterpolationMode = .nearest, alignCorners: Bool = false) throws -> Tensor {
        try resized(.size(size), mode: mode, alignCorners: alignCorners)
    }

    /// Resizes by `scaleFactors`: the output has `floor(in · factor)` rows and columns, and the
    /// kernels read the input at `1/factor` steps, as PyTorch's `F.interpolate(scale_factor=…)` does.
    ///
    /// ```swift
    /// let wider = try x.upsample2d(scaleFactors: ScaleFactors(1, 2.5), mode: .bilinear)
    /// ```
    public func upsample2d(scaleFactors: ScaleFactors, mode: InterpolationMode = .nearest,
                           alignCorners: Bool = false) throws -> Tensor {
        try resized(.scale(scaleFactors), mode: mode, alignCorners: alignCorners)
    }

    /// Nearest-neighbour resize to `size` or by `scaleFactor` (give exactly one), PyTorch's `nearest`.
    ///
    /// ```swift
    /// let bigger = try x.upsampleNearest2d(scaleFactor: 2)
    /// ```
    public func upsampleNearest2d(size: SpatialPair? = nil, scaleFactor: Double? = nil) throws -> Tensor {
        try resized(UpsampleTarget(size: size, scaleFactor: scaleFactor), mode: .nearest,
                    alignCorners: false)
    }

    /// Bilinear resize to `size` or by `scaleFactor` (give exactly one). Without `alignCorners`
    /// (PyTorch's default) output `d` reads input `max(0, (d + 0.5)·s − 0.5)`.
    public func upsampleBilinear2d(size: SpatialPair? = nil, scaleFactor: Double? = nil,
                                   alignCorners: Bool = false) throws -> Tensor {
        try resized(UpsampleTarget(size: size, scaleFactor: scaleFactor), mode: .bilinear,
                    alignCorners: alignCorners)
    }

    private func resized(_ target: UpsampleTarget?, mode: InterpolationMode, alignCorners: Bool) throws -> Tensor {
        let operation = "upsample2d(\(mode.rawValue))"
        try requireRank(operation, [3, 4], "[N, C, H, W] or [C, H, W]")
        guard let target else {
            throw TensorError.invalidArgument(operation: operation, message:
                "give exactly one of a size and a scale factor (input \(TensorError.format(shape)))")
        }
        guard !alignCorners || mode.interpolates else {
            throw TensorError.invalidArgument(operation: operation, message:
                "alignCorners applies only to bilinear and bicubic modes, not \(mode.rawValue)")
        }
        let height = shape[rank - 2], width = shape[rank - 1]
        let (rows, columns) = try target.axes(operation, height: height, width: width, shape: shape)
        let rowTaps = Interpolation.taps(mode, size: height, outputs: rows.outputs, factor: rows.factor, alignCorners: alignCorners)
        let columnTaps = Interpolation.taps(mode, size: width, outputs: columns.outputs, factor: columns.factor, alignCorners: alignCorners)
        let output = DNNLUpsampling.nearest(self, rows: rowTaps, columns: columnTaps)
            ?? Interpolation.resize(self, rows: rowTaps, columns: columnTaps, name: "upsample_\(mode.rawValue)2d")
        // Scale factors as given (PyTorch's coordinate mapping uses them, not the size ratio); 0 where a size was asked.
        OperationTrace.record("upsample2d", [self], output: output,
                              ["mode": .string(mode.rawValue), "alignCorners": .bool(alignCorners),
                               "scaleHeight": .float(Float(rows.factor ?? 0)), "scaleWidth": .float(Float(columns.factor ?? 0))])
        return output
    }
}

/// What the caller asked an upsampling for: an output size or scale factors.
private enum UpsampleTarget {
    case size(SpatialPair)
    case scale(ScaleFactors)

    /// The target of the `size`/`scaleFactor` pair of arguments, or nil unless exactly one is given.
    init?(size: SpatialPair?, scaleFactor: Double?) {
        switch (size, scaleFactor) {
        case let (size?, nil): self = .size(size)
        case let (nil, factor?): self = .scale(ScaleFactors(factor))
        default: return nil
        }
    }

    /// Per axis, the output size and the user's scale factor (nil when a size was given).
    func axes(_ operation: String, height: Int, width: Int, shape: [Int]) throws
        -> ((outputs: Int, factor: Double?), (outputs: Int, factor: Double?)) {
        switch self {
        case let .size(size) where size.height > 0 && size.width > 0:
            return ((size.height, nil), (size.width, nil))
        case let .scale(factors) where [factors.height, factors.width].allSatisfy({ $0 > 0 && $0.isFinite }):
            // PyTorch: floor(float(in · scale)) in double precision.
            let rows = Int((Double(height) * factors.height).rounded(.down))
            let columns = Int((Double(width) * factors.width).rounded(.down))
            if rows > 0 && columns > 0 { return ((rows, factors.height), (columns, factors.width)) }
        default:
            break
        }
        let asked: String
        switch self {
        case let .size(size): asked = "size \(size)"
        case let .scale(factors): asked = "scale factors \(factors)"
        }
        throw TensorError.invalidArgument(operation: operation, message:
            "\(asked) must be positive and finite and leave the input \(TensorError.format(shape)) non-empty")
    }
}

/// The input positions and weights each output position blends along one axis: `width` taps per
/// output, output `d` reading `indices[d·width + k]` with `weights[d·width + k]`.
struct InterpolationTaps {
    let width: Int
    let indices: [Int]
    let weights: [Float]
    var outputs: Int { indices.count / width }
}

/// Separable resizing kernels shared by every upsampling mode.
enum Interpolation {
    /// Keys' cubic convolution parameter, as PyTorch's bicubic mode uses it.
    static let cubicA: Float = -0.75

    /// The taps of `mode` along an axis of `size` resized to `outputs`, following PyTorch's
    /// `area_pixel_compute_scale` and source-index rules in Float32.
    static func taps(_ mode: InterpolationMode, size: Int, outputs: Int, factor: Double?, alignCorners: Bool) -> InterpolationTaps {
        let scale: Float
        if alignCorners {
            scale = outputs > 1 ? Float(size - 1) / Float(outputs - 1) : 0
        } else if let factor {
            scale = Float(1 / factor)
        } else {
            scale = Float(size) / Float(outputs)
        }
        let last = size - 1
        switch mode {
        case .nearest:
            // PyTorch copies exactly at 1× and halves the index at 2×, whatever the factor's rounding.
            let indices = (0..<outputs).map { d in
                outputs == size ? d : (outputs == 2 * size ? d >> 1 : Swift.min(Int((Float(d) * scale).rounded(.down)), last))
            }
            return InterpolationTaps(width: 1, indices: indices, weights: [Float](repeating: 1, count: outputs))
        case .nearestExact:
            let indices = (0..<outputs).map { d in Swift.min(Int(((Float(d) + 0.5) * scale).rounded(.down)), last) }
            return InterpolationTaps(width: 1, indices: indices, weights: [Float](repeating: 1, count: outputs))
        case .bilinear:
            var indices: [Int] = [], weights: [Float] = []
            for d in 0..<outputs {
                guard outputs != size else {
                    indices += [d, d]
                    weights += [1, 0]
                    continue
                }
                let (first, lambda) = sourceIndex(d, scale: scale, size: size, alignCorners: alignCorners, cubic: false)
                indices += [first, first < last ? first + 1 : first]
                weights += [1 - lambda, lambda]
            }
            return InterpolationTaps(width: 2, indices: indices, weights: weights)
        case .bicubic:
            var indices: [Int] = [], weights: [Float] = []
            for d in 0..<outputs {
                let (first, t) = sourceIndex(d, scale: scale, size: size, alignCorners: alignCorners, cubic: true)
                indices += (0..<4).map { Swift.max(0, Swift.min(first - 1 + $0, last)) }
                weights += [cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)]
            }
            return InterpolationTaps(width: 4, indices: indices, weights: weights)
        }
    }

    /// The input index at or below output `d`'s source position and the fraction past it
    /// (PyTorch's `area_pixel_compute_source_index` and `guard_index_and_lambda`).
    private static func sourceIndex(_ d: Int, scale: Float, size: Int, alignCorners: Bool, cubic: Bool) -> (Int, Float) {
        var source = alignCorners ? scale * Float(d) : scale * (Float(d) + 0.5) - 0.5
        if !cubic && source < 0 { source = 0 }
        let index = Swift.min(Int(source.rounded(.down)), size - 1)
        return (index, Swift.min(Swift.max(source - Float(index), 0), 1))
    }

    /// The cubic convolution weight for a tap at distance `x ≤ 1`.
    private static func cubicNear(_ x: Float) -> Float { ((cubicA + 2) * x - (cubicA + 3)) * x * x + 1 }

    /// The cubic convolution weight for a tap at distance `1 < x < 2`.
    private static func cubicFar(_ x: Float) -> Float { ((cubicA * x - 5 * cubicA) * x + 8 * cubicA) * x - 4 * cubicA }

    /// Resizes every plane; the backward pass scatters each output's gradient to its taps.
    static func resize(_ input: Tensor, rows: InterpolationTaps, columns: InterpolationTaps, name: String) -> Tensor {
        let width = input.shape[input.rank - 1], outputColumns = columns.outputs
        var result = PoolingKernels.mapPlanes(input, outputRows: rows.outputs, outputColumns: outputColumns) { _, base, out in
            for r in 0..<rows.outputs {
                for c in 0..<outputColumns {
                    var total: Float = 0
                    for i in 0..<rows.width {
                        let line = base + rows.indices[r * rows.width + i] * width
                        var across: Float = 0
                        for j in 0..<columns.width {
                            across += columns.weights[c * columns.width + j] * line[columns.indices[c * columns.width + j]]
                        }
                        total += rows.weights[r * rows.width + i] * across
                    }
                    out[r * outputColumns + c] = total
                }
            }
        }
        let inputShape = input.shape
        Autograd.record(name, output: &result, inputs: [input]) { grad in
            [PoolingKernels.scatterPlanes(grad, inputShape: inputShape) { _, upstream, base in
                for r in 0..<rows.outputs {
                    for i in 0..<rows.width {
                        let line = base + rows.indices[r * rows.width + i] * width, rowWeight = rows.weights[r * rows.width + i]
                        for c in 0..<outputColumns {
                            let share = upstream[r * outputColumns + c] * rowWeight
                            for j in 0..<columns.width {
                                line[columns.indices[c * columns.width + j]] += share * columns.weights[c * columns.width + j]
                            }
                        }
                    }
                }
            }]
        }
        return result
    }
}
