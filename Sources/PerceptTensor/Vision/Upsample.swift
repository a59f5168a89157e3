import Foundation

/// Nearest and bilinear resizing of `[N, C, H, W]` (or `[C, H, W]`) with PyTorch's source-index
/// rules. Both are separable: each output row and column blends at most two input ones.
/// Gradients: `VisionGradientTests` ("upsample …").
extension Tensor {
    /// Nearest-neighbour resize to `size`, or by `scaleFactor` (output `floor(in · scale)`);
    /// output `d` reads input `min(floor(d · s), in − 1)` with `s = 1/scaleFactor` (or `in/out`).
    ///
    /// ```swift
    /// let bigger = try x.upsampleNearest2d(scaleFactor: 2)
    /// ```
    public func upsampleNearest2d(size: SpatialPair? = nil, scaleFactor: Float? = nil) throws -> Tensor {
        let (output, scales) = try upsampleTarget("upsampleNearest2d", size: size, scaleFactor: scaleFactor)
        let height = shape[rank - 2], width = shape[rank - 1]
        return Interpolation.resize(self, rows: Interpolation.nearest(size: height, outputs: output.height, scale: scales.0),
                                    columns: Interpolation.nearest(size: width, outputs: output.width, scale: scales.1),
                                    name: "upsample_nearest2d")
    }

    /// Bilinear resize to `size` or by `scaleFactor`. With `alignCorners` the corner pixels'
    /// centres map onto each other; without it (PyTorch's default) output `d` reads input
    /// `max(0, (d + 0.5)·s − 0.5)`.
    public func upsampleBilinear2d(size: SpatialPair? = nil, scaleFactor: Float? = nil, alignCorners: Bool = false) throws -> Tensor {
        let (output, scales) = try upsampleTarget("upsampleBilinear2d", size: size, scaleFactor: scaleFactor)
        let height = shape[rank - 2], width = shape[rank - 1]
        return Interpolation.resize(
            self, rows: Interpolation.linear(size: height, outputs: output.height, scale: scales.0, alignCorners: alignCorners),
            columns: Interpolation.linear(size: width, outputs: output.width, scale: scales.1, alignCorners: alignCorners),
            name: "upsample_bilinear2d")
    }

    /// The output size and the source-per-output scale along each axis.
    private func upsampleTarget(_ operation: String, size: SpatialPair?, scaleFactor: Float?) throws -> (SpatialPair, (Double, Double)) {
        try requireRank(operation, [3, 4], "[N, C, H, W] or [C, H, W]")
        let height = shape[rank - 2], width = shape[rank - 1]
        switch (size, scaleFactor) {
        case let (size?, nil) where size.height > 0 && size.width > 0:
            return (size, (Double(height) / Double(size.height), Double(width) / Double(size.width)))
        case let (nil, factor?) where factor > 0 && factor.isFinite:
            let output = SpatialPair(Int((Double(height) * Double(factor)).rounded(.down)),
                                     Int((Double(width) * Double(factor)).rounded(.down)))
            guard output.height > 0, output.width > 0 else { break }
            return (output, (1 / Double(factor), 1 / Double(factor)))
        default:
            break
        }
        throw TensorError.invalidArgument(operation: operation, message:
            "give exactly one of a positive size (\(size.map(\.description) ?? "none")) and a positive scale factor "
            + "(\(scaleFactor.map { String($0) } ?? "none")) that leaves the input \(TensorError.format(shape)) non-empty")
    }
}

/// One output position along an axis: `(1 − weight)·in[first] + weight·in[second]`.
struct InterpolationTap {
    let first: Int
    let second: Int
    let weight: Float
}

/// Separable resizing kernels shared by nearest and bilinear upsampling.
enum Interpolation {
    static func nearest(size: Int, outputs: Int, scale: Double) -> [InterpolationTap] {
        (0..<outputs).map { d in
            let source = Swift.min(Int((Double(d) * scale).rounded(.down)), size - 1)
            return InterpolationTap(first: source, second: source, weight: 0)
        }
    }

    static func linear(size: Int, outputs: Int, scale: Double, alignCorners: Bool) -> [InterpolationTap] {
        (0..<outputs).map { d in
            let source: Double
            if alignCorners {
                source = outputs > 1 ? Double(d) * Double(size - 1) / Double(outputs - 1) : 0
            } else {
                source = Swift.max(0, (Double(d) + 0.5) * scale - 0.5)
            }
            let first = Swift.min(Int(source), size - 1)
            let second = Swift.min(first + 1, size - 1)
            return InterpolationTap(first: first, second: second, weight: Float(source - Double(first)))
        }
    }

    /// Resizes every plane; the backward pass scatters each output's gradient to its taps.
    static func resize(_ input: Tensor, rows: [InterpolationTap], columns: [InterpolationTap], name: String) -> Tensor {
        let width = input.shape[input.rank - 1]
        var result = PoolingKernels.mapPlanes(input, outputRows: rows.count, outputColumns: columns.count) { _, base, out in
            for (r, row) in rows.enumerated() {
                let top = base + row.first * width, bottom = base + row.second * width
                for (c, column) in columns.enumerated() {
                    let upper = top[column.first] + column.weight * (top[column.second] - top[column.first])
                    let lower = bottom[column.first] + column.weight * (bottom[column.second] - bottom[column.first])
                    out[r * columns.count + c] = upper + row.weight * (lower - upper)
                }
            }
        }
        let inputShape = input.shape
        Autograd.record(name, output: &result, inputs: [input]) { grad in
            [PoolingKernels.scatterPlanes(grad, inputShape: inputShape) { _, upstream, base in
                for (r, row) in rows.enumerated() {
                    let top = base + row.first * width, bottom = base + row.second * width
                    for (c, column) in columns.enumerated() {
                        let value = upstream[r * columns.count + c]
                        let upper = value * (1 - row.weight), lower = value * row.weight
                        top[column.first] += upper * (1 - column.weight)
                        top[column.second] += upper * column.weight
                        bottom[column.first] += lower * (1 - column.weight)
                        bottom[column.second] += lower * column.weight
                    }
                }
            }]
        }
        return result
    }
}
