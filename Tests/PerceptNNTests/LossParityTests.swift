import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

extension PerceptNNTests {
    /// Losses against PyTorch (Fixtures/parity/nn/losses.safetensors): the value and the
    /// gradient of the probe sum(loss · probe) with respect to the prediction.
    @Suite("Loss parity with PyTorch")
    struct LossParityTests {
        typealias Case = (name: String, loss: (Tensor, Tensor, ParityFixtures) throws -> Tensor)

        static let cases: [Case] = [
            ("cross_entropy_mean", { x, t, _ in try Loss.crossEntropy(x, t) }),
            ("cross_entropy_sum", { x, t, _ in try Loss.crossEntropy(x, t, reduction: .sum) }),
            ("cross_entropy_none", { x, t, _ in try Loss.crossEntropy(x, t, reduction: .none) }),
            ("cross_entropy_weighted", { x, t, f in try Loss.crossEntropy(x, t, weight: f("cross_entropy_weighted.weight")) }),
            ("cross_entropy_ignore", { x, t, _ in try Loss.crossEntropy(x, t, ignoreIndex: -100) }),
            ("cross_entropy_smoothing", { x, t, _ in try Loss.crossEntropy(x, t, labelSmoothing: 0.1) }),
            ("cross_entropy_all_options", { x, t, f in
                try Loss.crossEntropy(x, t, weight: f("cross_entropy_all_options.weight"), ignoreIndex: -100, labelSmoothing: 0.2) }),
            ("cross_entropy_probabilities", { x, t, _ in try Loss.crossEntropy(x, t) }),
            ("cross_entropy_probabilities_smoothing", { x, t, f in
                try Loss.crossEntropy(x, t, weight: f("cross_entropy_probabilities_smoothing.weight"), labelSmoothing: 0.1) }),
            ("cross_entropy_spatial", { x, t, _ in try Loss.crossEntropy(x, t) }),
            ("nll_weighted", { x, t, f in try Loss.negativeLogLikelihood(x, t, weight: f("nll_weighted.weight")) }),
            ("bce", { x, t, _ in try Loss.binaryCrossEntropy(x, t) }),
            ("bce_weighted_sum", { x, t, f in try Loss.binaryCrossEntropy(x, t, weight: f("bce_weighted_sum.weight"), reduction: .sum) }),
            ("bce_logits", { x, t, _ in try Loss.binaryCrossEntropyWithLogits(x, t) }),
            ("bce_logits_pos_weight", { x, t, f in
                try Loss.binaryCrossEntropyWithLogits(x, t, positiveWeight: f("bce_logits_pos_weight.pos_weight")) }),
            ("mse_mean", { x, t, _ in try Loss.meanSquaredError(x, t) }),
            ("mse_sum", { x, t, _ in try Loss.meanSquaredError(x, t, reduction: .sum) }),
            ("mse_none", { x, t, _ in try Loss.meanSquaredError(x, t, reduction: .none) }),
            ("l1", { x, t, _ in try Loss.l1(x, t) }),
            ("smooth_l1", { x, t, _ in try Loss.smoothL1(x, t, beta: 0.5) }),
            ("huber", { x, t, _ in try Loss.huber(x, t, delta: 1.5) }),
            ("kl_batchmean", { x, t, _ in try Loss.klDivergence(x, t, reduction: .batchMean) }),
            ("kl_mean_log_target", { x, t, _ in try Loss.klDivergence(x, t, logTarget: true) }),
            ("focal", { x, t, _ in try Loss.focal(x, t, alpha: 0.25, gamma: 2) }),
        ]

        @Test("each loss matches PyTorch's value and gradient", arguments: cases.map(\.name))
        func matchesPyTorch(name: String) throws {
            let fixtures = try ParityFixtures("losses")
            let loss = try #require(Self.cases.first { $0.name == name }).loss
            let input = try fixtures("\(name).input").requiringGrad()
            let output = try loss(input, fixtures("\(name).target"), fixtures)
            let expected = try fixtures("\(name).output")
            expectClose(try output.reshaped(expected.shape), expected, "\(name) value")
            try (output * fixtures("\(name).probe").reshaped(output.shape)).sum().backward()
            expectClose(input.grad, try fixtures("\(name).input_grad"), "\(name) gradient")
        }

        @Test("Dice, Tversky and the VAE's Gaussian KL follow their formulas")
        func composedLosses() throws {
            let probabilities = try Tensor([0.9, 0.2, 0.6, 0.1], shape: [1, 4])
            let target = try Tensor([1, 0, 1, 0], shape: [1, 4])
            // Dice: 1 − (2·1.5 + 1)/(1.8 + 2 + 1).
            #expect(Swift.abs(try Loss.dice(probabilities, target).item() - (1 - 4 / 4.8)) < 1e-6)
            // Tversky α = 0.3, β = 0.7: TP 1.5, FP 0.3, FN 0.5.
            let tversky = try Loss.tversky(probabilities, target, alpha: 0.3, beta: 0.7).item()
            #expect(Swift.abs(tversky - (1 - 2.5 / (1.5 + 0.09 + 0.35 + 1))) < 1e-6)
            // Gaussian KL of N(μ, e^{logσ²}) from N(0, 1).
            let mean = try Tensor([0.5, -1], shape: [1, 2]), logVariance = try Tensor([0, 0.4], shape: [1, 2])
            let expected = -0.5 * ((1 + 0 - 0.25 - 1) + (1 + 0.4 - 1 - Float(Foundation.exp(0.4))))
            #expect(Swift.abs(try Loss.gaussianKLDivergence(mean: mean, logVariance: logVariance).item() - expected) < 1e-6)
            // Dice + BCE is their sum.
            let logits = try Tensor([2, -1, 0.5, -3], shape: [1, 4])
            let combined = try Loss.diceBinaryCrossEntropy(logits, target).item()
            let parts = try Loss.binaryCrossEntropyWithLogits(logits, target).item() + Loss.dice(logits.sigmoid(), target).item()
            #expect(Swift.abs(combined - parts) < 1e-6)
        }
    }
}
