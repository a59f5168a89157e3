import Foundation
import Testing
@testable import PerceptTensor

/// The fused binary cross-entropy from logits: its values against the formula in Float64 (large
/// logits of both signs included, where a naive log(1 + e⁻ˣ) overflows), and its gradients
/// against finite differences for the logits and the target.
@Suite("binary cross-entropy with logits")
struct BinaryCrossEntropyTests {
    @Test("values match (1 − y)·x + log(1 + e⁻ˣ) in Float64, from −100 to 100")
    func values() throws {
        let logits: [Float] = [-100, -30, -20.5, -3, -0.25, 0, 0.5, 4, 19.5, 21, 30, 100]
        let targets: [Float] = [0, 1, 0.5, 0.2, 1, 0.7, 0, 1, 0.1, 0.9, 0, 1]
        let losses = try Tensor.binaryCrossEntropyWithLogits(Tensor(logits, shape: [3, 4]), target: Tensor(targets, shape: [3, 4]))
        #expect(losses.shape == [3, 4])
        for (index, loss) in losses.toArray().enumerated() {
            let x = Double(logits[index]), y = Double(targets[index])
            let expected = (1 - y) * x + Swift.max(-x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
            #expect(Swift.abs(Double(loss) - expected) <= 1e-5 * Swift.max(1, Swift.abs(expected)), "x \(x), y \(y)")
        }
    }

    @Test("gradients of the logits and the target match finite differences")
    func gradients() throws {
        let logits = GradientCheck.random([2, 3, 5], low: -4, high: 4, seed: 71)
        let target = GradientCheck.random([2, 3, 5], low: 0, high: 1, seed: 72)
        try GradientCheck.check("binaryCrossEntropyWithLogits", inputs: [logits, target]) { inputs in
            try Tensor.binaryCrossEntropyWithLogits(inputs[0], target: inputs[1])
        }
    }

    @Test("a non-contiguous input gives the values of its contiguous copy")
    func nonContiguous() throws {
        let logits = try GradientCheck.random([4, 6], low: -5, high: 5, seed: 73).transposed(0, 1)
        let target = GradientCheck.random([6, 4], low: 0, high: 1, seed: 74)
        let strided = try Tensor.binaryCrossEntropyWithLogits(logits, target: target)
        let copied = try Tensor.binaryCrossEntropyWithLogits(logits.contiguous(), target: target)
        #expect(strided.toArray() == copied.toArray())
    }

    @Test("mismatched shapes and non-float inputs are errors naming the operation")
    func badInputs() throws {
        let logits = GradientCheck.random([2, 3], seed: 75)
        #expect(throws: TensorError.self) { try Tensor.binaryCrossEntropyWithLogits(logits, target: Tensor.zeros([3, 2])) }
        #expect(throws: TensorError.self) {
            try Tensor.binaryCrossEntropyWithLogits(logits, target: Tensor(indices: [0, 1, 0, 1, 1, 0], shape: [2, 3]))
        }
    }
}
