import Foundation

/// How a sliding kernel meets an image: the image planes `[batch, channels, height, width]`,
/// the kernel, and the grid of positions it visits (`outputHeight × outputWidth`). A
/// convolution reads the image through `im2col`; its input gradient (and a transposed
/// convolution's output) writes it back through `col2im`.
struct ConvolutionGeometry {
    let batch: Int
    let channels: Int
    let groups: Int
    let height: Int
    let width: Int
    let kernel: SpatialPair
    let stride: SpatialPair
    let padding: SpatialPair
    let dilation: SpatialPair
    let outputHeight: Int
    let outputWidth: Int

    var channelsPerGroup: Int { channels / groups }
    var kernelArea: Int { kernel.height * kernel.width }
    /// Rows of one group's column matrix: one per (channel, kernel row, kernel column).
    var rowsPerGroup: Int { channelsPerGroup * kernelArea }
    /// Columns of the column matrix: one per (image, output position).
    var columns: Int { batch * outputPlane }
    var outputPlane: Int { outputHeight * outputWidth }
    var inputPlane: Int { height * width }

    /// Whether the column matrix is just the image with batch and channel axes swapped.
    var isPointwise: Bool {
        kernel == 1 && stride == 1 && padding == 0 && outputHeight == height && outputWidth == width
    }

    /// The output columns `lo..<hi` whose input column for kernel column `kernelColumn` lies
    /// inside the image; the rest read padding.
    @inline(__always)
    func validColumns(kernelColumn: Int) -> (Int, Int) {
        let shift = padding.width - kernelColumn * dilation.width
        let low = Swift.min(Swift.max(0, Self.ceilingDivide(shift, stride.width)), outputWidth)
        let high = Swift.min(outputWidth, Self.floorDivide(width - 1 + shift, stride.width) + 1)
        return (low, Swift.max(low, high))
    }

