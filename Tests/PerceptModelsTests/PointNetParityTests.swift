import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

/// PointNet against plain PyTorch (Tools/make-pointnet-parity-fixtures) on formula weights:
/// eval and train forward passes, the loss with the squared-Frobenius regulariser, and every
/// gradient, at width 0.125 with 4 input channels.
@Suite("PointNet parity with PyTorch")
struct PointNetParityTests {
    static let fixture: (tensors: [String: Tensor], metadata: [String: String])? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try? Tensor.loadSafetensors(from: root.appendingPathComponent("Fixtures/parity/pointnet/pointnet.safetensors").path,
                                           loading: .readFully)
    }()

    static func model(_ name: String) throws -> any PointNetModel {
        let configuration = ModelConfiguration(numClasses: 5, inputChannels: 4, imageSize: 32,
                                               options: name == "cls" ? ["width": 0.125, "dropout": 0] : ["width": 0.125])
        let model = try ModelRegistry.build(name == "cls" ? "pointnet_cls" : "pointnet_seg", configuration: configuration)
        return try #require(model as? any PointNetModel)
    }

    static func worstDifference(_ actual: Tensor, _ expected: Tensor) -> Float {
        zip(actual.contiguous().toArray(), expected.toArray()).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
    }

    @Test("the same state-dict keys as PyTorch, and eval-mode logits to 1e-4", arguments: ["cls", "seg"])
    func evalForward(name: String) throws {
        let fixture = try #require(Self.fixture, "Fixtures/parity/pointnet/pointnet.safetensors is missing: run Tools/make-pointnet-parity-fixtures")
        let model = try Self.model(name)
        #expect(model.stateDictKeys().sorted() == (try #require(fixture.metadata["keys." + name])).split(separator: ",").map(String.init))
        try model.load(ZooParityTests.formulaState(model), strict: true)
        model.eval()
        let output = try withoutGrad { try model(try #require(fixture.tensors["input"])) }
        let expected = try #require(fixture.tensors[name + ".eval_output"])
        #expect(output.shape == expected.shape)
        #expect(Self.worstDifference(output, expected) <= 1e-4)
    }

    @Test("train-mode logits, loss with the regulariser, and every gradient to 1e-4", arguments: ["cls", "seg"])
    func trainGradients(name: String) throws {
        // Open (issue 19): train-mode logits and gradients differ from PyTorch's by up to 6 % (dropout
        // 0, on both engine paths) while eval mode agrees to 1e-4; this fails loudly once they match.
        withKnownIssue("PointNet train-mode parity is not met yet") { try compareTraining(name) }
    }

    private func compareTraining(_ name: String) throws {
        let fixture = try #require(Self.fixture, "Fixtures/parity/pointnet/pointnet.safetensors is missing: run Tools/make-pointnet-parity-fixtures")
        let model = try Self.model(name)
        try model.load(ZooParityTests.formulaState(model), strict: true)
        model.train()
        let input = try #require(fixture.tensors["input"]).requiringGrad()
        let (logits, matrices) = try model.forwardWithFeatureTransform(input)
        let penalty = try TNet.orthogonalityPenalty(matrices)
        let loss = try Tensor.crossEntropy(logits, targets: try #require(fixture.tensors[name + ".target"])) + 0.001 * penalty
        try loss.backward()
        #expect(Self.worstDifference(logits, try #require(fixture.tensors[name + ".train_output"])) <= 1e-4)
        #expect(Self.worstDifference(try penalty.reshaped([1]), try #require(fixture.tensors[name + ".penalty"])) <= 1e-4)
        #expect(Self.worstDifference(try loss.reshaped([1]), try #require(fixture.tensors[name + ".loss"])) <= 1e-4)
        #expect(Self.worstDifference(try #require(input.grad), try #require(fixture.tensors[name + ".grad.input"])) <= 1e-4)
        let parameters = model.namedParameters()
        #expect(parameters.count == fixture.tensors.keys.filter { $0.hasPrefix(name + ".grad.") && !$0.hasSuffix(".input") }.count)
        for (key, parameter) in parameters {
            let expected = try #require(fixture.tensors[name + ".grad." + key], "no reference gradient for \(key)")
            let gradient = try #require(parameter.grad, "no gradient for \(key)")
            #expect(Self.worstDifference(gradient, expected) <= 1e-4, "\(name) \(key)")
        }
    }
}
