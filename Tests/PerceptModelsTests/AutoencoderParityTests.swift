import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

/// conv_ae's and vae_fashion's outputs and loss gradients against PyTorch's in float64, on the
/// formula weights of ``ZooParityTests/formulaState(_:)`` (Tools/make-autoencoder-parity-fixtures).
@Suite("Autoencoder parity with PyTorch on formula weights")
struct AutoencoderParityTests {
    static let fixture = ZooParityTests.parityFixture("autoencoders.safetensors")

    /// Issue 14's relative error: |a − b| / (|b| + 1e-3·max(1, max|b|)), the largest over the elements.
    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Double {
        let scale = 1e-3 * Swift.max(1, Double(expected.map(Swift.abs).max() ?? 0))
        return zip(actual, expected).map { Double(Swift.abs($0 - $1)) / (Double(Swift.abs($1)) + scale) }.max() ?? 0
    }

    /// The model's outputs and loss as the fixture script computes them (the autoencoder task's loss).
    static func outputs(_ model: any Autoencoder, input: Tensor, epsilon: Tensor) throws -> [String: Tensor] {
        let code = try model.encode(input, labels: nil)
        let logits = try model.decodeLogits(code.sample(epsilon: epsilon), labels: nil)
        let batch = Float(input.shape[0])
        var loss = try Loss.binaryCrossEntropyWithLogits(logits, input, reduction: .sum) / batch
        var results = ["logits": logits]
        if let logVariance = code.logVariance {
            let kl = try Loss.gaussianKLDivergence(mean: code.mean, logVariance: logVariance, reduction: .sum) / batch
            loss = try loss + kl
            results["mean"] = code.mean
            results["log_variance"] = logVariance
            results["kl"] = try kl.reshaped([1])
        } else {
            results["embedding"] = code.mean
        }
        results["loss"] = try loss.reshaped([1])
        return results
    }

    @Test("forward outputs, the loss and every parameter's gradient equal PyTorch's within issue 14's tolerance",
          arguments: ["conv_ae", "vae_fashion"])
    func parity(name: String) throws {
        let fixture = try #require(Self.fixture, "Fixtures/parity/zoo/autoencoders.safetensors is missing: run Tools/make-autoencoder-parity-fixtures")
        let model = try #require(try ModelRegistry.build(name, configuration: .init(numClasses: 10, inputChannels: 1, imageSize: 28)) as? any Autoencoder)
        let referenceKeys = try #require(fixture.metadata["keys." + name]).split(separator: ",").map(String.init)
        #expect(model.stateDictKeys().sorted() == referenceKeys)
        try model.load(ZooParityTests.formulaState(model), strict: true)
        model.train(true)
        let outputs = try Self.outputs(model, input: try #require(fixture.tensors["input"]), epsilon: try #require(fixture.tensors["epsilon"]))
        try #require(outputs["loss"]).sum().backward()
        var compared = 0
        for (key, expected) in fixture.tensors where key.hasPrefix(name + ".") {
            let field = String(key.dropFirst(name.count + 1))
            let actual: [Float]
            if field.hasPrefix("grad.") {
                let parameter = try #require(model.namedParameters().first { $0.name == String(field.dropFirst(5)) }?.parameter)
                let gradient = try #require(parameter.grad).contiguous().toArray()
                let step = (gradient.count + 511) / 512
                actual = stride(from: 0, to: gradient.count, by: step).map { gradient[$0] }
            } else {
                let output = try #require(outputs[field], "no output \(field)")
                #expect(output.shape == expected.shape, "\(key)")
                actual = output.contiguous().toArray()
            }
            let tolerance = try #require(Double(fixture.metadata["tolerance." + key] ?? ""))
            let error = Self.relativeError(actual, expected.toArray())
            #expect(actual.count == expected.count && error <= tolerance, "\(key): relative error \(error), tolerance \(tolerance)")
            compared += 1
        }
        #expect(compared == (name == "conv_ae" ? 15 : 17))
    }
}
