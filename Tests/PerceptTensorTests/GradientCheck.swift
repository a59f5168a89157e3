import Testing
@testable import PerceptTensor

/// Central finite differences against the engine's backward pass.
///
/// The engine computes in Float32, so the check uses a step of 1e-2 (Float32 rounding error
/// divided by a smaller step would dominate) and accumulates the probe loss
/// `sum(output · weights)` in Double. Tolerance: |numeric − analytic| ≤ 2e-2 · max(1, |analytic|),
/// far below the size of any wrong rule (a missing factor or sign is off by ≥ 100%).
enum GradientCheck {
    /// Checks the gradients of `op` with respect to every float input.
    static func check(_ name: String, inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-2,
                      sourceLocation: SourceLocation = #_sourceLocation,
                      _ op: ([Tensor]) throws -> Tensor) throws {
        var generator = RandomGenerator(seed: 7)
        let leaves = inputs.map { $0.dtype == .float32 ? $0.requiringGrad() : $0 }
        let output = try op(leaves)
        let weights = Tensor.randomUniform(output.shape, low: -1, high: 1, generator: &generator)
        try (output * weights).sum().backward()
        let weightValues = weights.toArray()
        func probe(_ candidate: [Tensor]) throws -> Double {
            let values = try withoutGrad { try op(candidate) }.toArray()
            return zip(values, weightValues).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        for (position, input) in inputs.enumerated() where input.dtype == .float32 {
            let analytic = leaves[position].grad?.toArray() ?? [Float](repeating: 0, count: input.count)
            let base = input.contiguous().toArray()
            for element in 0..<input.count {
                var plus = base, minus = base
                plus[element] += step
                minus[element] -= step
                var upper = inputs, lower = inputs
                upper[position] = try Tensor(plus, shape: input.shape)
                lower[position] = try Tensor(minus, shape: input.shape)
                let numeric = Float((try probe(upper) - probe(lower)) / Double(2 * step))
                let expected = analytic[element]
                #expect(Swift.abs(numeric - expected) <= tolerance * Swift.max(1, Swift.abs(expected)),
                        "\(name): input \(position) element \(element): numeric \(numeric), analytic \(expected)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// A float32 tensor of uniform values in [low, high) from a fixed seed.
    static func random(_ shape: [Int], low: Float = -1, high: Float = 1, seed: UInt64 = 1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape, low: low, high: high, generator: &generator)
    }
}
