import Foundation
import Testing
import PerceptImage
@testable import PerceptExport
import PerceptModels
import PerceptNN
import PerceptTensor
import PerceptTrain

/// YOLO detectors exported to ONNX (Ultralytics' `output0` layout, and with `--nms` the
/// detections of `percept detect predict`), checked by ONNX Runtime through Tools/onnx-check.
/// The weights are Tools/make-yolo-fixtures' tiny Ultralytics checkpoint (3 classes, reg_max 4),
/// whose `predict` on scene.png finds dozens of boxes, and a seeded yolov8n.
@Suite("ONNX export of YOLO detectors, checked by ONNX Runtime", .serialized)
struct DetectionExportTests {
    static let fixtures = ONNXRuntimeCheck.packageRoot.appendingPathComponent("Fixtures/yolo")
    static let checkpoint = fixtures.appendingPathComponent("tiny.pt").path
    static let onnxCheck = ONNXRuntimeCheck.packageRoot.appendingPathComponent("Tools/onnx-check").path

    static func tiny() throws -> YOLOv8 {
        let trained = try TrainedModel.load(checkpoint)
        guard let model = trained.model as? YOLOv8 else { throw DetectionError.notADetector(file: checkpoint, architecture: trained.description.name) }
        return model
    }

    static func signature(_ model: YOLOv8, height: Int, width: Int) throws -> ExportSignature {
        try DetectionExport.signature(for: model, channels: 3, imageSize: (height, width))
    }

    @Test("output0: ONNX Runtime gives Percept's decoded boxes and scores to 1e-4, laid out as Ultralytics' export")
    func rawOutputs() throws {
        let model = try Self.tiny()
        let onnx = try ONNXRuntimeCheck.expectRuntimeMatches(model, try Self.signature(model, height: 64, width: 96), label: "tiny yolov8")
        #expect(onnx.graph.outputs.map(\.name) == ["output0"])
        #expect(onnx.graph.outputs[0].shape == [.value(1), .value(4 + 3), .value(8 * 12 + 4 * 6 + 2 * 3)])
        let operators = Set(onnx.graph.nodes.map(\.opType))
        #expect(operators.isSuperset(of: ["Conv", "Sigmoid", "Mul", "Concat", "Slice", "MaxPool", "Resize", "Softmax", "Reshape"]), "\(operators)")
        #expect(onnx.graph.initializers.contains { $0.name == "model.22.dfl.conv.weight" }, "the DFL projection keeps its state-dict name")
    }

