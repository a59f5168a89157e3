import Foundation
import PerceptTensor
import PerceptTestSupport
import Testing

/// The detectors beyond YOLOv8 through `percept detect`: yolov3n (the anchor head) trains,
/// validates and predicts; yolov8_resnet18 starts from a resnet18 classifier trained by
/// `classify train` (`--backbone-weights`), keeps it under `--freeze backbone`, resumes as the
/// same model, and refuses weights that do not fit, naming the file.
@Suite("percept detect with yolov3n and yolov8_resnet18")
struct DetectModelsCLITests {
    @Test("yolov3n: train (val_map50 per epoch), then predict and val take its weights alone")
    func anchorModel() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try DetectTrainCLITests.synth(root)
        let trained = try DetectTrainCLITests.train(data, root, name: "v3", model: "yolov3n")
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("epoch 2/2") && trained.stdout.contains("val_map50 "), "\(trained.stdout)")
        let run = root.appendingPathComponent("runs/detect/v3")
        let saved = try String(contentsOf: run.appendingPathComponent("args.yaml"), encoding: .utf8)
        #expect(saved.hasPrefix("model: yolov3n\n"), "\(saved)")
        let rows = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3, "\(rows)")
        let best = run.appendingPathComponent("weights/best.safetensors").path
        #expect(try SafetensorsBytes.read(best).metadata["percept.arch"] == "yolov3n")

        let out = root.appendingPathComponent("found")
        let predicted = try runPercept(["detect", "predict", data.appendingPathComponent("images/val").path, "--weights", best, "--imgsz", "64",
                                        "--conf", "0.001", "--json", "--out", out.path])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let images = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [[String: Any]])
        #expect(images.count == 4)
        let found = images.flatMap { $0["detections"] as? [[String: Any]] ?? [] }
        #expect(!found.isEmpty, "at confidence 0.001 the anchor head keeps boxes")
        #expect(found.allSatisfy { ["circle", "rectangle", "triangle", "blob", "star"].contains($0["class"] as? String ?? "") }, "\(found.prefix(3))")
        let labels = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("labels").path)
        #expect(labels.count == 4 && FileManager.default.fileExists(atPath: out.appendingPathComponent("predictions.json").path))

        let validated = try runPercept(["detect", "val", "--weights", best, "--data", data.path, "--imgsz", "64", "--json"])
        #expect(validated.status == 0, "\(validated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])
        #expect((report["stats"] as? [Double])?.count == 12 && report["images"] as? Int == 4, "\(report)")
    }

    @Test("yolov8_resnet18 --backbone-weights: a classifier from classify train starts the backbone (kept under --freeze backbone), args.yaml records it, --resume keeps the model without the file")
    func resnetBackbone() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try DetectTrainCLITests.synth(root)
        let classifier = try Self.classifier(root)
        let trained = try DetectTrainCLITests.train(data, root, name: "r18", model: "yolov8_resnet18", epochs: 1,
                                                    ["--backbone-weights", classifier, "--freeze", "backbone", "--no-ema"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stderr.contains("\(classifier): notice: its ") && trained.stderr.contains("start the backbone of yolov8_resnet18"), "\(trained.stderr)")
        let run = root.appendingPathComponent("runs/detect/r18")
        let argumentsFile = run.appendingPathComponent("args.yaml")
        let saved = try String(contentsOf: argumentsFile, encoding: .utf8)
        for line in ["model: yolov8_resnet18", "backbone_weights: \(classifier)", "freeze: backbone"] {
            #expect(("\n" + saved).contains("\n" + line + "\n"), "args.yaml lacks '\(line)':\n\(saved)")
        }
        let best = run.appendingPathComponent("weights/best.safetensors").path
        try Self.expectBackbone(of: best, equals: classifier)

        // The weights run alone through val and predict.
        let validated = try runPercept(["detect", "val", "--weights", best, "--data", data.path, "--imgsz", "64", "--json"])
        #expect(validated.status == 0, "\(validated.stderr)")
        let predicted = try runPercept(["detect", "predict", data.appendingPathComponent("images/val").path, "--weights", best, "--imgsz", "64",
                                        "--out", root.appendingPathComponent("found").path])
        #expect(predicted.status == 0, "\(predicted.stderr)")

        // Weights to start from already hold a backbone.
        let again = try DetectTrainCLITests.train(data, root, name: "again", model: best, epochs: 1, ["--backbone-weights", classifier])
        #expect(again.status == 2 && again.stderr.contains("--backbone-weights starts a new yolov8_resnet18"), "\(again.stderr)")

        // A second epoch asked for in args.yaml: the checkpoint loads only into the recorded
        // yolov8_resnet18, the backbone comes from it (the classifier's file is gone) and stays frozen.
        try saved.replacingOccurrences(of: "\nepochs: 1\n", with: "\nepochs: 2\n").write(to: argumentsFile, atomically: true, encoding: .utf8)
        let kept = root.appendingPathComponent("kept.safetensors").path
        try FileManager.default.moveItem(atPath: classifier, toPath: kept)
        let resumed = try runPercept(["detect", "train", "--resume", run.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rows = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3, "\(rows)")
        let last = run.appendingPathComponent("weights/last.safetensors").path
        #expect(try SafetensorsBytes.read(last).metadata["percept.arch"] == "yolov8_resnet18")
        try Self.expectBackbone(of: last, equals: kept)
    }

    @Test("bad --backbone-weights: another architecture, a missing tensor, no file (exit 1 naming it); a model without the backbone (exit 2)")
    func badBackboneWeights() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try DetectTrainCLITests.synth(root)
        let classifier = try Self.classifier(root)
        func train(_ name: String, model: String = "yolov8_resnet18", _ weights: String, _ extra: [String] = []) throws -> (status: Int32, stderr: String) {
            let result = try DetectTrainCLITests.train(data, root, name: name, model: model, epochs: 1, ["--backbone-weights", weights] + extra)
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/detect/\(name)").path), "no run folder for \(name)")
            return (result.status, result.stderr)
        }

        // A PyTorch state dict of another ResNet, recognised by its tensor names.
        let torch = fixturesFolder.appendingPathComponent("torch/cifar_resnet20_gray.pth").path
        let other = try train("other", torch)
        #expect(other.status == 1 && other.stderr.contains("\(torch): error: the weights are of cifar_resnet20; the detector's backbone is a resnet18"),
                "\(other.stderr)")

        let partial = root.appendingPathComponent("partial.safetensors").path
        let (tensors, metadata) = try Tensor.loadSafetensors(from: classifier, loading: .readFully)
        try Tensor.saveSafetensors(tensors.filter { $0.key != "layer4.1.bn2.running_var" }, metadata: metadata, to: partial)
        let missing = try train("partial", partial)
        #expect(missing.status == 1 && missing.stderr.contains("\(partial): error:") && missing.stderr.contains("missing keys: layer4.1.bn2.running_var"),
                "\(missing.stderr)")

        let absent = root.appendingPathComponent("absent.pth").path
        let none = try train("absent", absent)
        #expect(none.status == 1 && none.stderr.contains("\(absent): error:"), "\(none.stderr)")

        let v8 = try train("v8", model: "yolov8n", classifier)
        #expect(v8.status == 2 && v8.stderr.contains("--backbone-weights goes with --model yolov8_resnet18"), "\(v8.stderr)")
    }

    /// A resnet18 classifier trained for one epoch by `classify train` on 32-pixel colour images
    /// (seed 5, so its tensors are not what a seed-0 detector starts with); its best weights.
    static func classifier(_ root: URL) throws -> String {
        let images = try RGBFixtures.imageFolder(classes: ["a", "b"], perClass: 4, side: 32)
        defer { try? FileManager.default.removeItem(at: images) }
        let result = try runPercept(["classify", "train", "--model", "resnet18", "--data", images.appendingPathComponent("images").path,
                                     "--epochs", "1", "--batch", "4", "--workers", "0", "--seed", "5",
                                     "--project", root.appendingPathComponent("runs").path, "--name", "cls"])
        #expect(result.status == 0, "\(result.stderr)")
        return root.appendingPathComponent("runs/classify/cls/weights/best.safetensors").path
    }

    /// Every tensor of the classifier in `classifier` but `fc.*` is, bit for bit, the detector's `backbone.` tensor in `weights`.
    static func expectBackbone(of weights: String, equals classifier: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let detector = try SafetensorsBytes.modelTensors(weights), source = try SafetensorsBytes.read(classifier).tensors
        let backbone = source.filter { !$0.key.hasPrefix("fc.") }
        #expect(backbone.count > 100 && detector.keys.contains { $0.hasPrefix("neck.") }, "\(backbone.count) tensors", sourceLocation: sourceLocation)
        let differing = backbone.keys.filter { detector["backbone." + $0] != backbone[$0] }.sorted()
        #expect(differing.isEmpty, "backbone tensors not the classifier's: \(differing.prefix(5))", sourceLocation: sourceLocation)
    }
}
