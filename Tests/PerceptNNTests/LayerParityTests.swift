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
            ("conv1d", { try Conv1d(3, 4, kernelSize: 3, stride: 2, padding: 1) }),
            ("conv2d", { try Conv2d(4, 6, kernelSize: 3, padding: 1) }),
            ("conv2d_strided_dilated_grouped", {
                try Conv2d(4, 6, kernelSize: SpatialPair(3, 2), stride: SpatialPair(2, 1), padding: SpatialPair(2, 1), dilation: 2, groups: 2) }),
            ("conv_transpose2d", { try ConvTranspose2d(4, 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1) }),
            ("conv_transpose2d_grouped", { try ConvTranspose2d(4, 6, kernelSize: 2, stride: 2, groups: 2, bias: false) }),
            ("batch_norm1d_train", { try BatchNorm1d(4) }),
            ("batch_norm1d_sequence", { try BatchNorm1d(4, momentum: 0.3) }),
            ("batch_norm2d_train", { try BatchNorm2d(4) }),
            ("batch_norm2d_eval", { try BatchNorm2d(4) }),
            ("layer_norm", { LayerNorm([6, 5]) }),
            ("group_norm", { try GroupNorm(groups: 2, channels: 4) }),
            ("instance_norm2d", { InstanceNorm2d(4) }),
            ("instance_norm2d_affine", { InstanceNorm2d(4, affine: true) }),
            ("max_pool1d", { MaxPool1d(kernelSize: 3, stride: 2, padding: 1) }),
            ("max_pool2d", { MaxPool2d(kernelSize: 2) }),
            ("max_pool2d_padded", { MaxPool2d(kernelSize: 3, stride: 2, padding: 1) }),
            ("avg_pool2d", { AvgPool2d(kernelSize: 3, stride: 2, padding: 1) }),
            ("avg_pool2d_exclude_pad", { AvgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) }),
            ("adaptive_avg_pool2d", { AdaptiveAvgPool2d(outputSize: SpatialPair(2, 3)) }),
            ("upsample_nearest", { try Upsample(scaleFactor: 2) }),
            ("upsample_bilinear", { try Upsample(size: SpatialPair(9, 7), mode: .bilinear) }),
            ("upsample_bilinear_corners", { try Upsample(scaleFactor: 2, mode: .bilinear, alignCorners: true) }),
        ]

        @Test("each layer matches PyTorch's output and gradients, on oneDNN and on the fallback kernels",
              arguments: cases.map(\.0), [false, true])
        func matchesPyTorch(name: String, fallback: Bool) throws {
            if fallback {
                try DNNL.withFallbackKernels { try check(name: name) }
            } else {
                try check(name: name)
            }
        }

        /// Runs one layer case on the current engine path.
        private func check(name: String) throws {
            let fixtures = try ParityFixtures("layers")
            let make = try #require(Self.cases.first { $0.0 == name }?.1)
            let layer = try make()
            if name.hasSuffix("_eval") { layer.eval() }
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

        @Test("channel dropout zeroes whole channels in training, scales the rest, and passes through in evaluation")
        func channelDropout() throws {
            let layer = try Dropout2d(probability: 0.5)
            let input = Tensor.ones([4, 8, 3, 3])
            let values = try layer(input).toArray()
            let channels = stride(from: 0, to: values.count, by: 9).map { Set(values[$0..<$0 + 9]) }
            #expect(channels.allSatisfy { $0 == [0] || $0 == [2] })
            #expect(channels.contains([0]) && channels.contains([2]))
            layer.eval()
            #expect(try layer(input).toArray() == input.toArray())
        }
    }
}
