import Foundation
import Testing
@testable import PerceptExport
import PerceptModels
import PerceptNN
import PerceptTensor

/// A layer whose activation has no ONNX form before opset 20.
final class GELUBlock: Module, Layer {
    let fc: Linear

    init(features: Int) throws {
        fc = try Linear(features, features)
        super.init()
    }

    func forward(_ input: Tensor) throws -> Tensor { try fc(input).gelu() }
}

/// A model holding that layer under the name `block`.
final class GELUNet: Module, Layer {
    let block: GELUBlock

    init(features: Int) throws {
        block = try GELUBlock(features: features)
        super.init()
    }

    func forward(_ input: Tensor) throws -> Tensor { try block(input) }
}

/// Uneven adaptive average windows (5×7 → 3×2) and an uneven max pool, which ONNX cannot express.
final class AdaptivePoolNet: Module, Layer {
    let maximum: Bool

    init(maximum: Bool) {
        self.maximum = maximum
        super.init()
    }

    func forward(_ input: Tensor) throws -> Tensor {
        maximum ? try input.adaptiveMaxPool2d(outputSize: SpatialPair(3, 2)) : try input.adaptiveAvgPool2d(outputSize: SpatialPair(3, 2))
    }
}

@Suite("ONNX export errors")
struct ExportErrorTests {
    @Test("an opset outside 13…21 is refused before tracing", arguments: [12, 22])
    func opset(opset: Int) throws {
        let net = try GELUNet(features: 4)
        #expect(throws: ONNXExportError.unsupportedOpset(opset, supported: 13...21)) {
            _ = try ONNXExporter.export(net, signature: ExportSignature(inputs: [(name: "x", shape: [1, 4])], outputNames: ["y"]) { [try net($0[0])] },
                                        options: ONNXExportOptions(opset: opset), metadata: [], producerVersion: "test")
        }
    }

    @Test("an operation with no ONNX form at the opset names its layer; a later opset has it")
    func unsupportedOperation() throws {
        let net = try GELUNet(features: 4)
        let signature = ExportSignature(inputs: [(name: "x", shape: [1, 4])], outputNames: ["y"]) { [try net($0[0])] }
        do {
            _ = try ONNXExporter.export(net, signature: signature, options: ONNXExportOptions(opset: 17), metadata: [], producerVersion: "test")
            Issue.record("GELU exported at opset 17")
        } catch let error as ONNXExportError {
            guard case let .unsupportedOperation(layer, layerType, operation, _) = error else { throw error }
            #expect(layer == "block" && layerType == "GELUBlock" && operation == "gelu")
            #expect(error.description.contains("layer block (GELUBlock)"))
        }
        try ONNXRuntimeCheck.expectRuntimeMatches(net, signature, options: ONNXExportOptions(opset: 20), label: "gelu at opset 20")
    }

    @Test("--part encoder on a classifier is refused")
    func partOfClassifier() throws {
        let configuration = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 12, options: ["hidden": 8])
        let entry = try ModelRegistry.entry("mlp")
        let model = try entry.build(configuration)
        #expect(throws: ZooExportError.partNeedsAutoencoder(part: "encoder", model: "mlp")) {
            _ = try ZooExport.signature(for: model, name: "mlp", task: entry.task, configuration: configuration, part: .encoder, imageSize: (12, 12))
        }
    }

    @Test("uneven adaptive average windows export exactly; uneven max windows name their layer")
    func unevenAdaptivePooling() throws {
        let average = AdaptivePoolNet(maximum: false)
        let signature = ExportSignature(inputs: [(name: "x", shape: [1, 2, 5, 7])], outputNames: ["y"]) { [try average($0[0])] }
        try ONNXRuntimeCheck.expectRuntimeMatches(average, signature, options: ONNXExportOptions(dynamicBatch: true), batches: [1, 7],
                                                  label: "adaptive average 5×7 → 3×2")
        let maximum = AdaptivePoolNet(maximum: true)
        let maxSignature = ExportSignature(inputs: [(name: "x", shape: [1, 2, 5, 7])], outputNames: ["y"]) { [try maximum($0[0])] }
        #expect(throws: ONNXExportError.self) {
            _ = try ONNXExporter.export(maximum, signature: maxSignature, options: ONNXExportOptions(), metadata: [], producerVersion: "test")
        }
    }
}
