import Foundation
import PerceptTestSupport
import Testing

/// A folder of class folders with tiny gray PGM images: class `dark` is dark on the left half,
/// `light` on the right, so even one epoch of a small model learns something.
enum ClassifyFixtures {
    static func pgm(side: Int, left: UInt8, right: UInt8, noise: Int) -> Data {
        var bytes = Array("P5\n\(side) \(side)\n255\n".utf8)
        for row in 0..<side {
            for column in 0..<side {
                let base = Int(column < side / 2 ? left : right)
                bytes.append(UInt8(clamping: base + (row * 7 + column * 3 + noise * 11) % 23))
            }
        }
        return Data(bytes)
    }

    /// `classes` class folders of `perClass` images each under a new temporary folder.
    static func imageFolder(classes: [String] = ["dark", "light"], perClass: Int = 10, side: Int = 12) throws -> URL {
        let root = try DatasetFixtures.temporaryFolder()
        let data = root.appendingPathComponent("images")
        for (index, name) in classes.enumerated() {
            let folder = data.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for number in 0..<perClass {
                let left: UInt8 = index % 2 == 0 ? 20 : 200, right: UInt8 = index % 2 == 0 ? 200 : 20
                try pgm(side: side, left: left, right: right, noise: number + index * 5)
                    .write(to: folder.appendingPathComponent("\(name)\(number).pgm"))
            }
        }
        return root
    }

    /// Trains `mlp` for `epochs` on the image folder under `root`, into `root/runs`.
    static func train(_ root: URL, epochs: Int = 1, extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPercept(["classify", "train", "--model", "mlp", "--data", root.appendingPathComponent("images").path,
                        "--epochs", String(epochs), "--batch", "4", "--workers", "0", "--project", root.appendingPathComponent("runs").path]
                       + extra)
    }
}

@Suite("percept classify train|val|predict")
struct ClassifyCommandTests {
    @Test("train writes the Ultralytics-style run folder, and val and predict read its weights")
    func trainValPredict() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let trained = try ClassifyFixtures.train(root, epochs: 2)
        #expect(trained.status == 0, "\(trained.stderr)")
        let run = root.appendingPathComponent("runs/classify/train")
        for file in ["args.yaml", "results.csv", "results.png", "confusion_matrix.png", "weights/best.safetensors", "weights/last.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) is missing")
        }
        let csv = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "epoch,train_loss,val_loss,val_accuracy,val_top5,lr,time_s")
        #expect(csv.count == 3 && csv[1].hasPrefix("1,") && csv[2].hasPrefix("2,"))
        let arguments = try String(contentsOf: run.appendingPathComponent("args.yaml"), encoding: .utf8)
        #expect(arguments.contains("model: mlp") && arguments.contains("epochs: 2") && arguments.contains("optimizer: adam"))
        #expect(trained.stdout.contains("epoch 2/2") && trained.stdout.contains("val_accuracy"))

        // A second run without --name goes to train2.
        let second = try ClassifyFixtures.train(root)
        #expect(second.status == 0 && FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/classify/train2/args.yaml").path))

        let weights = run.appendingPathComponent("weights/best.safetensors").path
        let out = root.appendingPathComponent("val")
        let validated = try runPercept(["classify", "val", "--weights", weights, "--data", root.appendingPathComponent("images").path,
                                        "--json", "--out", out.path])
        #expect(validated.status == 0, "\(validated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])
        let accuracy = try #require(report["accuracy"] as? Double)
        #expect((0...1).contains(accuracy) && (report["classes"] as? [Any])?.count == 2)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("confusion_matrix.png").path))

        let image = root.appendingPathComponent("images/dark/dark0.pgm").path
        let predicted = try runPercept(["classify", "predict", image, "--weights", weights, "--top-k", "2", "--json"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [String: Any])
        let predictions = try #require(document["predictions"] as? [[String: Any]])
        let top = try #require(predictions.first?["top"] as? [[String: Any]])
        #expect(top.count == 2 && Set(top.compactMap { $0["class"] as? String }) == ["dark", "light"])
        let scores = top.compactMap { $0["score"] as? Double }
        #expect(abs(scores.reduce(0, +) - 1) < 1e-4)
    }

    @Test("--resume with a changed argument is an error listing the difference; unchanged it continues")
    func resumeChecksArguments() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try ClassifyFixtures.train(root).status == 0)
        let run = root.appendingPathComponent("runs/classify/train").path
        let changed = try runPercept(["classify", "train", "--resume", run, "--lr", "0.5"])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("args.yaml: error:") && changed.stderr.contains("lr: 0.001 → 0.5"))
        // The finished run resumed as it was has nothing left to do.
        let same = try runPercept(["classify", "train", "--resume", run + "/weights/last.safetensors"])
        #expect(same.status == 0, "\(same.stderr)")
    }

    @Test("bad input stops before training: weights for other data in val, an --imgsz too small for the model")
    func badInput() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try ClassifyFixtures.train(root).status == 0)
        let weights = root.appendingPathComponent("runs/classify/train/weights/best.safetensors").path
        let threeClasses = try ClassifyFixtures.imageFolder(classes: ["a", "b", "c"])
        defer { try? FileManager.default.removeItem(at: threeClasses) }
        let other = try runPercept(["classify", "val", "--weights", weights, "--data", threeClasses.appendingPathComponent("images").path])
        #expect(other.status == 1 && other.stderr.contains(weights + ": error:") && other.stderr.contains("3 classes"))
        // Starting from them is fine-tuning: the head is replaced for the three classes.
        let startFrom = try ClassifyFixtures.train(threeClasses, extra: ["--model", weights])
        #expect(startFrom.status == 0 && startFrom.stderr.contains("head was replaced for 3 classes"), "\(startFrom.stderr)")

        let tooSmall = try runPercept(["classify", "train", "--model", "fashion_cnn", "--data", root.appendingPathComponent("images").path,
                                       "--imgsz", "2", "--epochs", "1", "--project", root.appendingPathComponent("small").path])
        #expect(tooSmall.status == 1 && tooSmall.stderr.contains("--imgsz 2"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("small/classify/train/weights").path))
    }

    @Test("a --batch larger than the dataset trains with one batch and a notice")
    func batchLargerThanData() throws {
        let root = try ClassifyFixtures.imageFolder(perClass: 5)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ClassifyFixtures.train(root, extra: ["--batch", "500"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("notice: --batch 500 is larger than"))
    }

    @Test("a hostile --cfg file (alias bomb, control characters in a key) is refused at the size limit, naming the file")
    func hostileConfigurationFile() throws {
        let root = try ClassifyFixtures.imageFolder()
        let bomb = root.appendingPathComponent("bomb.yaml")
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 { text += "l\(level): &l\(level) [" + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        try text.write(to: bomb, atomically: true, encoding: .utf8)
        let bombed = try ClassifyFixtures.train(root, extra: ["--cfg", bomb.path])
        #expect(bombed.status != 0 && bombed.stderr.contains(bomb.path))
        #expect(bombed.stderr.contains("nodes with its aliases expanded"), "\(bombed.stderr)")

        let escape = root.appendingPathComponent("escape.yaml")
        try "\"ep\\e[2Jochs\": 3\n".write(to: escape, atomically: true, encoding: .utf8)
        let escaped = try ClassifyFixtures.train(root, extra: ["--cfg", escape.path])
        #expect(escaped.status != 0 && escaped.stderr.contains(escape.path))
        #expect(!escaped.stderr.unicodeScalars.contains { $0.value == 0x1B })
    }
}
