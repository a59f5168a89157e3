import Foundation
import PerceptTestSupport
import Testing

/// The tensors of a safetensors file as raw bytes by name (the tests compare weights bit for bit
/// without the library), and its `__metadata__`.
enum SafetensorsBytes {
    /// The JSON header of a safetensors file's bytes and the header's length.
    static func header(_ data: Data) throws -> (header: [String: Any], length: Int) {
        let length = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        return (try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + length)) as? [String: Any]), length)
    }

    static func read(_ path: String) throws -> (tensors: [String: Data], metadata: [String: String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let (header, headerLength) = try Self.header(data)
        var tensors: [String: Data] = [:]
        for (name, entry) in header where name != "__metadata__" {
            let offsets = try #require((entry as? [String: Any])?["data_offsets"] as? [Int])
            tensors[name] = data.subdata(in: 8 + headerLength + offsets[0]..<8 + headerLength + offsets[1])
        }
        return (tensors, header["__metadata__"] as? [String: String] ?? [:])
    }

    /// The model's tensors of a weights file or of a checkpoint (whose model keys start with `model.`).
    static func modelTensors(_ path: String) throws -> [String: Data] {
        let tensors = try read(path).tensors
        let prefixed = tensors.filter { $0.key.hasPrefix("model.") }
        return prefixed.isEmpty ? tensors : Dictionary(uniqueKeysWithValues: prefixed.map { (String($0.key.dropFirst(6)), $0.value) })
    }
}

@Suite("percept classify train: options and bad input through the command line")
struct ClassifyTrainingTests {
    /// One thread everywhere, so two runs can be compared bit for bit.
    static let oneThread = ["PERCEPT_THREADS": "1"]

    static func data(_ root: URL) -> String { root.appendingPathComponent("images").path }
    static func weights(_ root: URL, _ name: String, _ file: String = "best") -> String {
        root.appendingPathComponent("runs/classify/\(name)/weights/\(file).safetensors").path
    }

    @Test("--augment PIPELINE applies the pipeline: a flip every time changes the weights; a bad file is named")
    func augmentPipeline() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let pipeline = root.appendingPathComponent("flip.yaml")
        try "transforms:\n  - name: HorizontalFlip\n    p: 1.0\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let plain = try ClassifyFixtures.train(root, extra: ["--name", "plain"])
        let flipped = try ClassifyFixtures.train(root, extra: ["--name", "flipped", "--augment", pipeline.path])
        #expect(plain.status == 0 && flipped.status == 0, "\(flipped.stderr)")
        let arguments = try String(contentsOfFile: root.appendingPathComponent("runs/classify/flipped/args.yaml").path, encoding: .utf8)
        #expect(arguments.contains("augment: " + pipeline.path))
        #expect(try SafetensorsBytes.modelTensors(Self.weights(root, "plain")) != SafetensorsBytes.modelTensors(Self.weights(root, "flipped")))

