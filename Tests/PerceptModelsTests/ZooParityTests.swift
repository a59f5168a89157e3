import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

/// torchvision's (pytorch-cifar-models', the reference FashionCNN's) outputs for weights set by a formula, written by
/// Tools/make-zoo-parity-fixtures; the formula is repeated here, so the two must change together.
@Suite("Zoo parity with torchvision on formula weights")
struct ZooParityTests {
    static let fixture = parityFixture("classifiers.safetensors")

    /// The fixture `name` of Fixtures/parity/zoo, or nil when it is missing.
    static func parityFixture(_ name: String) -> (tensors: [String: Tensor], metadata: [String: String])? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try? Tensor.loadSafetensors(from: root.appendingPathComponent("Fixtures/parity/zoo/" + name).path, loading: .readFully)
    }

    /// The fixture script's weights: for the tensor at position k of the sorted keys (without
    /// `num_batches_tracked`), s_i = sin(0.37·i + k), scaled by the tensor's role.
    static func formulaState(_ model: Module) -> [String: Tensor] {
        var state = model.stateDict()
        let keys = state.keys.filter { !$0.hasSuffix("num_batches_tracked") }.sorted()
        for (k, key) in keys.enumerated() {
            guard let tensor = state[key] else { continue }
            let fanIn = tensor.shape.dropFirst().reduce(1, *)
            let values = (0..<tensor.count).map { i -> Float in
                let s = Foundation.sin(0.37 * Double(i) + Double(k))
                if tensor.rank >= 2 { return Float(s * 2 / Double(fanIn).squareRoot()) }
                if key.hasSuffix("running_var") { return Float(1 + 0.25 * s) }
                if key.hasSuffix("weight") { return Float(1 + 0.1 * s) }
                return Float(0.1 * s)
            }
            state[key] = try? Tensor(values, shape: tensor.shape)
        }
        return state
    }

    @Test("eval-mode outputs equal the reference's to 1e-4, with the same state-dict keys",
          arguments: ["resnet18", "resnet50", "vgg11_bn", "mobilenet_v2", "cifar_resnet20", "fashion_cnn"])
    func parity(name: String) throws {
        let fixture = try #require(Self.fixture, "Fixtures/parity/zoo/classifiers.safetensors is missing: run Tools/make-zoo-parity-fixtures")
        let gray = name == "fashion_cnn"
        let model = try ModelRegistry.build(name, configuration: gray ? .init(numClasses: 10, inputChannels: 1, imageSize: 28)
                                                                      : .init(numClasses: 10, inputChannels: 3, imageSize: 32))
        let referenceKeys = try #require(fixture.metadata["keys." + name]).split(separator: ",").map(String.init)
        #expect(model.stateDictKeys().sorted() == referenceKeys)
        try model.load(Self.formulaState(model), strict: true)
        model.eval()
        let output = try withoutGrad { try model(try #require(fixture.tensors[gray ? "input_gray28" : "input"])) }
        let expected = try #require(fixture.tensors[name + ".output"])
        #expect(output.shape == expected.shape)
        let worst = zip(output.toArray(), expected.toArray()).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        #expect(worst <= 1e-4, "\(name): largest difference \(worst)")
    }
}
