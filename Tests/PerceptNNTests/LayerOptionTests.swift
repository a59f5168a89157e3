import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

extension PerceptNNTests {
    /// The layer options PyTorch users reach for: batch norm's cumulative average
    /// (`momentum=None`), `padding: .same` with padding modes, ceil-mode pooling and the
    /// `Upsample` modes and per-axis factors.
    @Suite("Layer options: momentum nil, same padding, ceil mode, upsample modes")
    struct LayerOptionTests {
        /// Per-channel mean and unbiased variance of `[N, C, H, W]`, in Double.
        static func moments(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
            let values = x.toArray(), (n, c) = (x.shape[0], x.shape[1]), plane = x.shape[2] * x.shape[3]
            var means: [Double] = [], variances: [Double] = []
            for channel in 0..<c {
                let items = (0..<n).flatMap { image in
                    (0..<plane).map { Double(values[(image * c + channel) * plane + $0]) }
                }
                let mean = items.reduce(0, +) / Double(items.count)
                means.append(mean)
                variances.append(items.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(items.count - 1))
            }
            return (means, variances)
        }

        @Test("batch norm with momentum nil keeps the cumulative average of the batch statistics")
        func cumulativeMomentum() throws {
            let norm = try BatchNorm2d(3, momentum: nil)
            var generator = RandomGenerator(seed: 5)
            let batches = (0..<3).map { index in
                Tensor.randomUniform([2, 3, 4, 5], low: Float(-index), high: Float(2 * index + 1), generator: &generator)
            }
            for batch in batches { _ = try norm(batch) }
            let statistics = batches.map(Self.moments)
            let runningMean = try #require(norm.runningMean).value.toArray()
            let runningVar = try #require(norm.runningVar).value.toArray()
            for channel in 0..<3 {
                let mean = statistics.map { $0.mean[channel] }.reduce(0, +) / 3
                let variance = statistics.map { $0.variance[channel] }.reduce(0, +) / 3
                #expect(Swift.abs(Double(runningMean[channel]) - mean) <= 1e-5 * Swift.max(1, Swift.abs(mean)))
                #expect(Swift.abs(Double(runningVar[channel]) - variance) <= 1e-5 * Swift.max(1, variance))
            }
            #expect(try #require(norm.numBatchesTracked).value.toIntArray() == [3])
            #expect(throws: TensorError.self) { try BatchNorm2d(3, momentum: 1.5) }
        }

        @Test("batch norm with momentum 0.1 moves a tenth of the way, as before")
        func exponentialMomentum() throws {
            let norm = try BatchNorm2d(2)
            let batch = try Tensor((0..<16).map { Float($0) }, shape: [2, 2, 2, 2])
            _ = try norm(batch)
            let mean = Self.moments(batch).mean
            let runningMean = try #require(norm.runningMean).value.toArray()
            for channel in 0..<2 { #expect(Swift.abs(Double(runningMean[channel]) - 0.1 * mean[channel]) <= 1e-5) }
        }

        @Test("Conv2d with padding .same keeps the size and matches padding by hand", arguments: [
            PaddingMode.constant(0), .circular, .reflect, .replicate])
        func samePadding(mode: PaddingMode) throws {
            let conv = try Conv2d(2, 3, kernelSize: SpatialPair(4, 3), padding: .same, paddingMode: mode, dilation: SpatialPair(1, 2))
            var generator = RandomGenerator(seed: 2)
            let input = Tensor.randomUniform([1, 2, 6, 7], low: -1, high: 1, generator: &generator)
            let output = try conv(input)
            #expect(output.shape == [1, 3, 6, 7])
            // PyTorch: a total of dilation · (kernel − 1) per axis, the smaller half first.
            let padded = try input.padded([(1, 2), (2, 2)], mode: mode)
            let expected = try padded.conv2d(weight: conv.weight.value, bias: conv.bias?.value, dilation: SpatialPair(1, 2))
            #expect(output.toArray() == expected.toArray())
            #expect(throws: TensorError.self) { try Conv2d(2, 3, kernelSize: 3, stride: 2, padding: .same) }
        }

        @Test("pooling layers pass ceil mode and divisor override through")
        func poolingLayers() throws {
            let x = try Tensor((0..<25).map { Float($0) }, shape: [1, 1, 5, 5])
            #expect(try MaxPool2d(kernelSize: 2, ceilMode: true)(x).toArray() == [6, 8, 9, 16, 18, 19, 21, 23, 24])
            #expect(try AvgPool2d(kernelSize: 2, ceilMode: true, divisorOverride: 1)(x).toArray()
                    == [12, 20, 13, 52, 60, 33, 41, 45, 24])
        }

        @Test("Upsample takes every mode and per-axis scale factors")
        func upsampleLayer() throws {
            let x = try Tensor([1, 2, 3], shape: [1, 1, 1, 3])
            #expect(try Upsample(scaleFactors: ScaleFactors(1, 2.1))(x).toArray() == [1, 1, 2, 2, 3, 3])
            #expect(try Upsample(size: SpatialPair(1, 5), mode: .nearestExact)(x).toArray() == [1, 1, 2, 3, 3])
            #expect(try Upsample(scaleFactor: 2, mode: .bicubic).mode == .bicubic)
            #expect(throws: TensorError.self) { try Upsample() }
        }
    }
}
