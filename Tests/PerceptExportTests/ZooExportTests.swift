import Foundation
import Testing
@testable import PerceptExport
import PerceptModels
import PerceptNN
import PerceptTensor

/// Every family of the zoo exported at small widths and sizes, then run by ONNX Runtime
/// against Percept's outputs (Tools/onnx-check; needs Tools/install-deps' .build/venv).
@Suite("ONNX export of the zoo, checked by ONNX Runtime", .serialized)
struct ZooExportTests {
    /// A registry model with random (seeded) weights and batch-norm statistics that are not
    /// the identity, so folding is exercised.
    static func model(_ name: String, _ configuration: ModelConfiguration) throws -> (any ZooModel, ModelEntry) {
        Tensor.manualSeed(7)
        let entry = try ModelRegistry.entry(name)
        let model = try entry.build(configuration)
        for (index, (_, buffer)) in model.namedBuffers().enumerated() where buffer.value.dtype == .float32 {
            let count = buffer.value.count
            buffer.value = try Tensor((0..<count).map { 0.5 + Float(($0 + index) % 5) * 0.2 }, shape: buffer.value.shape)
        }
        return (model, entry)
    }

    static func signature(_ model: any ZooModel, _ entry: ModelEntry, _ configuration: ModelConfiguration,
                          part: ModelPart = .full) throws -> ExportSignature {
        try ZooExport.signature(for: model, name: entry.name, task: entry.task, configuration: configuration, part: part,
                                imageSize: (configuration.imageSize, configuration.imageSize))
    }

    static let classifiers: [(String, ModelConfiguration)] = [
        ("fashion_cnn", ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28, options: ["width1": 8, "width2": 16, "hidden": 32])),
        ("lenet5", ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)),
        ("mlp", ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 12, options: ["hidden": 16])),
        ("course_cnn28", ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)),
        ("course_cnn32", ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 32)),
        ("resnet18", ModelConfiguration(numClasses: 5, inputChannels: 3, imageSize: 32)),
        ("resnet50", ModelConfiguration(numClasses: 5, inputChannels: 3, imageSize: 32)),
        ("mobilenet_v2", ModelConfiguration(numClasses: 5, inputChannels: 3, imageSize: 32, options: ["width": 0.25])),
        ("cifar_resnet20", ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 16)),
    ]

    /// Classifier `index` exported with `options` and checked at each of `batches`.
    static func checkedClassifier(_ index: Int, options: ONNXExportOptions = ONNXExportOptions(), batches: [Int] = [1]) throws -> ONNXModel {
        let (name, configuration) = classifiers[index]
        let (model, entry) = try Self.model(name, configuration)
        return try ONNXRuntimeCheck.expectRuntimeMatches(model, try signature(model, entry, configuration), options: options,
                                                         batches: batches, label: name)
    }

    @Test("classifiers: ONNX Runtime gives Percept's logits", arguments: classifiers.indices)
    func classifier(index: Int) throws {
        let onnx = try Self.checkedClassifier(index)
        #expect(!onnx.graph.nodes.contains { $0.opType == "BatchNormalization" }, "\(Self.classifiers[index].0): batch norms are folded by default")
    }

    @Test("a dynamic batch runs at batch 1 and 7", arguments: [0, 5])
    func dynamicBatch(index: Int) throws {
        let onnx = try Self.checkedClassifier(index, options: ONNXExportOptions(dynamicBatch: true), batches: [1, 7])
        #expect(onnx.graph.inputs[0].shape.first == .parameter("batch"))
    }

    @Test("--no-fold keeps BatchNormalization nodes and gives the same outputs")
    func unfolded() throws {
        let onnx = try Self.checkedClassifier(0, options: ONNXExportOptions(foldBatchNorm: false))
        #expect(onnx.graph.nodes.filter { $0.opType == "BatchNormalization" }.count == 2)
        #expect(onnx.graph.initializers.map(\.name).contains("b1.running_mean"), "initialisers carry state-dict names")
    }

    @Test("--half: float16 weights and I/O within 1e-2 relative")
    func half() throws {
        let onnx = try Self.checkedClassifier(5, options: ONNXExportOptions(half: true))
        #expect(!onnx.graph.initializers.contains { $0.dataType == .float }, "no float32 weights are left")
        #expect(onnx.graph.initializers.contains { $0.name == "conv1.weight" && $0.dataType == .float16 })
        #expect(onnx.graph.inputs[0].elementType == .float16 && onnx.graph.outputs[0].elementType == .float16)
    }

    @Test("autoencoders and the VAE: full graph, encoder and decoder", arguments: ["ae", "conv_ae", "vae"])
    func autoencoder(name: String) throws {
        let options: [String: Double] = name == "ae" ? ["hidden1": 32, "hidden2": 16, "latent": 8] : ["width": 8, "latent": 6]
        let configuration = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 12, options: options)
        let (model, entry) = try Self.model(name, configuration)
        for part in ModelPart.allCases {
            let onnx = try ONNXRuntimeCheck.expectRuntimeMatches(model, try Self.signature(model, entry, configuration, part: part),
                                                                 options: ONNXExportOptions(dynamicBatch: true), batches: [1, 7],
                                                                 label: "\(name) \(part.rawValue)")
            if part == .encoder { #expect(onnx.graph.outputs.count == (name == "vae" ? 2 : 1)) }
        }
    }

    @Test("U-Net with transposed and bilinear upsampling, on a side that needs padding", arguments: [0.0, 1.0])
    func unet(bilinear: Double) throws {
        let configuration = ModelConfiguration(numClasses: 3, inputChannels: 3, imageSize: 18,
                                               options: ["depth": 2, "base_width": 4, "bilinear": bilinear])
        let (model, entry) = try Self.model("unet", configuration)
        try ONNXRuntimeCheck.expectRuntimeMatches(model, try Self.signature(model, entry, configuration),
                                                  options: ONNXExportOptions(dynamicBatch: true), batches: [1, 7], label: "unet bilinear \(bilinear)")
    }

    @Test("PointNet classification and segmentation", arguments: ["pointnet_cls_s", "pointnet_seg_s"])
    func pointNet(name: String) throws {
        let configuration = ModelConfiguration(numClasses: 4, inputChannels: 3, imageSize: 64, options: ["width": 0.125])
        let (model, entry) = try Self.model(name, configuration)
        try ONNXRuntimeCheck.expectRuntimeMatches(model, try Self.signature(model, entry, configuration),
                                                  options: ONNXExportOptions(dynamicBatch: true), batches: [1, 7], label: name)
    }
}
