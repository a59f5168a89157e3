import Foundation
import PerceptImage

/// Convolution of every channel with reflect-101 borders (OpenCV's default), summing in
/// Float: separable when `vertical` is given (see `SeparableFilter`), else with the square
/// `kernel`.
struct Convolution: SampleEdit {
    /// The horizontal taps, or the square kernel row-major when `vertical` is nil.
    let kernel: [Float]
    /// The vertical taps of a separable filter.
    let vertical: [Float]?

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        if let vertical {
            samples = SeparableFilter(horizontal: kernel, vertical: vertical)
                .filtered(samples, width: width, height: height, channels: channels)
            return
        }
        let size = Int(Double(kernel.count).squareRoot().rounded())
        let rowLength = width * channels, paddedRow = (width + 2 * (size / 2)) * channels
        let padded = paddedCopy(samples, width: width, height: height, channels: channels, radius: size / 2)
        var output = [Float](repeating: 0, count: rowLength)
        padded.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { sum in
                for y in 0..<height {
                    for index in 0..<rowLength { sum[index] = 0 }
                    for tapY in 0..<size {
                        for tapX in 0..<size {
                            let weight = kernel[tapY * size + tapX]
                            guard weight != 0 else { continue }
                            let from = source.baseAddress! + (y + tapY) * paddedRow + tapX * channels
                            for index in 0..<rowLength { sum[index] += weight * from[index] }
                        }
                    }
                    store(sum, into: &samples, row: y, rowLength: rowLength)
                }
            }
        }
    }

    private func store<Value: ImageSample>(_ sum: UnsafeMutableBufferPointer<Float>, into samples: inout [Value], row: Int, rowLength: Int) {
        samples.withUnsafeMutableBufferPointer { target in
            let start = row * rowLength
            for index in 0..<rowLength { target[start + index] = Value(roundingClamped: sum[index]) }
        }
    }
}

/// The samples as Floats with `radius` reflected pixels on every side.
func paddedCopy<Value: ImageSample>(_ samples: [Value], width: Int, height: Int, channels: Int, radius: Int) -> [Float] {
    let paddedWidth = width + 2 * radius
    var padded = [Float](repeating: 0, count: (height + 2 * radius) * paddedWidth * channels)
    let columns = (0..<paddedWidth).map { reflect101($0 - radius, length: width) }
    samples.withUnsafeBufferPointer { source in
        padded.withUnsafeMutableBufferPointer { target in
            for row in 0..<height + 2 * radius {
                let sourceRow = reflect101(row - radius, length: height) * width * channels
                let targetRow = row * paddedWidth * channels
                for (x, column) in columns.enumerated() {
                    for channel in 0..<channels {
                        target[targetRow + x * channels + channel] = source[sourceRow + column * channels + channel].floatValue
                    }
                }
            }
        }
    }
    return padded
}

/// Mirror without repeating the edge (`dcb|abcd|cba`).
@inline(__always)
func reflect101(_ index: Int, length: Int) -> Int {
    guard length > 1 else { return 0 }
    let period = 2 * length - 2
    var folded = index % period
    if folded < 0 { folded += period }
    return folded < length ? folded : period - folded
}

/// Normalised Gaussian taps of odd `size`; sigma 0 derives it from the size as OpenCV does.
func gaussianTaps(size: Int, sigma: Double) -> [Float] {
    let sigma = sigma > 0 ? sigma : 0.3 * (Double(size - 1) * 0.5 - 1) + 0.8
    let radius = size / 2
    let weights = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
    let total = weights.reduce(0, +)
    return weights.map { Float($0 / total) }
}