    @inline(__always)
    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    @inline(__always)
    static func ceilingDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }

    /// Fills `cols` (`rowsPerGroup × samples.count · outputPlane`, row-major) with the patches of
    /// group `group` for the images `samples` (all of them by default).
    func im2col(image: UnsafePointer<Float>, group: Int, samples: Range<Int>? = nil,
                into cols: UnsafeMutablePointer<Float>) {
        let samples = samples ?? 0..<batch, count = samples.count
        let columnCount = count * outputPlane, plane = outputPlane, channelBase = group * channelsPerGroup
        let firstImage = image + samples.lowerBound * channels * inputPlane
        if isPointwise {
            Im2Col.swapLeadingAxes(firstImage + channelBase * inputPlane, outer: count, middle: channelsPerGroup,
                                   inner: plane, sourceMiddleStride: channels, into: cols)
            return
        }
        Parallel.forEachRange(rowsPerGroup * count, costPerItem: plane) { range in
            for task in range {
                let row = task / count, sample = task % count
                let channel = row / kernelArea, offset = row % kernelArea
                let kernelRow = offset / kernel.width, kernelColumn = offset % kernel.width
                let source = firstImage + ((sample * channels) + channelBase + channel) * inputPlane
                let destination = cols + row * columnCount + sample * plane
                let (low, high) = validColumns(kernelColumn: kernelColumn)
                let columnShift = kernelColumn * dilation.width - padding.width
                for outputRow in 0..<outputHeight {
                    let inputRow = outputRow * stride.height - padding.height + kernelRow * dilation.height
                    let line = destination + outputRow * outputWidth
                    guard inputRow >= 0, inputRow < height else {
                        for column in 0..<outputWidth { line[column] = 0 }
                        continue
                    }
                    // Plain loops rather than initialize/update calls: rows are often only 4 to 32
                    // values long, and a call per row cost more than the copy itself.
                    let input = source + inputRow * width + columnShift
                    for column in 0..<low { line[column] = 0 }
                    if stride.width == 1 {
                        for column in low..<high { line[column] = input[column] }
                    } else {
                        for column in low..<high { line[column] = input[column * stride.width] }
                    }
                    for column in high..<outputWidth { line[column] = 0 }
                }
            }
        }
    }

    /// Sums the patches in `cols` (as `im2col` lays them out for `samples`, all images by
    /// default) back into those images' planes of group `group`, overwriting them. Each task
    /// owns one plane, so no two threads write the same element.
    func col2im(_ cols: UnsafePointer<Float>, group: Int, samples: Range<Int>? = nil,
                into image: UnsafeMutablePointer<Float>) {
        let samples = samples ?? 0..<batch, count = samples.count
        let columnCount = count * outputPlane, plane = outputPlane, channelBase = group * channelsPerGroup
        let firstImage = image + samples.lowerBound * channels * inputPlane
        if isPointwise {
            Im2Col.swapLeadingAxes(cols, outer: channelsPerGroup, middle: count, inner: plane,
                                   destinationOuterStride: channels, into: firstImage + channelBase * inputPlane)
            return
        }
        Parallel.forEachRange(count * channelsPerGroup, costPerItem: kernelArea * plane) { range in
            for task in range {
                let sample = task / channelsPerGroup, channel = task % channelsPerGroup
                let destination = firstImage + ((sample * channels) + channelBase + channel) * inputPlane
                destination.initialize(repeating: 0, count: inputPlane)
                for kernelRow in 0..<kernel.height {
                    for kernelColumn in 0..<kernel.width {
                        let row = (channel * kernel.height + kernelRow) * kernel.width + kernelColumn
                        let source = cols + row * columnCount + sample * plane
                        let (low, high) = validColumns(kernelColumn: kernelColumn)
                        let columnShift = kernelColumn * dilation.width - padding.width
                        for outputRow in 0..<outputHeight {
                            let inputRow = outputRow * stride.height - padding.height + kernelRow * dilation.height
                            guard inputRow >= 0, inputRow < height else { continue }
                            let line = source + outputRow * outputWidth
                            let output = destination + inputRow * width + columnShift
                            if stride.width == 1 {
                                for column in low..<high { output[column] += line[column] }
                            } else {
                                for column in low..<high { output[column * stride.width] += line[column] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Block moves between the image layout `[batch, channels, plane]` and the matrix layout
/// `[channels, batch · plane]` that one sgemm per group works on.
enum Im2Col {
    /// Copies `source` viewed as `[outer, middle, inner]` (middle rows `sourceMiddleStride`
    /// blocks apart) to `destination` as `[middle, outer, inner]` (outer rows
    /// `destinationOuterStride` blocks apart), adding `bias[outer index]` when given.
    static func swapLeadingAxes(_ source: UnsafePointer<Float>, outer: Int, middle: Int, inner: Int,
                                sourceMiddleStride: Int? = nil, destinationOuterStride: Int? = nil,
                                bias: UnsafePointer<Float>? = nil, into destination: UnsafeMutablePointer<Float>) {
        let sourceRows = sourceMiddleStride ?? middle, destinationRows = destinationOuterStride ?? outer
        Parallel.forEachRange(outer * middle, costPerItem: inner) { range in
            for block in range {
                let o = block / middle, m = block % middle
                let from = source + (o * sourceRows + m) * inner
                let to = destination + (m * destinationRows + o) * inner
                if let bias {
                    let shift = bias[o]
                    for i in 0..<inner { to[i] = from[i] + shift }
                } else {
                    to.update(from: from, count: inner)
                }
            }
        }
    }

    /// `[N, C, …]` as the `[C, N · plane]` matrix one sgemm per group works on.
    static func channelMajor(_ tensor: Tensor) -> Tensor {
        let result = Tensor(uninitializedShape: [tensor.shape[1], tensor.count / Swift.max(tensor.shape[1], 1)])
        channelMajor(tensor, into: result.floats)
        return result
    }

    /// Writes `[N, C, …]` as a `[C, N · plane]` matrix into `destination`.
    static func channelMajor(_ tensor: Tensor, into destination: UnsafeMutablePointer<Float>) {
        let source = tensor.contiguousValues()
        let batch = tensor.shape[0], channels = tensor.shape[1], plane = tensor.shape.dropFirst(2).reduce(1, *)
        withExtendedLifetime(source) {
            swapLeadingAxes(source.floats, outer: batch, middle: channels, inner: plane, into: destination)
        }
    }

    /// Adds `bias[c]` to every element of channel `c` of a `[batch, channels, plane]` tensor.
    static func addChannelBias(_ bias: UnsafePointer<Float>, to values: UnsafeMutablePointer<Float>,
                               batch: Int, channels: Int, plane: Int) {
        Parallel.forEachRange(batch * channels, costPerItem: plane) { range in
            for block in range {
                let shift = bias[block % channels], line = values + block * plane
                for i in 0..<plane { line[i] += shift }
            }
        }
    }

    /// The per-channel sums of a `[batch, channels, plane]` tensor (a bias gradient), added in
    /// Float blocks whose totals join a Double (`Reductions.blockSum`): one Float accumulator
    /// over 90,000 values of a 300×300 plane was off by 1e-3.
    static func channelSums(_ values: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int) -> Tensor {
        let result = Tensor(uninitializedShape: [channels])
        let output = result.floats
        Parallel.forEachRange(channels, costPerItem: batch * plane) { range in
            for channel in range {
                var total: Double = 0
                for sample in 0..<batch {
                    total += Reductions.blockSum(values + (sample * channels + channel) * plane, count: plane)
                }
                output[channel] = Float(total)
            }
        }
        return result
    }
}
