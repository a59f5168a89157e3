import Foundation
import Testing
import PerceptExport
import PerceptModels
import PerceptNN
import PerceptTestSupport
import PerceptTensor

@Suite("percept export and weights inspect on .onnx files", .serialized)
struct ExportCommandTests {
    static let configuration = ModelConfiguration(numClasses: 3, inputChannels: 1, imageSize: 8, options: ["width1": 4, "width2": 8, "hidden": 8])

    /// A fashion_cnn weights file with class names in a fresh folder.
    static func weightsFile(in folder: URL) throws -> (path: String, model: any ZooModel) {
        Tensor.manualSeed(3)
        let model = try ModelRegistry.build("fashion_cnn", configuration: configuration)
        let path = folder.appendingPathComponent("fashion.safetensors").path
        try ModelRegistry.save(model, name: "fashion_cnn", configuration: configuration,
                               metadata: ["percept.classes": #"["shirt","shoe","bag"]"#, "percept.normalize": #"{"mean":[0.5],"std":[0.25]}"#], to: path)
        return (path, model)
    }

    @Test("export writes a file ONNX Runtime runs with Percept's logits, and inspect lists it")
    func exportAndInspect() throws {
        let folder = try ONNXRuntimeCheck.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (weights, model) = try Self.weightsFile(in: folder)
        let output = folder.appendingPathComponent("fashion.onnx").path
        let exported = try runPercept(["export", "--weights", weights, "--format", "onnx", output, "--dynamic-batch"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("fashion_cnn (full), opset 17"))

        model.eval()
        let input = try ONNXRuntimeCheck.input([7, 1, 8, 8])
        let logits = try withoutGrad { try model(input) }
        let inputFile = folder.appendingPathComponent("x.npy"), logitsFile = folder.appendingPathComponent("y.npy")
        try NumpyFile.write(input, to: inputFile)
        try NumpyFile.write(logits, to: logitsFile)
        let check = try ONNXRuntimeCheck.run([ONNXRuntimeCheck.packageRoot.appendingPathComponent("Tools/onnx-check").path, output,
                                              "--input", "images=\(inputFile.path)", "--expected", "logits=\(logitsFile.path)"])
        #expect(check.status == 0, "\(check.output)")

        let inspected = try runPercept(["weights", "inspect", output, "--json"])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any])
        let inputs = try #require(document["inputs"] as? [[String: Any]])
        #expect(inputs.first?["name"] as? String == "images")
        #expect((inputs.first?["shape"] as? [Any])?.map { "\($0)" } == ["batch", "1", "8", "8"])
        #expect((document["opsets"] as? [[String: Any]])?.first?["version"] as? Int == 17)
        let nodes = try #require(document["nodes"] as? [String: Int])
        #expect(nodes["Conv"] == 2 && nodes["BatchNormalization"] == nil && nodes["MaxPool"] == 2)
        let metadata = try #require(document["metadata"] as? [String: String])
        #expect(metadata["names"] == #"["shirt","shoe","bag"]"#)
        #expect(metadata["imgsz"] == "[8, 8]" && metadata["task"] == "classify" && metadata["normalization"]?.contains("0.25") == true)
        let initializers = try #require(document["initializers"] as? [[String: Any]])
        #expect(initializers.contains { $0["name"] as? String == "c1.weight" && $0["bytes"] as? Int == 4 * 9 * 4 })

        let table = try runPercept(["weights", "inspect", output])
        #expect(table.status == 0 && table.stdout.contains("input images: float32 [batch, 1, 8, 8]"))
    }

    @Test("usage errors exit 2: OUT exists, unknown part, unsupported opset")
    func usageErrors() throws {
        let folder = try ONNXRuntimeCheck.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (weights, _) = try Self.weightsFile(in: folder)
        let existing = folder.appendingPathComponent("taken.onnx").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: existing))
        let taken = try runPercept(["export", "--weights", weights, "--format", "onnx", existing])
        #expect(taken.status == 2 && taken.stderr.contains("\(existing): error: already exists"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "x", "an existing file is left alone")
        let out = folder.appendingPathComponent("new.onnx").path
        let part = try runPercept(["export", "--weights", weights, "--format", "onnx", out, "--part", "middle"])
        #expect(part.status == 2 && part.stderr.contains("--part"))
        let opset = try runPercept(["export", "--weights", weights, "--format", "onnx", out, "--opset", "9"])
        #expect(opset.status == 2 && opset.stderr.contains("opset 9 is not supported"))
        let encoder = try runPercept(["export", "--weights", weights, "--format", "onnx", out, "--part", "encoder"])
        #expect(encoder.status == 1 && encoder.stderr.contains("\(weights): error: --part encoder applies to autoencoders"))
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written on an error")
    }

    @Test("weights without architecture metadata ask for --model, and export with it")
    func missingArchitecture() throws {
        let folder = try ONNXRuntimeCheck.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A PyTorch-style file: an mlp's state dict at the registry's defaults, and no metadata.
        let mlp = try ModelRegistry.build("mlp", configuration: ModelRegistry.entry("mlp").defaultConfiguration)
        let bare = folder.appendingPathComponent("bare.safetensors").path
        try Tensor.saveSafetensors(mlp.stateDict(), metadata: [:], to: bare)
        let out = folder.appendingPathComponent("bare.onnx").path
        let refused = try runPercept(["export", "--weights", bare, "--format", "onnx", out])
        #expect(refused.status == 1 && refused.stderr.contains("\(bare): error:") && refused.stderr.contains("pass --model NAME"))
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written on an error")
        let named = try runPercept(["export", "--weights", bare, "--format", "onnx", out, "--model", "mlp"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try ONNXInspection(path: out).model.graph.initializers.map(\.name).contains("hidden.weight"))
    }

    @Test("an Ultralytics .pt exports with its own architecture and names; inspect shows Ultralytics' metadata; --nms rules")
    func ultralyticsCheckpoint() throws {
        let folder = try ONNXRuntimeCheck.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = ONNXRuntimeCheck.packageRoot.appendingPathComponent("Fixtures/yolo/tiny.pt").path
        let raw = folder.appendingPathComponent("tiny.onnx").path, nms = folder.appendingPathComponent("tiny-nms.onnx").path
        let exported = try runPercept(["export", "--weights", weights, "--format", "onnx", raw, "--imgsz", "64", "96", "--dynamic-batch"])
        #expect(exported.status == 0 && exported.stdout.contains("yolov8n (full), opset 17"), "\(exported.stdout)\(exported.stderr)")
        let inspected = try runPercept(["weights", "inspect", raw, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any])
        let metadata = try #require(document["metadata"] as? [String: String])
        #expect(metadata["names"] == "{0: 'circle', 1: 'square', 2: 'triangle'}")
        #expect(metadata["task"] == "detect" && metadata["imgsz"] == "[64, 96]" && metadata["stride"] == "32" && metadata["batch"] == "-1")
        #expect(metadata["preprocess"]?.contains("letterbox outside the graph") == true)
        let outputs = try #require(document["outputs"] as? [[String: Any]])
        #expect(outputs.first?["name"] as? String == "output0" && (outputs.first?["shape"] as? [Any])?.map { "\($0)" } == ["batch", "7", "126"])

        let withNMS = try runPercept(["export", "--weights", weights, "--format", "onnx", nms, "--imgsz", "64", "--nms", "--agnostic-nms", "--conf", "0.3"])
        #expect(withNMS.status == 0, "\(withNMS.stderr)")
        let table = try runPercept(["weights", "inspect", nms])
        #expect(table.stdout.contains("output detections: float32 [detections, 6]") && table.stdout.contains("NonMaxSuppression 1"), "\(table.stdout)")
        #expect(table.stdout.contains("metadata nms: conf 0.3, iou 0.7, max_det 300, class-agnostic"), "\(table.stdout)")

        let other = folder.appendingPathComponent("other.onnx").path
        let dynamic = try runPercept(["export", "--weights", weights, "--format", "onnx", other, "--imgsz", "64", "--nms", "--dynamic-batch"])
        #expect(dynamic.status == 1 && dynamic.stderr.contains("\(weights): error: layer nms (DetectionNMS)") && dynamic.stderr.contains("--dynamic-batch"),
                "\(dynamic.stderr)")
        let agnostic = try runPercept(["export", "--weights", weights, "--format", "onnx", other, "--agnostic-nms"])
        #expect(agnostic.status == 2 && agnostic.stderr.contains("--agnostic-nms applies with --nms"))
        let size = try runPercept(["export", "--weights", weights, "--format", "onnx", other, "--imgsz", "48"])
        #expect(size.status == 1 && size.stderr.contains("\(weights): error: --imgsz 48 48") && size.stderr.contains("multiples of 32"), "\(size.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other), "nothing is written on an error")
    }

    @Test("a damaged .onnx file is an error naming it, exit 1")
    func damagedFile() throws {
        let folder = try ONNXRuntimeCheck.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("broken.onnx").path
        try Data([0x08, 0x07, 0x3A, 0x80, 0x80]).write(to: URL(fileURLWithPath: path))
        let result = try runPercept(["weights", "inspect", path])
        #expect(result.status == 1 && result.stderr.contains("\(path): error: not a valid ONNX model"))
    }
}
