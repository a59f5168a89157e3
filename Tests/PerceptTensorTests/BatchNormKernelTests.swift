import Testing
@testable import PerceptTensor

/// The engine's batch norm over plain `[N, C, L]` data, with and without the fused ReLU,
/// against a Float64 reference computed here from the same Float32 inputs: outputs, input
/// gradients and the weight and bias gradients, in training and evaluation, on both engine paths.
@Suite("Batch norm kernels for plain [N, C, L] data")
struct BatchNormKernelTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var shape: [Int], training: Bool, relu: Bool, path: EnginePath
        var testDescription: String {
            "\(shape) \(training ? "training" : "evaluation")\(relu ? " + ReLU" : "") \(path.testDescription)"
        }
    }

    /// Rows shorter than, equal to and longer than the eight lanes, with tails; one sample and several.
    static let cases: [Case] = [[2, 3, 37], [1, 4, 1000], [3, 2, 8], [4, 3, 5]].flatMap { shape in
        [(true, true), (true, false), (false, true), (false, false)].flatMap { training, relu in
            EnginePath.allCases.map { Case(shape: shape, training: training, relu: relu, path: $0) }
        }
    }

    @Test("values and gradients match a Float64 reference", arguments: cases)
    func matchesReference(_ run: Case) throws {
        // An offset of 3 per channel makes cancellation in the centring visible if it were lost.
        try Self.expectReference(shape: run.shape, training: run.training, relu: run.relu, path: run.path, firstSeed: 21,
                                 inputOffset: 3, runningMeans: (2, 4))
    }

    /// Runs batch norm (+ ReLU) on `path` with weights, bias, running statistics and an upstream
    /// gradient drawn from seeds `firstSeed`…`firstSeed + 5`, and expects the output and every
    /// gradient to match the Float64 reference, which walks the values as `[N, C, plane]`.
    static func expectReference(shape: [Int], training: Bool, relu: Bool, path: EnginePath, firstSeed: UInt64,
                                inputOffset: Float, runningMeans: (low: Float, high: Float),
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let channels = shape[1], eps: Float = 1e-5
        let input = GradientCheck.random(shape, low: -2, high: 2, seed: firstSeed) + inputOffset
        let weight = GradientCheck.random([channels], low: 0.5, high: 1.5, seed: firstSeed + 1)
        let bias = GradientCheck.random([channels], low: -0.5, high: 0.5, seed: firstSeed + 2)
        let runningMean = GradientCheck.random([channels], low: runningMeans.low, high: runningMeans.high, seed: firstSeed + 3)
        let runningVar = GradientCheck.random([channels], low: 0.5, high: 2, seed: firstSeed + 4)
        let upstream = GradientCheck.random(shape, seed: firstSeed + 5)
        let (x, w, b) = (input.requiringGrad(), weight.requiringGrad(), bias.requiringGrad())
        let result = try path.run {
            try Tensor.batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: w, bias: b,
                                 training: training, eps: eps, relu: relu)
        }
        try result.output.backward(upstream)
        let rows = [shape[0], channels, shape.dropFirst(2).reduce(1, *)]
        let reference = Self.reference(input: input.toArray(), shape: rows, weight: weight.toArray(), bias: bias.toArray(),
                                       statistics: training ? nil : (runningMean.toArray(), runningVar.toArray()),
                                       upstream: upstream.toArray(), eps: eps, relu: relu)
        expectClose(result.output.toArray(), reference.output, "output", sourceLocation: sourceLocation)
        expectClose(try #require(x.grad).toArray(), reference.gradInput, "input gradient", sourceLocation: sourceLocation)
        expectClose(try #require(w.grad).toArray(), reference.gradWeight, "weight gradient", sourceLocation: sourceLocation)
        expectClose(try #require(b.grad).toArray(), reference.gradBias, "bias gradient", sourceLocation: sourceLocation)
    }

    @Test("the fused ReLU gives exactly the values and gradients of a separate relu()", arguments: EnginePath.allCases)
    func fusedEqualsSeparate(_ path: EnginePath) throws {
        let input = GradientCheck.random([2, 5, 100], seed: 31), upstream = GradientCheck.random([2, 5, 100], seed: 32)
        func run(relu: Bool) throws -> (output: [Float], grad: [Float]) {
            let x = input.requiringGrad()
            let normalized = try path.run { try Tensor.batchNorm(x, runningMean: nil, runningVar: nil, training: true, relu: relu).output }
            let output = relu ? normalized : normalized.relu()
            try output.backward(upstream)
            return (output.toArray(), try #require(x.grad).toArray())
        }
        let fused = try run(relu: true), separate = try run(relu: false)
        #expect(fused.output == separate.output)
        Self.expectClose(fused.grad, separate.grad.map(Double.init), "input gradient")
    }

    /// Batch norm (+ ReLU) and its gradients in Float64; `statistics` are the running ones in evaluation.
    static func reference(input: [Float], shape: [Int], weight: [Float], bias: [Float], statistics: ([Float], [Float])?,
                          upstream: [Float], eps: Float, relu: Bool)
        -> (output: [Double], gradInput: [Double], gradWeight: [Double], gradBias: [Double]) {
        let batch = shape[0], channels = shape[1], plane = shape[2], count = Double(batch * plane)
        var output = [Double](repeating: 0, count: input.count), gradInput = output
        var gradWeight = [Double](repeating: 0, count: channels), gradBias = gradWeight
        for channel in 0..<channels {
            let positions = (0..<batch).flatMap { sample in (0..<plane).map { (sample * channels + channel) * plane + $0 } }
            let mean = statistics.map { Double($0.0[channel]) } ?? positions.reduce(0) { $0 + Double(input[$1]) } / count
            let variance = statistics.map { Double($0.1[channel]) }
                ?? positions.reduce(0) { $0 + (Double(input[$1]) - mean) * (Double(input[$1]) - mean) } / count
            let inverse = 1 / (variance + Double(eps)).squareRoot()
            var gradients: [Int: Double] = [:]
            for index in positions {
                let normalized = (Double(input[index]) - mean) * inverse
                let value = normalized * Double(weight[channel]) + Double(bias[channel])
                output[index] = relu ? Swift.max(value, 0) : value
                gradients[index] = relu && value <= 0 ? 0 : Double(upstream[index])
                gradBias[channel] += gradients[index]!
                gradWeight[channel] += gradients[index]! * normalized
            }
            for index in positions {
                let normalized = (Double(input[index]) - mean) * inverse
                let centred = statistics == nil ? gradients[index]! - gradBias[channel] / count - normalized * gradWeight[channel] / count
                                                : gradients[index]!
                gradInput[index] = Double(weight[channel]) * inverse * centred
            }
        }
        return (output, gradInput, gradWeight, gradBias)
    }

    /// Parity to 1e-4 as the engine issue defines it.
    static func expectClose(_ actual: [Float], _ expected: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        let scale = 1e-3 * Swift.max(1, expected.map(Swift.abs).max() ?? 0)
        let worst = zip(actual, expected).map { Swift.abs(Double($0) - $1) / (Swift.abs($1) + scale) }.max() ?? 0
        #expect(worst <= 1e-4, "\(what): largest relative error \(worst)", sourceLocation: sourceLocation)
    }
}
