import Foundation
import PerceptTestSupport
import Testing

/// `percept detect train` and `percept detect val` end to end on a tiny synth-detect set: the run
/// folder, `results.csv`'s detection columns, Ultralytics' defaults in `args.yaml`, weights that
/// `detect predict` and `detect val` take alone, and each kind of bad input stopped with its file named.
@Suite("percept detect train and detect val end to end")
struct DetectTrainCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/yolo")

    /// A 64-pixel synth-detect set of 16 training and 4 validation images in `root/name`.
    static func synth(_ root: URL, _ name: String = "synth") throws -> URL {
        let data = root.appendingPathComponent(name)
        let made = try runPercept(["dataset", "synth-detect", data.path, "--count", "16", "--val", "4", "--size", "64", "--seed", "1", "--no-fashion"])
        #expect(made.status == 0, "\(made.stderr)")
        return data
    }

    /// `detect train` of `model` on `data` at 64 pixels, batch 8, no workers, into `root/runs/detect/name`.
    static func train(_ data: URL, _ root: URL, name: String, model: String = "yolov8n", epochs: Int = 2,
                      _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPercept(["detect", "train", "--data", data.appendingPathComponent("data.yaml").path, "--model", model, "--imgsz", "64",
                        "--epochs", String(epochs), "--batch", "8", "--workers", "0", "--close-mosaic", "1",
                        "--project", root.appendingPathComponent("runs").path, "--name", name] + extra)
    }

    @Test("train writes the run (detection's defaults in args.yaml, val_map50… in results.csv, results.png, weights); predict and val take the weights alone")
    func endToEnd() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try Self.synth(root)
        let trained = try Self.train(data, root, name: "t")
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("epoch 2/2") && trained.stdout.contains("val_map50 "), "\(trained.stdout)")
        let run = root.appendingPathComponent("runs/detect/t")
        let saved = try String(contentsOf: run.appendingPathComponent("args.yaml"), encoding: .utf8)
        // Five classes: twice Ultralytics' automatic AdamW rate round(0.002 · 5 / 9, 6).
        for line in ["lr: 0.002222", "optimizer: adamw", "weight_decay: 0.0005", "warmup_epochs: 3", "schedule: linear", "batch: 8",
                     "imgsz: 64", "close_mosaic: 1", "mosaic: 1.0", "ema: true", "strict: false"] {
            #expect(saved.contains("\n" + line + "\n"), "args.yaml lacks '\(line)':\n\(saved)")
        }
        let rows = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rows.first == "epoch,train_loss,val_loss,val_map50,val_map,val_precision,val_recall,lr,time_s")
        #expect(rows.count == 3 && rows.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[3] != "" }, "\(rows)")
        for file in ["results.png", "weights/best.safetensors", "weights/last.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) missing")
        }

        let best = run.appendingPathComponent("weights/best.safetensors").path
        let predicted = try runPercept(["detect", "predict", data.appendingPathComponent("images/val").path, "--weights", best, "--imgsz", "64",
                                        "--conf", "0.001", "--out", root.appendingPathComponent("predicted").path])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("predicted/predictions.json").path))

        let plots = root.appendingPathComponent("plots")
        let validated = try runPercept(["detect", "val", "--weights", best, "--data", data.path, "--imgsz", "64", "--json",
                                        "--variant", "ultralytics", "--out", plots.path])
        #expect(validated.status == 0, "\(validated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])
        #expect((report["stats"] as? [Double])?.count == 12 && report["images"] as? Int == 4, "\(report)")
        let classes = try #require(report["categories"] as? [[String: Any]])
        #expect(classes.map { $0["name"] as? String } == ["circle", "rectangle", "triangle", "blob", "star"])
        #expect(classes.allSatisfy { $0["ultralytics"] != nil })
        for file in ["pr_curve.png", "confusion_matrix.png"] {
            #expect(FileManager.default.fileExists(atPath: plots.appendingPathComponent(file).path), "\(file) missing")
        }
        let text = try runPercept(["detect", "val", "--weights", run.appendingPathComponent("weights/last.safetensors").path, "--data", data.path,
                                   "--imgsz", "64"])
        #expect(text.status == 0 && text.stdout.contains("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]"), "\(text.stdout)\(text.stderr)")
    }

    @Test("bad data stops before training with exit 1 naming the file: paths that do not exist, a class id beyond the names (file:line)")
    func badData() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("missing")
        try FileManager.default.createDirectory(at: missing, withIntermediateDirectories: true)
        try "path: .\ntrain: images/train\nval: images/val\nnames: [a, b]\n".write(to: missing.appendingPathComponent("data.yaml"), atomically: true, encoding: .utf8)
        let noPaths = try Self.train(missing, root, name: "missing")
        #expect(noPaths.status == 1 && noPaths.stderr.contains(missing.path), "\(noPaths.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/detect/missing").path), "no run folder for bad data")

        let data = try Self.synth(root)
        let label = data.appendingPathComponent("labels/train/00003.txt")
        let lines = try String(contentsOf: label, encoding: .utf8).split(separator: "\n").count
        try (String(contentsOf: label, encoding: .utf8) + "9 0.5 0.5 0.2 0.2\n").write(to: label, atomically: true, encoding: .utf8)
        let beyond = try Self.train(data, root, name: "beyond")
        #expect(beyond.status == 1 && beyond.stderr.contains("00003.txt:\(lines + 1)"), "\(beyond.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/detect/beyond").path))
    }

    @Test("an undecodable image is named and skipped with a warning; first-modules:N freezes; weights for 3 classes get a new head, or an error under --strict")
    func weightsAndImages() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try Self.synth(root)
        let broken = data.appendingPathComponent("images/train/00002.png")
        try Data("not a png".utf8).write(to: broken)
        let tiny = Self.fixtures.appendingPathComponent("tiny.pt").path
        let replaced = try Self.train(data, root, name: "tiny", model: tiny, epochs: 1, ["--freeze", "first-modules:10"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stderr.contains(broken.path) && replaced.stderr.contains("warning"), "\(replaced.stderr)")
        #expect(replaced.stderr.contains("\(tiny): notice: the weights know 3 classes"), "\(replaced.stderr)")
        #expect(replaced.stderr.contains("15 images (4 for validation)"), "\(replaced.stderr)")
        let frozenLine = replaced.stderr.split(separator: "\n").first { $0.hasPrefix("parameters:") }.map(String.init) ?? ""
        #expect(!frozenLine.hasSuffix(" 0 frozen"), "\(frozenLine)")
        let weights = root.appendingPathComponent("runs/detect/tiny/weights/best.safetensors").path
        let validated = try runPercept(["detect", "val", "--weights", weights, "--data", data.path, "--imgsz", "64", "--json"])
        #expect(validated.status == 0, "\(validated.stderr)")

        let strict = try Self.train(data, root, name: "strict", model: tiny, epochs: 1, ["--strict"])
        #expect(strict.status == 1 && strict.stderr.contains("\(tiny): error: the weights know 3 classes") && strict.stderr.contains("--strict"), "\(strict.stderr)")
        let tooMany = try Self.train(data, root, name: "freeze", epochs: 1, ["--freeze", "first-modules:30"])
        #expect(tooMany.status == 1 && tooMany.stderr.contains("model.29"), "\(tooMany.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/detect/freeze").path), "no run folder for a bad --freeze")
    }

    @Test("models that cannot train here are refused naming them: an Ultralytics checkpoint of another task, a classifier")
    func refusedModels() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try Self.synth(root)
        let segment = Self.fixtures.appendingPathComponent("tiny_seg.pt").path
        let otherTask = try Self.train(data, root, name: "seg", model: segment, epochs: 1)
        #expect(otherTask.status == 1 && otherTask.stderr.contains(segment) && otherTask.stderr.contains("this is a segment model"), "\(otherTask.stderr)")
        let classifier = try Self.train(data, root, name: "mlp", model: "mlp", epochs: 1)
        #expect(classifier.status == 2 && classifier.stderr.contains("mlp is a classify model"), "\(classifier.stderr)")
    }
}
