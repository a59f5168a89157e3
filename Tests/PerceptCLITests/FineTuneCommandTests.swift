import Foundation
import PerceptTestSupport
import Testing
import PerceptTensor

/// Colour images for models built for RGB input (PPM, 16×16 unless `side` says otherwise).
enum RGBFixtures {
    static func imageFolder(classes: [String], perClass: Int = 3, side: Int = 16) throws -> URL {
        let root = try DatasetFixtures.temporaryFolder()
        for (index, name) in classes.enumerated() {
            let folder = root.appendingPathComponent("images/\(name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for number in 0..<perClass {
                var bytes = Array("P6\n\(side) \(side)\n255\n".utf8)
                for pixel in 0..<(side * side) { bytes += [UInt8(truncatingIfNeeded: pixel * (index + 1) + number), UInt8(index * 80), UInt8(truncatingIfNeeded: pixel)] }
                try Data(bytes).write(to: folder.appendingPathComponent("\(name)\(number).ppm"))
            }
        }
        return root
    }
}

@Suite("percept fine-tuning: pretrained weights, freezing, PyTorch files, weights convert")
struct FineTuneCommandTests {
    static func torch(_ name: String) -> String { fixturesFolder.appendingPathComponent("torch/\(name)").path }
    static let marker = "/tmp/percept-torch-fixture-marker"

    @Test("--freeze all-but-last:2 on cifar_resnet20 with 3 classes prints 272,019 / 195 / 271,824")
    func parameterCounts() throws {
        let root = try RGBFixtures.imageFolder(classes: ["a", "b", "c"])
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try runPercept(["classify", "train", "--model", "cifar_resnet20", "--data", root.appendingPathComponent("images").path,
                                     "--freeze", "all-but-last:2", "--epochs", "1", "--batch", "4", "--workers", "0",
                                     "--project", root.appendingPathComponent("runs").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("parameters: 272,019 total, 195 trainable, 271,824 frozen"), "\(result.stderr)")
    }

    @Test("a PyTorch .pth starts training: --model NAME --weights FILE and --model FILE, the head replaced, freezing and unfreezing")
    func fineTunesFromTorch() throws {
        let root = try ClassifyFixtures.imageFolder(classes: ["a", "b", "c"], perClass: 4, side: 16)
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("images").path, project = root.appendingPathComponent("runs").path
        let named = try runPercept(["classify", "train", "--model", "cifar_resnet20", "--weights", Self.torch("cifar_resnet20_gray.pth"),
                                    "--data", data, "--freeze", "all-but-last:2", "--unfreeze", "1:*", "--backbone-lr-factor", "0.1",
                                    "--epochs", "2", "--batch", "4", "--workers", "0", "--project", project])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stderr.contains("head was replaced for 3 classes: fc.bias, fc.weight"), "\(named.stderr)")
        #expect(named.stderr.contains("195 trainable"))
        let arguments = try String(contentsOfFile: project + "/classify/train/args.yaml", encoding: .utf8)
        #expect(arguments.contains("freeze: 'all-but-last:2'") && arguments.contains("backbone_lr_factor: 0.1"), "\(arguments)")

        let recognised = try runPercept(["classify", "train", "--model", Self.torch("cifar_resnet20_gray.pth"), "--data", data,
                                         "--epochs", "1", "--batch", "4", "--workers", "0", "--project", project])
        #expect(recognised.status == 0, "\(recognised.stderr)")
        #expect(recognised.stderr.contains("training cifar_resnet20"))
    }

