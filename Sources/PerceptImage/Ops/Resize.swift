import CPixelKernels
import Synchronization

/// How to compute a pixel that falls between source pixels.
public enum Interpolation: String, Sendable, CaseIterable, Codable {
    /// The nearest source pixel.
    case nearest
    /// Linear in x and y over the 2×2 neighbours.
    case bilinear
    /// The average over the source area each output pixel covers (for shrinking; enlarging
    /// falls back to bilinear, as OpenCV's INTER_AREA does in effect).
    case area
    /// Cubic convolution over 4×4 neighbours (a = −0.75, as OpenCV).
    case bicubic
}

extension Image {
    /// The image scaled to `width × height`. Pixel centres are aligned (a source pixel
    /// covers `[x, x+1)`), as in OpenCV and Pillow.
    public func resized(width newWidth: Int, height newHeight: Int, interpolation: Interpolation = .bilinear) throws -> Image {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError.invalidArgument("resize target must be positive, found \(newWidth)x\(newHeight)")
        }
        guard width > 0, height > 0 else {
            throw ImageError.invalidArgument("cannot resize an empty \(width)x\(height) image")
        }
        if newWidth == width, newHeight == height { return self }
        let horizontal = ResampleTaps(source: width, destination: newWidth, interpolation: interpolation)
        let vertical = ResampleTaps(source: height, destination: newHeight, interpolation: interpolation)
        if case .uint8(let bytes) = samples, let resampled = resampledBytes(bytes, horizontal: horizontal, vertical: vertical,
                                                                           width: newWidth, height: newHeight) {
            return Image(uncheckedWidth: newWidth, height: newHeight, channels: channels, samples: .uint8(resampled))
        }
        let kernel = SeparableResample(sourceWidth: width, sourceHeight: height, channels: channels, horizontal: horizontal, vertical: vertical)
        return applying(kernel, width: newWidth, height: newHeight)
    }

    /// 8-bit samples through `pk_resample_u8` (the same Float arithmetic as `SeparableResample`),
    /// rows split across cores for large images; nil when the kernel could not get memory.
    private func resampledBytes(_ bytes: [UInt8], horizontal: ResampleTaps, vertical: ResampleTaps, width newWidth: Int,
                                height newHeight: Int) -> [UInt8]? {
        let horizontalIndices = horizontal.indices.map { Int32(truncatingIfNeeded: $0) }
        let verticalIndices = vertical.indices.map { Int32(truncatingIfNeeded: $0) }
        let rowLength = newWidth * channels, count = newHeight * rowLength
        let failures = Atomic(0)
        let output = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            let target = target
            bytes.withUnsafeBufferPointer { source in
                forEachRowBlock(rows: newHeight, workPerRow: rowLength * (horizontal.count + vertical.count)) { block in
                    let status = pk_resample_u8(source.baseAddress, width, height, channels, horizontalIndices, horizontal.weights, horizontal.count,
                                                verticalIndices, vertical.weights, vertical.count, target.baseAddress! + block.lowerBound * rowLength,
                                                newWidth, block.lowerBound, block.upperBound)
                    if status != 0 { failures.add(1, ordering: .relaxed) }
                }
            }
            initialized = count
        }
        return failures.load(ordering: .relaxed) == 0 ? output : nil
    }
}

/// For each output position along one axis: `count` source indices and their weights.
struct ResampleTaps {
    let count: Int
    let indices: [Int]
    let weights: [Float]

