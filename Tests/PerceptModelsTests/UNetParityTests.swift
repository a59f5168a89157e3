import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

/// `unet_s` against PyTorch on the hashed weights of Tools/make-unet-parity-fixtures: eval and
/// training-mode outputs, the cross-entropy, every small parameter's gradient element by element
/// and every gradient's norm, to 1e-4. (The zoo fixtures' periodic formula weights made float32
/// rounding reach 4e-4 in the deep levels, and a ReLU input that close to zero fell on either
/// side in PyTorch, oneDNN and the engine's kernels: gradients below it differed by up to 1.4 %.
/// The hashed weights keep every ReLU input ten float32 errors from zero.)
@Suite("unet_s parity with PyTorch: forward and gradients")
struct UNetParityTests {
    static let fixture: (tensors: [String: Tensor], metadata: [String: String])? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try? Tensor.loadSafetensors(from: root.appendingPathComponent("Fixtures/parity/unet/unet_s.safetensors").path, loading: .readFully)
    }()

    /// The largest difference relative to max(1, |expected|).
    static func worst(_ actual: Tensor, _ expected: Tensor) -> Float {
        zip(actual.contiguous().toArray(), expected.contiguous().toArray()).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? .infinity
    }

    func model(_ fixture: (tensors: [String: Tensor], metadata: [String: String])) throws -> any ZooModel {
        let model = try ModelRegistry.build("unet_s", configuration: .init(numClasses: 2, inputChannels: 3, imageSize: 32))
        let stateKeys = try #require(fixture.metadata["state_keys"]).split(separator: ",").map(String.init)
        #expect(model.stateDictKeys().sorted() == stateKeys)
        let offset = try #require(fixture.metadata["offset"].flatMap { Int($0) }, "the fixture names its weights' offset")
        try model.load(HashedWeights.state(of: model, offset: offset), strict: true)
        return model
    }

    @Test("eval-mode logits equal PyTorch's to 1e-4, with the same state-dict keys")
    func evalForward() throws {
        let fixture = try #require(Self.fixture, "Fixtures/parity/unet/unet_s.safetensors is missing: run Tools/make-unet-parity-fixtures")
        let model = try model(fixture)
        model.eval()
        let output = try withoutGrad { try model(try #require(fixture.tensors["input"])) }
        let expected = try #require(fixture.tensors["eval.output"])
        #expect(output.shape == expected.shape)
        #expect(Self.worst(output, expected) <= 1e-4)
    }

    @Test("training-mode logits, loss and every gradient equal PyTorch's to 1e-4, on oneDNN and on the engine's kernels",
          arguments: [false, true])
    func trainingGradients(fallback: Bool) throws {
        if fallback { try DNNL.withFallbackKernels { try checkTrainingGradients() } } else { try checkTrainingGradients() }
    }

    func checkTrainingGradients() throws {
        let fixture = try #require(Self.fixture, "Fixtures/parity/unet/unet_s.safetensors is missing: run Tools/make-unet-parity-fixtures")
        let model = try model(fixture)
        model.train(true)
        let output = try model(try #require(fixture.tensors["input"]))
        #expect(Self.worst(output, try #require(fixture.tensors["train.output"])) <= 1e-4)
        let loss = try Loss.crossEntropy(output, try #require(fixture.tensors["target"]))
        #expect(try Self.worst(loss.reshaped([1]), #require(fixture.tensors["train.loss"])) <= 1e-4)
        try loss.backward()
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter) })
        let keys = try #require(fixture.metadata["keys"]).split(separator: ",").map(String.init)
        #expect(parameters.keys.sorted() == keys)
        let norms = try #require(fixture.tensors["grad_norms"]).toArray()
        let gradientKeys = try #require(fixture.metadata["grad_keys"]).split(separator: ",").map(String.init)
        for (index, key) in keys.enumerated() {
            let gradient = try #require(parameters[key]?.grad, "\(key) has no gradient")
            let norm = gradient.contiguous().toArray().reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(Swift.abs(Float(norm) - norms[index]) / Swift.max(1, norms[index]) <= 1e-4, "\(key): norm \(norm) vs \(norms[index])")
        }
        for key in gradientKeys {
            #expect(Self.worst(try #require(parameters[key]?.grad), try #require(fixture.tensors["grad." + key])) <= 1e-4, "\(key)")
        }
    }
}
