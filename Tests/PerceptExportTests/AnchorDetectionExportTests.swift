import Foundation
import Testing
@testable import PerceptExport
import PerceptModels
import PerceptNN
import PerceptTensor

/// The anchor-based `yolov3n` exported to ONNX: `output0` `[N, 4 + classes, anchors]` with boxes
/// in input pixels (centre, size) and scores σ(objectness)·σ(class), checked by ONNX Runtime
/// through Tools/onnx-check. The weights are the registry's at random init with a fixed seed.
@Suite("ONNX export of the anchor-based yolov3n, checked by ONNX Runtime", .serialized)
struct AnchorDetectionExportTests {
    static let classes = 4

    static func model() throws -> YOLOAnchorModel {
        let (model, _) = try ZooExportTests.model("yolov3n", ModelConfiguration(numClasses: classes, inputChannels: 3, imageSize: 64))
        return try #require(model as? YOLOAnchorModel)
    }

    static func signature(_ model: YOLOAnchorModel, height: Int = 64, width: Int = 96) throws -> ExportSignature {
        try ZooExport.signature(for: model, name: "yolov3n", task: .detect,
                                configuration: ModelConfiguration(numClasses: classes, inputChannels: 3, imageSize: 64),
                                part: .full, imageSize: (height, width))
    }

    @Test("output0: ONNX Runtime gives Percept's decoded boxes and σ(obj)·σ(cls) scores to 1e-4 (checker passes)")
    func decodedOutput() throws {
        let model = try Self.model()
        let onnx = try ONNXRuntimeCheck.expectRuntimeMatches(model, try Self.signature(model), label: "yolov3n")
        #expect(onnx.graph.outputs.map(\.name) == ["output0"])
        #expect(onnx.graph.outputs[0].shape == [.value(1), .value(4 + Self.classes), .value(3 * (8 * 12 + 4 * 6 + 2 * 3))])
        let operators = Set(onnx.graph.nodes.map(\.opType))
        #expect(operators.isSuperset(of: ["Conv", "Sigmoid", "Exp", "Mul", "Concat", "Slice", "Reshape", "Transpose"]), "\(operators)")
        #expect(onnx.graph.initializers.contains { $0.name == "model.22.m.2.weight" }, "the head keeps its state-dict names")
    }

    @Test("output0 is YOLOv3's decoding: the first anchor of the first cell by hand from the raw predictions")
    func layoutByHand() throws {
        let model = try Self.model()
        model.eval()
        let images = try ONNXRuntimeCheck.input([1, 3, 64, 96])
        let (raw, decoded) = try withoutGrad { (try model(images), try DetectionExport.decoded(model, images)) }
        let anchors = raw.shape[2]
        func value(_ tensor: Tensor, _ row: Int) -> Double { Double(tensor.toArray()[row * anchors]) }
        func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        // Level 0 (stride 8), anchor (10, 13), cell (0, 0) is column 0 of both tensors.
        let expected = [sigmoid(value(raw, 0)) * 8, sigmoid(value(raw, 1)) * 8, 10 * Foundation.exp(value(raw, 2)), 13 * Foundation.exp(value(raw, 3))]
            + (0..<Self.classes).map { sigmoid(value(raw, 4)) * sigmoid(value(raw, 5 + $0)) }
        #expect(decoded.shape == [1, 4 + Self.classes, anchors])
        for (row, wanted) in expected.enumerated() {
            #expect(Swift.abs(value(decoded, row) - wanted) <= 1e-4 * max(1, Swift.abs(wanted)), "row \(row): \(value(decoded, row)) against \(wanted)")
        }
    }

    @Test("--nms is refused for the anchor head, naming the layer")
    func nmsRefused() throws {
        let model = try Self.model()
        let refusal = #expect(throws: ONNXExportError.self) {
            try ONNXExporter.export(model, signature: try Self.signature(model, height: 64, width: 64),
                                    options: ONNXExportOptions(nms: DetectionNMSOptions()), metadata: [], producerVersion: "test")
        }
        #expect(refusal.map { "\($0)" }?.hasPrefix("layer nms (DetectionNMS)") == true, "\(String(describing: refusal))")
        #expect(refusal.map { "\($0)" }?.contains("YOLOAnchorModel") == true, "\(String(describing: refusal))")
    }

    @Test("--dynamic-batch runs at batch 1 and 7")
    func dynamicBatch() throws {
        let model = try Self.model()
        let onnx = try ONNXRuntimeCheck.expectRuntimeMatches(model, try Self.signature(model, height: 64, width: 64),
                                                             options: ONNXExportOptions(dynamicBatch: true), batches: [1, 7], label: "yolov3n dynamic batch")
        #expect(onnx.graph.outputs[0].shape.first == .parameter("batch"))
    }

    @Test("metadata: Ultralytics' keys (names, imgsz, stride, task detect), the anchor head and its anchors, and the score formula")
    func metadata() throws {
        let model = try Self.model(), signature = try Self.signature(model)
        let entries = DetectionExport.metadata(for: model, name: "yolov3n", classNames: ["cat", "dog", "o'clock"], signature: signature,
                                               options: ONNXExportOptions(), configuration: "{}", version: "test")
        let table = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(table.count == entries.count, "no key twice")
        #expect(table["task"] == "detect" && table["stride"] == "32" && table["imgsz"] == "[64, 96]" && table["head"] == "AnchorHead")
        #expect(table["names"] == "{0: 'cat', 1: 'dog', 2: 'o\\'clock', 3: 'class3'}")
        #expect(table["anchors"] == "[[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]]")
        #expect(table["output"]?.contains("sigmoid(objectness) * sigmoid(class logit)") == true, "\(table["output"] ?? "")")
    }
}
