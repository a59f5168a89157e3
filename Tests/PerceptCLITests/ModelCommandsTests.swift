import Foundation
import PerceptTestSupport
import Testing

@Suite("percept models and percept summary")
struct ModelCommandsTests {
    /// Writes a safetensors file of float32 tensors (name, shape, values) and metadata by hand.
    static func writeWeights(_ tensors: [(String, [Int], [Float])], metadata: [String: String], to path: String) throws {
        var header: [String: Any] = ["__metadata__": metadata]
        var payload = Data()
        for (name, shape, values) in tensors {
            let start = payload.count
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [start, payload.count]] as [String: Any]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        try (file + json + payload).write(to: URL(fileURLWithPath: path))
    }

    /// An `mlp` with one hidden unit for 1×1 gray inputs and two classes: 6 parameters.
    static let tinyMLP: [(String, [Int], [Float])] = [
        ("hidden.weight", [1, 1], [0.5]), ("hidden.bias", [1], [0]), ("output.weight", [2, 1], [1, -1]), ("output.bias", [2], [0, 0]),
    ]
    static let tinyConfiguration = #"{"image_size":1,"input_channels":1,"num_classes":2,"options":{"hidden":1}}"#

    @Test("summary of cifar_resnet20 with 3 classes counts 272,019 parameters, all trainable")
    func cifarSummary() throws {
        let result = try runPercept(["summary", "cifar_resnet20", "--num-classes", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("total parameters: 272,019"))
        #expect(result.stdout.contains("trainable parameters: 272,019"))
        #expect(result.stdout.contains("non-trainable parameters: 0"))
        #expect(result.stdout.contains("fc (Linear)") && result.stdout.contains("[1, 3]"))
        let json = try runPercept(["summary", "cifar_resnet20", "--num-classes", "3", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["total_parameters"] as? Int == 272_019)
        let layers = try #require(document["layers"] as? [[String: Any]])
        #expect(layers.first?["name"] as? String == "conv1")
        #expect(layers.first?["output_shape"] as? [Int] == [1, 16, 32, 32])
        #expect(layers.compactMap { $0["parameters"] as? Int }.reduce(0, +) == 272_019)
    }

    @Test("--imgsz and --channels resize the input; a size too small for the model is an error naming it")
    func summaryOptions() throws {
        let gray = try runPercept(["summary", "fashion_cnn", "--imgsz", "32", "--channels", "3", "--json"])
        #expect(gray.status == 0, "\(gray.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(gray.stdout.utf8)) as? [String: Any])
        #expect(document["input_shape"] as? [Int] == [1, 3, 32, 32])
        let small = try runPercept(["summary", "lenet5", "--imgsz", "8"])
        #expect(small.status == 1)
        #expect(small.stderr.contains("lenet5") && small.stderr.contains("at least 12"))
    }

    @Test("an unknown model name is a usage error suggesting the closest names")
    func unknownModel() throws {
        let result = try runPercept(["summary", "resnet19"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("resnet18"))
        #expect(try runPercept(["summary", "mlp", "--num-classes", "0"]).status == 2)
    }

    @Test("a weights file is rebuilt from its metadata; a file naming an unknown architecture is an error naming the file")
    func weightsSummary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-summary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("tiny.safetensors").path
        try Self.writeWeights(Self.tinyMLP, metadata: ["percept.arch": "mlp", "percept.config": Self.tinyConfiguration], to: good)
        let result = try runPercept(["summary", good])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("model: mlp, input [1, 1, 1, 1]") && result.stdout.contains("total parameters: 6"))
        #expect(try runPercept(["summary", good, "--imgsz", "28"]).status == 2)

        let unknown = folder.appendingPathComponent("unknown.safetensors").path
        try Self.writeWeights(Self.tinyMLP, metadata: ["percept.arch": "mlq", "percept.config": Self.tinyConfiguration], to: unknown)
        let failed = try runPercept(["summary", unknown])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains(unknown + ": error: unknown architecture \"mlq\""))

        let wrongShape = folder.appendingPathComponent("wrong.safetensors").path
        try Self.writeWeights([("hidden.weight", [2, 1], [1, 2])] + Self.tinyMLP.dropFirst(),
                              metadata: ["percept.arch": "mlp", "percept.config": Self.tinyConfiguration], to: wrongShape)
        let mismatch = try runPercept(["summary", wrongShape])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains(wrongShape) && mismatch.stderr.contains("hidden.weight"))
    }

    @Test("point-cloud models summarise on [1, C, points]: the zoo's and a weights file's")
    func pointCloudSummary() throws {
        let classifier = try runPercept(["summary", "pointnet_cls", "--json"])
        #expect(classifier.status == 0, "\(classifier.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(classifier.stdout.utf8)) as? [String: Any])
        #expect(document["input_shape"] as? [Int] == [1, 3, 1024])
        let layers = try #require(document["layers"] as? [[String: Any]])
        #expect(layers.last?["output_shape"] as? [Int] == [1, 10])
        let fewer = try runPercept(["summary", "pointnet_seg_s", "--imgsz", "256", "--channels", "3", "--num-classes", "5"])
        #expect(fewer.status == 0, "\(fewer.stderr)")
        // The shared MLPs work on [C, N·P] (every point of the batch as a column), so layers show [channels, points].
        #expect(fewer.stdout.contains("input [1, 3, 256]") && fewer.stdout.contains("classifier (PointwiseConv1d)") && fewer.stdout.contains("[5, 256]"))
        let shipped = try runPercept(["summary", ShippedPointNetTests.model.path])
        #expect(shipped.status == 0, "\(shipped.stderr)")
        #expect(shipped.stdout.contains("model: pointnet_seg_s, input [1, 4, 4096]") && shipped.stdout.contains("[7, 4096]"))
        let listed = try runPercept(["models", "--task", "pointcloud"])
        #expect(listed.status == 0 && listed.stdout.contains("3×1024") && !listed.stdout.contains("1024×1024"))
    }

    @Test("models lists the zoo with parameter counts, filtered by task")
    func modelsList() throws {
        let result = try runPercept(["models", "--task", "classify", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let models = try #require(document["models"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: models.compactMap { model in (model["name"] as? String).map { ($0, model) } })
        #expect(byName["resnet18"]?["parameters"] as? Int == 11_689_512)
        #expect(byName["fashion_cnn"]?["image_size"] as? Int == 28)
        #expect(byName.count == 17)
        let table = try runPercept(["models"])
        #expect(table.status == 0 && table.stdout.contains("11,689,512") && table.stdout.contains("cifar_resnet56"))
        let detectors = try runPercept(["models", "--task", "detect", "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(detectors.stdout.utf8)) as? [String: Any])
        #expect((listed["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["yolov3n", "yolov8_resnet18", "yolov8n", "yolov8s"])
        #expect(try runPercept(["models", "--task", "classification"]).status == 2)
    }
}
