import Testing
import PerceptTensor
@testable import PerceptNN

extension PerceptNNTests {
    /// Moments of a parameter whose gradient stays zero must not decay into subnormals and stay:
    /// every step that touched them took a microcode assist per value, which made Fashion-MNIST's
    /// epochs 2–5 half again as slow as the first.
    @Suite("Optimizer moments never stay subnormal")
    struct OptimizerSubnormalTests {
        static let cases: [(String, (ParameterGroups) throws -> Optimizer)] = [
            ("adam", { try Adam($0) }),
            ("adamw", { try AdamW($0) }),
            ("rmsprop", { try RMSprop($0, momentum: 0.9) }),
            ("sgd_momentum", { try SGD($0, learningRate: 0.01, momentum: 0.9) }),
        ]

        @Test("one gradient, then 1,500 zero gradients: the moments decay without ever being subnormal", arguments: cases.map(\.0))
        func momentsDecayToZero(name: String) throws {
            let make = try #require(Self.cases.first { $0.0 == name }?.1)
            let parameter = Parameter(try Tensor([0.5, -0.25, 1, 2], shape: [4]))
            let optimizer = try make(ParameterGroup([parameter]))
            parameter.grad = try Tensor([1e-3, -2e-3, 5e-4, 1e-2], shape: [4])
            try optimizer.step()
            for _ in 0..<1_500 {
                parameter.grad = Tensor.zeros([4])
                try optimizer.step()
            }
            let state = optimizer.state(for: parameter)
            #expect(!state.buffers.isEmpty)
            for (buffer, values) in state.buffers {
                let subnormal = values.filter { $0 != 0 && abs($0) < Float.leastNormalMagnitude }
                #expect(subnormal.isEmpty, "\(name) \(buffer): \(subnormal)")
            }
            // The first moment (the momentum) of a gradient gone for good has decayed away.
            let first = try #require(state.buffers["exp_avg"] ?? state.buffers["momentum_buffer"])
            #expect(first.allSatisfy { abs($0) < 1e-30 }, "\(name): \(Array(first))")
        }
    }
}