        let bad = root.appendingPathComponent("bad.yaml")
        try "transforms:\n  - name: NoSuchTransform\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try ClassifyFixtures.train(root, extra: ["--name", "bad", "--augment", bad.path])
        #expect(refused.status != 0 && refused.stderr.contains(bad.path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runs/classify/bad/weights").path))
    }

    @Test("a pipeline ending in Resize sets the model's size when --imgsz does not, and gets the images as read")
    func pipelineSize() throws {
        let root = try ClassifyFixtures.imageFolder(side: 12)
        defer { try? FileManager.default.removeItem(at: root) }
        let pipeline = root.appendingPathComponent("resize.yaml")
        try "transforms:\n  - name: Resize\n    width: 8\n    height: 8\n".write(to: pipeline, atomically: true, encoding: .utf8)
        let resized = try ClassifyFixtures.train(root, extra: ["--name", "resized", "--augment", pipeline.path])
        #expect(resized.status == 0, "\(resized.stderr)")
        let configuration = try SafetensorsBytes.read(Self.weights(root, "resized")).metadata["percept.config"] ?? ""
        #expect(configuration.contains(#""image_size":8"#), "\(configuration)")
        // Without the pipeline the model is built for the images' own 12.
        let plain = try ClassifyFixtures.train(root, extra: ["--name", "plain"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try SafetensorsBytes.read(Self.weights(root, "plain")).metadata["percept.config"]?.contains(#""image_size":12"#) == true)
    }

    @Test("--cfg FILE.yaml supplies options and flags override it")
    func configurationFile() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let cfg = root.appendingPathComponent("options.yaml")
        try "epochs: 3\nlr: 0.01\noptimizer: sgd\nseed: 7\n".write(to: cfg, atomically: true, encoding: .utf8)
        let result = try ClassifyFixtures.train(root, epochs: 2, extra: ["--cfg", cfg.path, "--seed", "9"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = root.appendingPathComponent("runs/classify/train")
        let arguments = try String(contentsOf: run.appendingPathComponent("args.yaml"), encoding: .utf8)
        // From the file: lr and optimizer; from the flags: epochs (2, not 3) and seed (9, not 7).
        for line in ["lr: 0.01", "optimizer: sgd", "epochs: 2", "seed: 9"] { #expect(arguments.contains(line + "\n"), "\(line) in \(arguments)") }
        let rows = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3)
    }

    @Test("--workers 0 and --workers 2 train the same weights, bit for bit")
    func workerCountDoesNotChangeTheRun() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for workers in ["0", "2"] {
            let result = try runPercept(["classify", "train", "--model", "mlp", "--data", Self.data(root), "--epochs", "2", "--batch", "4",
                                         "--workers", workers, "--name", "w" + workers, "--project", root.appendingPathComponent("runs").path],
                                        environment: Self.oneThread)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let first = try SafetensorsBytes.modelTensors(Self.weights(root, "w0", "last"))
        let second = try SafetensorsBytes.modelTensors(Self.weights(root, "w2", "last"))
        #expect(!first.isEmpty && first == second)
    }

    @Test("Ctrl-C writes last and exits 130; --resume ends with the weights of an uninterrupted run, bit for bit")
    func interruptAndResume() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("runs").path
        let common = ["classify", "train", "--model", "mlp", "--data", Self.data(root), "--epochs", "60", "--batch", "4", "--workers", "1",
                      "--project", project]
        let whole = try runPercept(common + ["--name", "whole"], environment: Self.oneThread)
        #expect(whole.status == 0, "\(whole.stderr)")

        let child = Process()
        child.executableURL = perceptExecutable
        child.arguments = common + ["--name", "stopped"]
        child.environment = ProcessInfo.processInfo.environment.merging(Self.oneThread) { $1 }
        // A file, not a pipe: nothing reads the progress lines while the test waits.
        let errorsFile = root.appendingPathComponent("stopped.err")
        _ = FileManager.default.createFile(atPath: errorsFile.path, contents: nil)
        child.standardError = try FileHandle(forWritingTo: errorsFile)
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        // Interrupt once the first epoch is on record, well before the sixtieth.
        let results = root.appendingPathComponent("runs/classify/stopped/results.csv").path
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: results), child.isRunning, Date() < deadline { usleep(2_000) }
        child.interrupt()
        child.waitUntilExit()
        let stderr = try String(contentsOf: errorsFile, encoding: .utf8)
        #expect(child.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("interrupted"))
        let rows = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n").count - 1
        #expect(rows < 60, "the run finished before the interrupt")

        let resumed = try runPercept(["classify", "train", "--resume", root.appendingPathComponent("runs/classify/stopped").path],
                                     environment: Self.oneThread)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let expected = try SafetensorsBytes.modelTensors(Self.weights(root, "whole", "last"))
        let continued = try SafetensorsBytes.modelTensors(Self.weights(root, "stopped", "last"))
        #expect(!expected.isEmpty && expected == continued)
    }

    @Test("bad data stops before training with exit 1 naming the place: an empty class folder, a single class, an unreadable image")
    func badFolders() throws {
        let empty = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        let emptyClass = empty.appendingPathComponent("images/nothing")
        try FileManager.default.createDirectory(at: emptyClass, withIntermediateDirectories: true)
        let noImages = try ClassifyFixtures.train(empty)
        #expect(noImages.status == 1 && noImages.stderr.contains(emptyClass.path), "\(noImages.stderr)")

        let single = try ClassifyFixtures.imageFolder(classes: ["only"])
        defer { try? FileManager.default.removeItem(at: single) }
        let oneClass = try ClassifyFixtures.train(single)
        #expect(oneClass.status == 1 && oneClass.stderr.contains(Self.data(single)) && oneClass.stderr.contains("class"), "\(oneClass.stderr)")

        let broken = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: broken) }
        let bad = broken.appendingPathComponent("images/dark/broken.pgm")
        try Data("not an image at all".utf8).write(to: bad)
        let stopped = try ClassifyFixtures.train(broken)
        #expect(stopped.status == 1 && stopped.stderr.contains(bad.path), "\(stopped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: broken.appendingPathComponent("runs/classify/train/weights").path))
        let skipped = try ClassifyFixtures.train(broken, extra: ["--skip-bad"])
        #expect(skipped.status == 0 && skipped.stderr.contains(bad.path + ": warning:"), "\(skipped.stderr)")
    }

    @Test("weights of another architecture are refused naming the file")
    func weightsOfAnotherArchitecture() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try ClassifyFixtures.train(root).status == 0)
        // The mlp's tensors under a header that says lenet5.
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.weights(root, "train")))
        let (parsed, headerLength) = try SafetensorsBytes.header(original)
        var header = parsed
        var metadata = try #require(header["__metadata__"] as? [String: String])
        metadata["percept.arch"] = "lenet5"
        header["__metadata__"] = metadata
        var json = try JSONSerialization.data(withJSONObject: header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var forged = Data((0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) })
        forged.append(json)
        forged.append(original.subdata(in: 8 + headerLength..<original.count))
        let file = root.appendingPathComponent("lenet5.safetensors")
        try forged.write(to: file)
        let validated = try runPercept(["classify", "val", "--weights", file.path, "--data", Self.data(root), "--out", root.appendingPathComponent("val").path])
        #expect(validated.status == 1 && validated.stderr.contains(file.path), "\(validated.stderr)")
        let started = try ClassifyFixtures.train(root, extra: ["--model", file.path, "--name", "from-forged"])
        #expect(started.status == 1 && started.stderr.contains(file.path), "\(started.stderr)")
    }

    @Test("a CIFAR file that is not a CIFAR pickle, and a pickle naming a global outside the allow-list, are refused naming the file")
    func hostileCIFAR() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let meta = root.appendingPathComponent("batches.meta")
        try Data("this is not a pickle".utf8).write(to: meta)
        let notPickle = try runPercept(["classify", "train", "--model", "mlp", "--data", "cifar10:" + root.path, "--project", root.appendingPathComponent("runs").path])
        #expect(notPickle.status == 1 && notPickle.stderr.contains(meta.path), "\(notPickle.stderr)")

        // protocol 2: GLOBAL os.system, MARK, a string, TUPLE, REDUCE, STOP; never executed.
        var pickle = Data([0x80, 0x02])
        pickle.append(Data("cos\nsystem\n(S'touch \(root.path)/owned'\ntR.".utf8))
        try pickle.write(to: meta)
        let hostile = try runPercept(["classify", "train", "--model", "mlp", "--data", "cifar10:" + root.path, "--project", root.appendingPathComponent("runs").path])
        #expect(hostile.status == 1 && hostile.stderr.contains(meta.path) && hostile.stderr.contains("os"), "\(hostile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("owned").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runs").path))
    }

    @Test("normalisation: training stores it in the weights; val and predict apply it as training did")
    func normalisationTravelsWithTheWeights() throws {
        let root = try ClassifyFixtures.imageFolder(perClass: 12)
        defer { try? FileManager.default.removeItem(at: root) }
        // Statistics far from the data's, so a step that forgot them would see very different inputs.
        let trained = try ClassifyFixtures.train(root, epochs: 3, extra: ["--normalize", "0.9/0.05", "--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let weights = Self.weights(root, "train", "last")
        let metadata = try SafetensorsBytes.read(weights).metadata
        let stored = try #require(metadata["percept.normalize"])
        let statistics = try #require(try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: [Double]])
        #expect(statistics["mean"] == [0.9] && statistics["std"] == [0.05])

        // The last epoch's validation accuracy is what val reports on the same split with the same weights.
        let epochs = trained.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let lastAccuracy = try #require(epochs.last?["val_accuracy"] as? Double)
        let peak = try #require(epochs.last?["peak_rss_mb"] as? Double)
        #expect(peak > 0 && peak < 400, "a tiny run's peak resident memory: \(peak) MB")
        let validated = try runPercept(["classify", "val", "--weights", weights, "--data", Self.data(root), "--json", "--out", root.appendingPathComponent("val").path])
        #expect(validated.status == 0, "\(validated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])
        #expect(report["accuracy"] as? Double == lastAccuracy)

        // predict's top class over the whole folder agrees with the model as val ran it: the
        // same count of correct images over the validation images it names.
        let predicted = try runPercept(["classify", "predict", Self.data(root), "--weights", weights, "--json", "--top-k", "1"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [String: Any])
        let predictions = try #require(document["predictions"] as? [[String: Any]])
        #expect(predictions.count == 24)
        let correct = predictions.filter { prediction in
            let file = prediction["file"] as? String ?? "", top = (prediction["top"] as? [[String: Any]])?.first?["class"] as? String ?? "?"
            return URL(fileURLWithPath: file).deletingLastPathComponent().lastPathComponent == top
        }.count
        #expect(correct > 12, "predict without the normalisation would be near chance: \(correct) of 24")
    }
}
