import Foundation
import Testing
@testable import PerceptExport
import PerceptNN
import PerceptTensor

/// A small model whose second layer ends in an operation the trace does not see (log-softmax).
final class LogSoftmaxNet: Module, Layer {
    let fc: Linear

    init(features: Int) throws {
        fc = try Linear(features, 2)
        super.init()
    }

    func forward(_ input: Tensor) throws -> Tensor { try fc(input).logSoftmax(axis: 1) + 1 }
}

@Suite("The export trace")
struct OperationTraceTests {
    @Test("the engine reports each operation with its options and layer while a recorder is set, and nothing otherwise")
    func recordsOperations() throws {
        let conv = try Conv2d(2, 4, kernelSize: 3, stride: 2, padding: 1)
        let net = Sequential(conv, ReLU())
        let recorder = GraphRecorder(model: net)
        let input = try Tensor((0..<50).map { Float($0) / 50 }, shape: [1, 2, 5, 5])
        _ = try net(input)
        #expect(recorder.steps.isEmpty, "no trace is active outside tracing")
        let output = try recorder.tracing { try net(input) }
        #expect(recorder.steps.map(\.operation.kind) == ["conv2d", "relu"])
        let convolution = try #require(recorder.steps.first)
        #expect(convolution.layer == "0" && convolution.layerType == "Conv2d")
        #expect(convolution.operation.attributes["stride"] == .ints([2, 2]) && convolution.operation.attributes["padding"] == .ints([1, 1]))
        #expect(recorder.producers[ValueKey(output)] == 1)
    }

    @Test("a value from an operation the trace cannot see is refused, not frozen into the file")
    func untracedOperation() throws {
        let net = try LogSoftmaxNet(features: 3)
        let signature = ExportSignature(inputs: [(name: "x", shape: [1, 3])], outputNames: ["y"]) { [try net($0[0])] }
        #expect(throws: ONNXExportError.untracedOperation(layer: "", layerType: "LogSoftmaxNet", operation: "affine")) {
            _ = try ONNXExporter.export(net, signature: signature, options: ONNXExportOptions(), metadata: [], producerVersion: "test")
        }
    }
}