    @Test("--classes and --per-class select and relabel classes of the data")
    func classSelection() throws {
        let root = try ClassifyFixtures.imageFolder(classes: ["a", "b", "c"], perClass: 10)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try ClassifyFixtures.train(root, extra: ["--classes", "1-2", "--per-class", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("on 6 images") && result.stderr.contains("2 classes"), "\(result.stderr)")
        let bad = try ClassifyFixtures.train(root, extra: ["--classes", "2-1"])
        #expect(bad.status == 2 && bad.stderr.contains("--classes"))
    }

    @Test("bad fine-tuning options: an unreadable spec is a usage error, a pattern matching nothing an error naming it")
    func badOptions() throws {
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let unreadable = try ClassifyFixtures.train(root, extra: ["--freeze", "first:x"])
        #expect(unreadable.status == 2 && unreadable.stderr.contains("--freeze"))
        let unmatched = try ClassifyFixtures.train(root, extra: ["--freeze", "backbone"])
        #expect(unmatched.status == 1 && unmatched.stderr.contains("\"backbone\""), "\(unmatched.stderr)")
        let schedule = try ClassifyFixtures.train(root, extra: ["--unfreeze", "soon:fc"])
        #expect(schedule.status == 2 && schedule.stderr.contains("--unfreeze"))
    }

    @Test("malicious pickles are refused with exit 1 wherever weights are read, and nothing runs",
          arguments: ["evil_system.pt", "evil_eval.pt", "evil_reduce_class.pt"])
    func malicious(file: String) throws {
        try? FileManager.default.removeItem(atPath: Self.marker)
        let inspected = try runPercept(["weights", "inspect", Self.torch(file)])
        #expect(inspected.status == 1 && inspected.stderr.contains(Self.torch(file)) && inspected.stderr.contains("not an allowed data constructor"))
        let root = try ClassifyFixtures.imageFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let trained = try ClassifyFixtures.train(root, extra: ["--model", "mlp", "--weights", Self.torch(file)])
        #expect(trained.status == 1 && trained.stderr.contains("refusing"), "\(trained.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.marker))
    }

    @Test("weights inspect reads .pth files; convert writes every tensor bit for bit with its dtype, and the metadata of a recognised model; --half stores float32 as float16")
    func inspectAndConvert() throws {
        let inspected = try runPercept(["weights", "inspect", Self.torch("dtypes.pt"), "--json"])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("\"BF16\"") && inspected.stdout.contains("\"F16\""))

        let folder = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("state.safetensors").path
        let converted = try runPercept(["weights", "convert", Self.torch("state_zip.pth"), out])
        #expect(converted.status == 0, "\(converted.stderr)")
        let written = try SafetensorsFile(path: out), expected = try SafetensorsFile(path: Self.torch("state_zip.expected.safetensors"))
        #expect(written.names.sorted() == expected.names.sorted())
        for name in expected.names {
            #expect(try written.withBytes(of: name) { Array($0) } == expected.withBytes(of: name) { Array($0) }, "\(name)")
        }
        #expect(try runPercept(["weights", "convert", Self.torch("state_zip.pth"), out]).status == 2)

        let model = folder.appendingPathComponent("cifar.safetensors").path
        let recognised = try runPercept(["weights", "convert", Self.torch("cifar_resnet20_gray.pth"), model])
        #expect(recognised.status == 0 && recognised.stdout.contains("architecture cifar_resnet20"), "\(recognised.stderr)")
        let file = try SafetensorsFile(path: model)
        #expect(file.metadata["percept.arch"] == "cifar_resnet20")
        #expect(try file.entry(named: "fc.weight").dtype == .float16)
        #expect(try runPercept(["summary", model]).status == 0)
        let shipped = fixturesFolder.appendingPathComponent("models/cifar_resnet20-fashion0-4.safetensors").path
        let half = folder.appendingPathComponent("half.safetensors").path
        let halved = try runPercept(["weights", "convert", shipped, half, "--half"])
        #expect(halved.status == 0 && halved.stdout.contains("float32 stored as float16"), "\(halved.stderr)")
        let halfFile = try SafetensorsFile(path: half), fullFile = try SafetensorsFile(path: shipped)
        #expect(try halfFile.entry(named: "fc.weight").dtype == .float16 && halfFile.metadata["percept.arch"] == "cifar_resnet20")
        let size = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        #expect(try Double(size(half)) < 0.55 * Double(size(shipped)))
        let full = try fullFile.floats(of: "fc.weight"), rounded = try halfFile.floats(of: "fc.weight")
        #expect(zip(full, rounded).allSatisfy { Swift.abs($0 - $1) <= Swift.abs($0) / 1024 + 1e-7 })
        #expect(try runPercept(["summary", half]).status == 0)
        let summary = try runPercept(["summary", Self.torch("cifar_resnet20_gray.pth")])
        #expect(summary.status == 0 && summary.stdout.contains("cifar_resnet20"), "\(summary.stderr)")

        let wrong = try runPercept(["weights", "convert", Self.torch("cifar_resnet20_gray.pth"), folder.appendingPathComponent("w.safetensors").path,
                                    "--arch", "cifar_resnet32"])
        #expect(wrong.status == 1 && wrong.stderr.contains("layer1.3"), "\(wrong.stderr)")
        let script = try runPercept(["weights", "inspect", Self.torch("torchscript.pt")])
        #expect(script.status == 1 && script.stderr.contains("TorchScript"))
    }
}
