import Foundation
import Percept

/// The convolution cases of `percept bench tensor`: every distinct convolution of torchvision's
/// ResNet-18 at batch 16 and 64×64 input, forward and forward+backward, plus the totals over
/// the whole network (each shape weighted by how often it occurs).
struct ConvBench {
    var repeats: Int
    var filter: String?

    /// One convolution of the network and how many times it occurs.
    struct Shape {
        var inputChannels: Int
        var outputChannels: Int
        var size: Int
        var kernel: Int
        var stride: Int
        var occurrences: Int

        var padding: Int { kernel / 2 }
        var outputSize: Int { (size + 2 * padding - kernel) / stride + 1 }
        var name: String { "\(inputChannels)x\(size)x\(size)-\(outputChannels)-k\(kernel)s\(stride)" }
        /// Multiply-adds × 2 for one forward pass at `batch`.
        func forwardFlops(batch: Int) -> Double {
            2 * Double(batch * outputChannels * outputSize * outputSize * inputChannels * kernel * kernel)
        }
    }

    static let batch = 16

    /// ResNet-18's convolutions at a 64×64 input: the stem, then per stage its 3×3 convolutions,
    /// the strided first one and the 1×1 strided shortcut.
    static let shapes: [Shape] = [
        Shape(inputChannels: 3, outputChannels: 64, size: 64, kernel: 7, stride: 2, occurrences: 1),
        Shape(inputChannels: 64, outputChannels: 64, size: 16, kernel: 3, stride: 1, occurrences: 4),
        Shape(inputChannels: 64, outputChannels: 128, size: 16, kernel: 3, stride: 2, occurrences: 1),
        Shape(inputChannels: 64, outputChannels: 128, size: 16, kernel: 1, stride: 2, occurrences: 1),
        Shape(inputChannels: 128, outputChannels: 128, size: 8, kernel: 3, stride: 1, occurrences: 3),
        Shape(inputChannels: 128, outputChannels: 256, size: 8, kernel: 3, stride: 2, occurrences: 1),
        Shape(inputChannels: 128, outputChannels: 256, size: 8, kernel: 1, stride: 2, occurrences: 1),
        Shape(inputChannels: 256, outputChannels: 256, size: 4, kernel: 3, stride: 1, occurrences: 3),
        Shape(inputChannels: 256, outputChannels: 512, size: 4, kernel: 3, stride: 2, occurrences: 1),
        Shape(inputChannels: 256, outputChannels: 512, size: 4, kernel: 1, stride: 2, occurrences: 1),
        Shape(inputChannels: 512, outputChannels: 512, size: 2, kernel: 3, stride: 1, occurrences: 3),
    ]

    func run(reporter: BenchReporter) throws {
        try BLAS.load()
        for backward in [false, true] {
            let prefix = backward ? "conv2d-fwd-bwd" : "conv2d-fwd"
            var totalTimes = [Double](repeating: 0, count: repeats), totalFlops = 0.0
            for shape in Self.shapes {
                // The stem's input is the image, which needs no gradient.
                let inputGradient = backward && shape.inputChannels != 3
                let times = try timeConvolution(shape, backward: backward, inputGradient: inputGradient)
                let flops = shape.forwardFlops(batch: Self.batch) * (backward ? (inputGradient ? 3 : 2) : 1)
                for (index, time) in times.enumerated() { totalTimes[index] += time * Double(shape.occurrences) }
                totalFlops += flops * Double(shape.occurrences)
                if selected("\(prefix)-\(shape.name)") {
                    reporter.report(result("\(prefix)-\(shape.name)", times: times, flops: flops))
                }
            }
            if selected("\(prefix)-resnet18") {
                reporter.report(result("\(prefix)-resnet18", times: totalTimes, flops: totalFlops))
            }
        }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    private func result(_ name: String, times: [Double], flops: Double) -> BenchResult {
        var result = BenchResult(name: name, timesMs: times)
        result.extra = [("gflops", flops / (result.median * 1e6)), ("threads", BLAS.threads), ("blas_core", BLAS.coreName)]
        return result
    }

    /// Milliseconds per repetition of one convolution (forward, or forward and backward).
    private func timeConvolution(_ shape: Shape, backward: Bool, inputGradient: Bool) throws -> [Double] {
        var generator = RandomGenerator(seed: 1)
        var input = Tensor.randomNormal([Self.batch, shape.inputChannels, shape.size, shape.size], generator: &generator)
        var weight = Tensor.randomNormal([shape.outputChannels, shape.inputChannels, shape.kernel, shape.kernel],
                                         std: 0.05, generator: &generator)
        if inputGradient { input = input.requiringGrad() }
        if backward { weight = weight.requiringGrad() }
        let seed = Tensor.ones([Self.batch, shape.outputChannels, shape.outputSize, shape.outputSize])
        return try measure(repeats: repeats) {
            let output = try input.conv2d(weight: weight, stride: SpatialPair(shape.stride, shape.stride),
                                          padding: SpatialPair(shape.padding, shape.padding))
            if backward {
                try output.backward(seed)
                input.zeroGrad()
                weight.zeroGrad()
            }
        }
    }
}
