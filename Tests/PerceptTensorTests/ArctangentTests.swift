import Foundation
import Testing
@testable import PerceptTensor

/// `atan`, added for CIoU's aspect-ratio term: values against Foundation's in Float64 (large
/// arguments of both signs included) and the rule 1 / (1 + x²) against finite differences, on
/// contiguous and strided inputs and on both engine paths.
@Suite("arctangent")
struct ArctangentTests {
    @Test("values match atan in Float64 from −1e6 to 1e6")
    func values() throws {
        let inputs: [Float] = [-1e6, -50, -3, -1, -0.25, 0, 1e-4, 0.5, 1, 2, 40, 1e6]
        let result = try Tensor(inputs, shape: [3, 4]).atan().toArray()
        for (x, y) in zip(inputs, result) {
            #expect(Swift.abs(Double(y) - Foundation.atan(Double(x))) <= 1e-6, "atan(\(x)) = \(y)")
        }
    }

    @Test("gradients match finite differences", arguments: [false, true], EnginePath.allCases)
    func gradients(strided: Bool, path: EnginePath) throws {
        try path.run {
            let base = GradientCheck.random([4, 5], low: -3, high: 3, seed: 81)
            let input = try strided ? base.transposed() : base
            try GradientCheck.check("atan", inputs: [input]) { $0[0].atan() }
        }
    }

    @Test("the slope at 0 is 1 and falls as 1 / (1 + x²)")
    func slope() throws {
        let x = try Tensor([0, 1, -2, 10], shape: [4]).requiringGrad()
        try x.atan().sum().backward()
        let grad = try #require(x.grad).toArray()
        for (value, slope) in zip([Float(0), 1, -2, 10], grad) {
            #expect(Swift.abs(slope - 1 / (1 + value * value)) <= 1e-7)
        }
    }
}
