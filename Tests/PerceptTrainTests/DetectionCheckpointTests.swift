import Foundation
import Testing
import PerceptImage
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptData
@testable import PerceptTrain

/// Tools/make-yolo-fixtures' tiny Ultralytics checkpoint (saved by Ultralytics' own code, float16
/// module under `model`): read without running anything, built from its recorded yaml, and
/// compared with Ultralytics' outputs and its `predict` on scene.png.
@Suite("Ultralytics YOLOv8 checkpoints and prediction")
struct DetectionCheckpointTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/yolo")
    static let checkpoint = folder.appendingPathComponent("tiny.pt").path

    static func worst(_ actual: Tensor, _ expected: Tensor) -> Float {
        zip(actual.contiguous().toArray(), expected.contiguous().toArray()).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? .infinity
    }

    @Test("the checkpoint's yaml and names give the architecture, scale and classes, no --model needed")
    func description() throws {
        let trained = try TrainedModel.load(Self.checkpoint)
        #expect(trained.description.name == "yolov8n")
        #expect(trained.description.configuration.numClasses == 3)
        #expect(trained.description.configuration.options == ["width": 0.03125, "reg_max": 4])
        #expect(trained.description.classNames == ["circle", "square", "triangle"])
        #expect(trained.model is YOLOv8)
    }

    @Test("raw logits and decoded outputs equal Ultralytics' on the float16 weights to 1e-3")
    func outputs() throws {
        let trained = try TrainedModel.load(Self.checkpoint)
        let model = try #require(trained.model as? YOLOv8)
        let (tensors, _) = try Tensor.loadSafetensors(from: Self.folder.appendingPathComponent("tiny_outputs.safetensors").path)
        let input = try #require(tensors["input"])
        let raw = try withoutGrad { try model(input) }
        let expectedRaw = try #require(tensors["raw"])
        #expect(raw.shape == expectedRaw.shape)
        #expect(Self.worst(raw, expectedRaw) <= 1e-3)
        let (boxes, scores) = try model.decode(raw, inputHeight: input.shape[2], inputWidth: input.shape[3])
        let c = try boxes.split(size: 1, axis: 1)
        let xywh = try Tensor.concatenate([(c[0] + c[2]) / Tensor(scalar: 2), (c[1] + c[3]) / Tensor(scalar: 2), c[2] - c[0], c[3] - c[1], scores], axis: 1)
        #expect(Self.worst(xywh, try #require(tensors["decoded"])) <= 1e-3)
    }

    @Test("a YOLOv8 state dict as plain safetensors (no recorded architecture) is recognised by its shapes and gives the same outputs",
          arguments: [("yolov8n", 5), ("yolov8s", 80)])
    func plainSafetensors(name: String, classes: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-yolo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try ModelRegistry.build(name, configuration: .init(numClasses: classes, inputChannels: 3, imageSize: 640))
        original.eval()
        let path = folder.appendingPathComponent("exported.safetensors").path
        try Tensor.saveSafetensors(original.stateDict(), to: path)
        let trained = try TrainedModel.load(path)
        #expect(trained.description.name == name)
        #expect(trained.description.configuration.numClasses == classes)
        let input = try Tensor((0..<(3 * 64 * 64)).map { Float($0 % 97) / 97 }, shape: [1, 3, 64, 64])
        let expected = try withoutGrad { try original(input) }
        let actual = try withoutGrad { try trained.model(input) }
        #expect(Self.worst(actual, expected) == 0)
    }

    struct PredictFixture: Decodable {
        struct Found: Decodable {
            var box: [Double]
            var score: Float
            var `class`: Int
        }
        var imgsz: Int
        var conf: Float
        var iou: Float
        var detections: [Found]
    }

    @Test("predict on scene.png gives Ultralytics' detections: boxes to 0.5 px, classes, scores to 1e-3")
    func predict() throws {
        let fixture = try JSONDecoder().decode(PredictFixture.self, from: Data(contentsOf: Self.folder.appendingPathComponent("tiny_predict.json")))
        let predictor = try DetectionPredictor(TrainedModel.load(Self.checkpoint), file: Self.checkpoint, imageSize: fixture.imgsz)
        let image = try Image(contentsOf: Self.folder.appendingPathComponent("scene.png"))
        let found = try predictor.detect(image, thresholds: DetectionThresholds(confidence: fixture.conf, iou: fixture.iou))
        #expect(fixture.detections.count > 10)
        #expect(found.count == fixture.detections.count)
        for expected in fixture.detections {
            let match = found.first { candidate in
                candidate.classIndex == expected.class && Swift.abs(candidate.score - expected.score) <= 1e-3
                    && zip([candidate.x1, candidate.y1, candidate.x2, candidate.y2], expected.box).allSatisfy { Swift.abs($0 - $1) <= 0.5 }
            }
            #expect(match != nil, "no detection like \(expected.box) \(expected.score) class \(expected.class)")
        }
    }

    /// The tiny checkpoint's pickle with its yaml's last head row naming `head` instead of Detect.
    static func withHead(_ head: String) throws -> TorchWeights {
        let weights = try TorchFile.read(path: checkpoint)
        func rewrite(_ value: PickleValue) -> PickleValue {
            switch value {
            case .dict(let entries): return .dict(entries.map { PickleEntry(key: $0.key, value: rewrite($0.value)) })
            case .record(var record):
                record.state = rewrite(record.state)
                return .record(record)
            case .list(let rows) where rows.last?.elements?.count == 4 && rows.last?.elements?[2].text == "Detect":
                var last = rows[rows.count - 1].elements ?? []
                last[2] = .string(head)
                return .list(rows.dropLast() + [.list(last)])
            default: return value
            }
        }
        return TorchWeights(file: weights.file, tensors: weights.tensors, notices: weights.notices, root: rewrite(weights.root))
    }

    @Test("a checkpoint of another task is refused naming the task", arguments: [("Segment", "segment"), ("Pose", "pose"), ("Classify", "classify")])
    func otherTask(head: String, task: String) throws {
        do {
            _ = try UltralyticsCheckpoint(Self.withHead(head))
            Issue.record("a \(task) checkpoint was accepted")
        } catch let error as TorchFileError {
            #expect(error.description.contains("tiny.pt"))
            #expect(error.description.contains("this is a \(task) model"))
        }
    }

    @Test("a plain state dict is not an Ultralytics checkpoint; weights of a classifier are not a detector")
    func notUltralytics() throws {
        let path = Self.folder.deletingLastPathComponent().appendingPathComponent("torch/state_zip.pth").path
        #expect(try UltralyticsCheckpoint(TorchFile.read(path: path)) == nil)
        let classifier = try TrainedModel(model: ModelRegistry.build("mlp", configuration: .init(numClasses: 2, inputChannels: 1, imageSize: 8)),
                                          description: ModelDescription(name: "mlp", configuration: .init(numClasses: 2, inputChannels: 1, imageSize: 8)),
                                          file: "mlp.safetensors")
        #expect(throws: DetectionError.notADetector(file: "mlp.safetensors", architecture: "mlp")) {
            try DetectionPredictor(classifier, file: "mlp.safetensors")
        }
    }
}