    @Test("output0 equals Ultralytics' own inference output of the same checkpoint (recorded by make-yolo-fixtures) to 1e-3")
    func ultralyticsOutput() throws {
        let model = try Self.tiny()
        let onnx = try ONNXExporter.export(model, signature: try Self.signature(model, height: 64, width: 96), options: ONNXExportOptions(),
                                           metadata: [], producerVersion: "test")
        let (recorded, _) = try Tensor.loadSafetensors(from: Self.fixtures.appendingPathComponent("tiny_outputs.safetensors").path)
        let folder = try ONNXRuntimeCheck.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("tiny.onnx"), input = folder.appendingPathComponent("input.npy")
        let expected = folder.appendingPathComponent("decoded.npy")
        try Data(onnx.serialized()).write(to: file)
        try NumpyFile.write(try #require(recorded["input"]), to: input)
        try NumpyFile.write(try #require(recorded["decoded"]), to: expected)
        let check = try ONNXRuntimeCheck.run([Self.onnxCheck, file.path, "--input", "images=\(input.path)", "--expected", "output0=\(expected.path)",
                                              "--rtol", "1e-3", "--floor", "1e-3"])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("yolov8n at full width exports whole (C2f, SPPF, upsampling, the 16-bin DFL, 80 classes) and matches to 1e-4")
    func yolov8n() throws {
        let (model, _) = try ZooExportTests.model("yolov8n", ModelConfiguration(numClasses: 80, inputChannels: 3, imageSize: 64))
        let detector = try #require(model as? YOLOv8)
        try ONNXRuntimeCheck.expectRuntimeMatches(detector, try Self.signature(detector, height: 64, width: 64), label: "yolov8n")
    }

    @Test("--dynamic-batch runs at batch 1 and 7; --half within 1e-2 relative")
    func dynamicBatchAndHalf() throws {
        let model = try Self.tiny(), signature = try Self.signature(model, height: 64, width: 64)
        let dynamic = try ONNXRuntimeCheck.expectRuntimeMatches(model, signature, options: ONNXExportOptions(dynamicBatch: true), batches: [1, 7],
                                                                label: "tiny yolov8 dynamic batch")
        #expect(dynamic.graph.outputs[0].shape.first == .parameter("batch"))
        let half = try ONNXRuntimeCheck.expectRuntimeMatches(model, signature, options: ONNXExportOptions(half: true), label: "tiny yolov8 half")
        #expect(half.graph.outputs[0].elementType == .float16)
    }

    /// ONNX Runtime's detections of the `--nms` export of `model` with `signature` on `input` (batch 1), in input pixels.
    static func onnxDetections(_ model: Module, input: Tensor, _ nms: DetectionNMSOptions, signature: ExportSignature) throws -> [Detection] {
        let onnx = try ONNXExporter.export(model, signature: signature, options: ONNXExportOptions(nms: nms), metadata: [], producerVersion: "test")
        #expect(onnx.graph.outputs.map(\.name) == ["detections"])
        #expect(onnx.graph.nodes.filter { $0.opType == "NonMaxSuppression" }.count == 1)
        let folder = try ONNXRuntimeCheck.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("nms.onnx"), inputFile = folder.appendingPathComponent("input.npy")
        let found = folder.appendingPathComponent("found.npy")
        try Data(onnx.serialized()).write(to: file)
        try NumpyFile.write(input, to: inputFile)
        let check = try ONNXRuntimeCheck.run([onnxCheck, file.path, "--input", "images=\(inputFile.path)", "--save", "detections=\(found.path)"])
        #expect(check.status == 0, "\(check.output)")
        let rows = try NumpyFile.read(found)
        try #require(rows.shape.count == 2 && rows.shape[1] == 6, "detections \(rows.shape)")
        return (0..<rows.shape[0]).map { row in
            let v = rows.values[(row * 6)..<(row * 6 + 6)].map(Double.init)
            return Detection(x1: v[0], y1: v[1], x2: v[2], y2: v[3], score: Float(v[4]), classIndex: Int(v[5]))
        }
    }

    static func thresholds(_ nms: DetectionNMSOptions) -> DetectionThresholds {
        DetectionThresholds(confidence: nms.confidence, iou: nms.iou, maxDetections: nms.maxDetections, agnostic: nms.agnostic)
    }

    /// ONNX Runtime's detections on scene.png's letterboxed canvas, mapped back to the image as
    /// `predict` maps its own, and `predict`'s.
    static func sceneDetections(_ nms: DetectionNMSOptions) throws -> (onnx: [Detection], percept: [Detection]) {
        let predictor = try DetectionPredictor(TrainedModel.load(checkpoint), file: checkpoint, imageSize: 320)
        let image = try Image(contentsOf: fixtures.appendingPathComponent("scene.png"))
        let (input, letterbox) = try predictor.letterboxed(image)
        let model = try #require(predictor.model as? YOLOv8)
        let found = try onnxDetections(model, input: input, nms,
                                       signature: Self.signature(model, height: input.shape[2], width: input.shape[3])).map(letterbox.toImage)
        return (found, try predictor.detect(image, thresholds: thresholds(nms)))
    }

    static func expectSame(_ onnx: [Detection], _ percept: [Detection], scoreTolerance: Float, boxTolerance: Double,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(percept.count > 1, "the weights must give several detections", sourceLocation: sourceLocation)
        #expect(onnx.count == percept.count, "ONNX Runtime found \(onnx.count), predict \(percept.count)", sourceLocation: sourceLocation)
        for (index, (found, expected)) in zip(onnx, percept).enumerated() {
            let boxes = zip([found.x1, found.y1, found.x2, found.y2], [expected.x1, expected.y1, expected.x2, expected.y2])
            #expect(found.classIndex == expected.classIndex && Swift.abs(found.score - expected.score) <= scoreTolerance
                        && boxes.allSatisfy { Swift.abs($0 - $1) <= boxTolerance },
                    "detection \(index): ONNX \(found), predict \(expected)", sourceLocation: sourceLocation)
        }
    }

    @Test("--nms: ONNX Runtime's detections are predict's (same order and classes, boxes to 0.5 px)")
    func nms() throws {
        let (onnx, percept) = try Self.sceneDetections(DetectionNMSOptions())
        Self.expectSame(onnx, percept, scoreTolerance: 1e-4, boxTolerance: 0.5)
    }

    @Test("--nms class-aware against agnostic where boxes of different classes overlap: each equals Percept's post-processing")
    func classAwareNMS() throws {
        let model = try Self.tiny()
        var generator = RandomGenerator(seed: 0)
        let input = Tensor.randomUniform([1, 3, 64, 96], generator: &generator)
        let (boxes, scores) = try withoutGrad { try model.decode(model(input), inputHeight: 64, inputWidth: 96) }
        var found: [Bool: [Detection]] = [:]
        for agnostic in [false, true] {
            let nms = DetectionNMSOptions(confidence: 0.3, iou: 0.3, agnostic: agnostic)
            let percept = try DetectionPostprocessing.detections(boxes: boxes, scores: scores, thresholds: Self.thresholds(nms))[0]
            let onnx = try Self.onnxDetections(model, input: input, nms, signature: Self.signature(model, height: 64, width: 96))
            Self.expectSame(onnx, percept, scoreTolerance: 1e-4, boxTolerance: 0.5)
            found[agnostic] = onnx
        }
        let aware = found[false] ?? [], agnostic = found[true] ?? []
        #expect(Set(aware.map(\.classIndex)).count > 1, "several classes are found")
        #expect(aware.count > agnostic.count, "class-aware NMS keeps overlapping boxes of other classes: \(aware.count) against \(agnostic.count)")
    }

    @Test("--nms with --agnostic-nms, a lower confidence and a max-det cut: still predict's")
    func agnosticNMS() throws {
        let options = DetectionNMSOptions(confidence: 0.2, iou: 0.5, maxDetections: 12, agnostic: true)
        let (onnx, percept) = try Self.sceneDetections(options)
        #expect(percept.count == 12, "the cut at max-det is exercised")
        Self.expectSame(onnx, percept, scoreTolerance: 1e-4, boxTolerance: 0.5)
    }

    @Test("--nms is refused with --dynamic-batch, and on a model that is not a detector, naming the layer")
    func nmsRefusals() throws {
        let model = try Self.tiny()
        let dynamic = #expect(throws: ONNXExportError.self) {
            try ONNXExporter.export(model, signature: try Self.signature(model, height: 64, width: 64),
                                    options: ONNXExportOptions(dynamicBatch: true, nms: DetectionNMSOptions()), metadata: [], producerVersion: "test")
        }
        #expect(dynamic.map { "\($0)" }?.hasPrefix("layer nms (DetectionNMS): NonMaxSuppression has no ONNX form here") == true, "\(String(describing: dynamic))")
        #expect(dynamic.map { "\($0)" }?.contains("--dynamic-batch") == true)
        let classifier = try ModelRegistry.build("mlp", configuration: ModelConfiguration(numClasses: 3, inputChannels: 1, imageSize: 4, options: ["hidden": 4]))
        let signature = ExportSignature(inputs: [(name: "images", shape: [1, 1, 4, 4])], outputNames: ["logits"]) { [try classifier($0[0])] }
        let notDetector = #expect(throws: ONNXExportError.self) {
            try ONNXExporter.export(classifier, signature: signature, options: ONNXExportOptions(nms: DetectionNMSOptions()), metadata: [], producerVersion: "test")
        }
        #expect(notDetector.map { "\($0)" }?.contains("logits is not a detector's") == true, "\(String(describing: notDetector))")
        #expect(throws: DetectionExportError.imageSize(height: 48, width: 64, stride: 32)) {
            try Self.signature(model, height: 48, width: 64)
        }
    }
}