    init(source: Int, destination: Int, interpolation: Interpolation) {
        let scale = Double(source) / Double(destination)
        let mode = interpolation == .area && scale <= 1 ? .bilinear : interpolation
        let count = switch mode {
        case .nearest: 1
        case .bilinear: 2
        case .bicubic: 4
        case .area: Int(scale.rounded(.up)) + 1
        }
        var indices = [Int](repeating: 0, count: destination * count)
        var weights = [Float](repeating: 0, count: destination * count)
        for output in 0..<destination {
            let base = output * count
            let center = (Double(output) + 0.5) * scale - 0.5
            switch mode {
            case .nearest:
                indices[base] = min(Int((Double(output) + 0.5) * scale), source - 1)
                weights[base] = 1
            case .bilinear:
                let position = min(max(center, 0), Double(source - 1))
                let left = Int(position), fraction = position - Double(left)
                indices[base] = left
                indices[base + 1] = min(left + 1, source - 1)
                weights[base] = Float(1 - fraction)
                weights[base + 1] = Float(fraction)
            case .bicubic:
                let left = Int(center.rounded(.down)), fraction = center - Double(left)
                for tap in 0..<4 {
                    indices[base + tap] = min(max(left - 1 + tap, 0), source - 1)
                    weights[base + tap] = Float(ResampleTaps.cubic(Double(tap - 1) - fraction))
                }
            case .area:
                let start = Double(output) * scale, end = start + scale
                let first = Int(start)
                for tap in 0..<count {
                    let pixel = first + tap
                    let overlap = min(end, Double(pixel + 1)) - max(start, Double(pixel))
                    indices[base + tap] = min(pixel, source - 1)
                    weights[base + tap] = pixel < source && overlap > 0 ? Float(overlap / scale) : 0
                }
            }
        }
        self.count = count
        self.indices = indices
        self.weights = weights
    }

    /// Keys' cubic convolution kernel with a = −0.75.
    static func cubic(_ distance: Double) -> Double {
        let a = -0.75, x = abs(distance)
        if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return 0
    }
}

/// Resamples rows (into a Float buffer) and then columns, each through its tap table.
private struct SeparableResample: SampleKernel {
    let sourceWidth: Int, sourceHeight: Int, channels: Int
    let horizontal: ResampleTaps, vertical: ResampleTaps

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        let outputWidth = horizontal.indices.count / horizontal.count
        let outputHeight = vertical.indices.count / vertical.count
        let rowLength = outputWidth * channels
        var rows = [Float](repeating: 0, count: sourceHeight * rowLength)
        input.withUnsafeBufferPointer { source in
            rows.withUnsafeMutableBufferPointer { target in
                let target = target
                forEachRowBlock(rows: sourceHeight, workPerRow: rowLength * horizontal.count) { block in
                    resampleRows(source, into: target, rows: block)
                }
            }
        }
        return [Sample](unsafeUninitializedCapacity: outputHeight * rowLength) { output, initialized in
            let output = output
            rows.withUnsafeBufferPointer { rows in
                forEachRowBlock(rows: outputHeight, workPerRow: rowLength * vertical.count) { block in
                    resampleColumns(rows, into: output, rows: block, rowLength: rowLength)
                }
            }
            initialized = outputHeight * rowLength
        }
    }

    private func resampleRows<Sample: ImageSample>(_ source: UnsafeBufferPointer<Sample>,
                                                    into target: UnsafeMutableBufferPointer<Float>, rows: Range<Int>) {
        let taps = horizontal.count
        let outputWidth = horizontal.indices.count / taps
        horizontal.indices.withUnsafeBufferPointer { indices in
            horizontal.weights.withUnsafeBufferPointer { weights in
                for y in rows {
                    let sourceRow = y * sourceWidth * channels, targetRow = y * outputWidth * channels
                    for x in 0..<outputWidth {
                        for channel in 0..<channels {
                            var sum: Float = 0
                            for tap in 0..<taps {
                                sum += weights[x * taps + tap] * source[sourceRow + indices[x * taps + tap] * channels + channel].floatValue
                            }
                            target[targetRow + x * channels + channel] = sum
                        }
                    }
                }
            }
        }
    }

    private func resampleColumns<Sample: ImageSample>(_ rows: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Sample>,
                                                       rows block: Range<Int>, rowLength: Int) {
        let taps = vertical.count
        vertical.indices.withUnsafeBufferPointer { indices in
            vertical.weights.withUnsafeBufferPointer { weights in
                for y in block {
                    let outputRow = y * rowLength
                    for index in 0..<rowLength {
                        var sum: Float = 0
                        for tap in 0..<taps {
                            sum += weights[y * taps + tap] * rows[indices[y * taps + tap] * rowLength + index]
                        }
                        output.initializeElement(at: outputRow + index, to: Sample(roundingClamped: sum))
                    }
                }
            }
        }
    }
}
