import Testing
import PerceptTensor
@testable import PerceptNN

extension PerceptNNTests {
    /// Layers against PyTorch: the same state dict and input give the same output, input
    /// gradient and parameter gradients (Fixtures/parity/nn/layers.safetensors).
    @Suite("Layer parity with PyTorch")
    struct LayerParityTests {
        static let cases: [(String, () throws -> any Layer)] = [
            ("linear", { try Linear(5, 3) }),
            ("linear_no_bias", { try Linear(5, 3, bias: false) }),
            ("linear_3d", { try Linear(5, 3) }),
            ("relu", { ReLU() }), ("leaky_relu", { LeakyReLU() }), ("elu", { ELU() }), ("selu", { SELU() }),
            ("gelu", { GELU() }), ("gelu_tanh", { GELU(approximateTanh: true) }), ("silu", { SiLU() }),
            ("mish", { Mish() }), ("sigmoid", { Sigmoid() }), ("tanh", { Tanh() }), ("hardtanh", { Hardtanh() }),
            ("softmax", { Softmax(axis: -1) }), ("log_softmax", { LogSoftmax(axis: 1) }),
            ("sequential", { Sequential(try Linear(4, 6), Tanh(), try Linear(6, 2)) }),
            ("flatten", { Flatten() }),
            ("embedding_padding", { try Embedding(count: 6, dimension: 3, paddingIndex: 1) }),
            ("embedding_max_norm", { try Embedding(count: 6, dimension: 3, maxNorm: 1) }),
            ("lstm", { try LSTM(inputSize: 3, hiddenSize: 4) }),
            ("lstm_deep_bidirectional_batch_first", { try LSTM(inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true, batchFirst: true) }),
            ("gru", { try GRU(inputSize: 3, hiddenSize: 4) }),
            ("gru_deep_bidirectional", { try GRU(inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true) }),
        ]

        @Test("each layer matches PyTorch's output and gradients", arguments: cases.map(\.0))
        func matchesPyTorch(name: String) throws {
            let fixtures = try ParityFixtures("layers")
            let make = try #require(Self.cases.first { $0.0 == name }?.1)
            let layer = try make()
            try layer.load(fixtures.entries(under: "\(name).state."))
            let rawInput = try fixtures("\(name).input")
            let input = rawInput.dtype == .float32 ? rawInput.requiringGrad() : rawInput
            let output = try layer(input)
            expectClose(output, try fixtures("\(name).output"), "\(name) output")
            try (output * fixtures("\(name).probe")).sum().backward()
            if input.requiresGrad { expectClose(input.grad, try fixtures("\(name).input_grad"), "\(name) input gradient") }
            for (key, parameter) in layer.namedParameters() {
                expectClose(parameter.grad, try fixtures("\(name).grad.\(key)"), "\(name) gradient of \(key)")
            }
            for (key, buffer) in layer.namedBuffers() {
                expectClose(buffer.value, try fixtures("\(name).buffer_after.\(key)"), "\(name) buffer \(key) after the forward pass")
            }
            if let recurrent = layer as? Recurrent {
                let finalState = try withoutGrad { try recurrent.run(rawInput).state }
                expectClose(finalState.hidden, try fixtures("\(name).hidden"), "\(name) final hidden state")
                if let cell = finalState.cell { expectClose(cell, try fixtures("\(name).cell"), "\(name) final cell state") }
            }
            if name == "embedding_max_norm" {
                expectClose(layer.stateDict()["weight"], try fixtures("\(name).weight_after"), "renormalised table")
            }
        }
    }
}
