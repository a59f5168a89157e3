import Foundation
import PerceptTestSupport
import Testing

/// `percept segment train` has its own defaults of shared options (batch 8, lr 0.002, onecycle,
/// `--augment flip-rotate`, where the shared options say 64, 0.001, constant, none): they apply
/// when neither the flag nor a `--cfg` file sets them, and land in `args.yaml`; its own options
/// (loss, U-Net shape) land there too, so `--resume` rebuilds the same model.
@Suite("percept segment train: segmentation's defaults and args.yaml")
struct SegmentTrainCLITests {
    @Test("batch, lr, schedule and augment have segmentation's defaults, the flag's or the --cfg file's when given, as args.yaml records")
    func segmentationDefaults() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let shapes = root.appendingPathComponent("shapes").path
        let made = try runPercept(["dataset", "synth-shapes", shapes, "--count", "10", "--size", "32", "--seed", "2"])
        #expect(made.status == 0, "\(made.stderr)")
        let config = root.appendingPathComponent("cfg.yaml")
        try "batch: 2\nschedule: constant\naugment: none\n".write(to: config, atomically: true, encoding: .utf8)
        for (name, extra, expected) in [
            ("plain", [String](), ["batch: 8", "lr: 0.002", "schedule: onecycle", "augment: flip-rotate"]),
            ("flag", ["--batch", "4", "--lr", "0.01", "--augment", "none"], ["batch: 4", "lr: 0.01", "schedule: onecycle", "augment: none"]),
            ("cfg", ["--cfg", config.path], ["batch: 2", "lr: 0.002", "schedule: constant", "augment: none"]),
        ] {
            let trained = try runPercept(["segment", "train", "--model", "unet", "--depth", "2", "--base-width", "4", "--data", shapes,
                                          "--epochs", "1", "--workers", "0", "--project", root.appendingPathComponent("runs").path,
                                          "--name", name] + extra)
            #expect(trained.status == 0, "\(name): \(trained.stderr)")
            let saved = try String(contentsOf: root.appendingPathComponent("runs/segment/\(name)/args.yaml"), encoding: .utf8)
            for line in expected {
                #expect(saved.contains("\n" + line + "\n"), "\(name): args.yaml lacks '\(line)':\n\(saved)")
            }
        }
    }

    @Test("args.yaml holds the loss and the U-Net's shape; --resume rebuilds that U-Net, trains on and refuses a changed loss")
    func resumeHoldsSegmentOptions() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let shapes = root.appendingPathComponent("shapes").path
        let made = try runPercept(["dataset", "synth-shapes", shapes, "--count", "8", "--size", "32", "--seed", "3"])
        #expect(made.status == 0, "\(made.stderr)")
        let trained = try runPercept(["segment", "train", "--model", "unet", "--depth", "2", "--base-width", "4", "--loss", "ce",
                                      "--upsample", "bilinear", "--data", shapes, "--epochs", "1", "--workers", "0",
                                      "--project", root.appendingPathComponent("runs").path, "--name", "seg"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let run = root.appendingPathComponent("runs/segment/seg")
        let argumentsFile = run.appendingPathComponent("args.yaml")
        let saved = try String(contentsOf: argumentsFile, encoding: .utf8)
        for line in ["loss: ce", "depth: 2", "base_width: 4", "upsample: bilinear", "binary: false", "ignore_index: 255"] {
            #expect(saved.contains("\n" + line + "\n"), "args.yaml lacks '\(line)':\n\(saved)")
        }
        let refused = try runPercept(["segment", "train", "--resume", run.path, "--loss", "dice"])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains(argumentsFile.path + ": error:") && refused.stderr.contains("loss: ce → dice"), "\(refused.stderr)")

        // A second epoch asked for in args.yaml: the last weights load only into the saved depth-2,
        // width-4 bilinear U-Net, not the registry's default one.
        try saved.replacingOccurrences(of: "\nepochs: 1\n", with: "\nepochs: 2\n").write(to: argumentsFile, atomically: true, encoding: .utf8)
        let resumed = try runPercept(["segment", "train", "--resume", run.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rows = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3, "\(rows)")
    }

    @Test("segment val reports the loss and class weights the run trained with (its args.yaml), equal to the run's val_loss; --loss picks another loss under the same weights")
    func valReportsTheRunsLoss() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let shapes = root.appendingPathComponent("shapes").path
        let made = try runPercept(["dataset", "synth-shapes", shapes, "--count", "10", "--size", "32", "--seed", "4"])
        #expect(made.status == 0, "\(made.stderr)")
        let trained = try runPercept(["segment", "train", "--model", "unet", "--depth", "2", "--base-width", "4", "--loss", "focal",
                                      "--class-weights", "0.5,2,3,1,4", "--data", shapes, "--epochs", "1", "--workers", "0", "--augment", "none",
                                      "--project", root.appendingPathComponent("runs").path, "--name", "seg"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let run = root.appendingPathComponent("runs/segment/seg")
        let rows = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        let header = rows[0].split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "val_loss"))
        let runLoss = try #require(Double(rows[1].split(separator: ",")[column]))
        let weights = run.appendingPathComponent("weights/last.safetensors").path
        func reported(_ extra: [String]) throws -> (loss: Double, kind: String) {
            let result = try runPercept(["segment", "val", "--weights", weights, "--data", shapes, "--json"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            return (try #require(document["loss"] as? Double), try #require(document["loss_kind"] as? String))
        }
        let own = try reported([])
        #expect(own.kind == "focal")
        #expect(abs(own.loss - runLoss) <= 1e-4 * max(1, abs(runLoss)), "segment val \(own.loss), the run's val_loss \(runLoss)")
        let named = try reported(["--loss", "focal"])
        #expect(abs(named.loss - runLoss) <= 1e-4 * max(1, abs(runLoss)), "--loss focal \(named.loss), the run's weighted val_loss \(runLoss)")
        let other = try reported(["--loss", "ce"])
        #expect(other.kind == "ce" && abs(other.loss - runLoss) > 1e-3, "ce \(other.loss) against focal \(runLoss)")
        let refused = try runPercept(["segment", "val", "--weights", weights, "--data", shapes, "--loss", "hinge"])
        #expect(refused.status == 2 && refused.stderr.contains("--loss"), "\(refused.stderr)")
        // A damaged args.yaml beside the weights is a data error naming it.
        let argumentsFile = run.appendingPathComponent("args.yaml")
        try "loss: hinge\n".write(to: argumentsFile, atomically: true, encoding: .utf8)
        let damaged = try runPercept(["segment", "val", "--weights", weights, "--data", shapes])
        #expect(damaged.status == 1 && damaged.stderr.contains(argumentsFile.path), "\(damaged.stderr)")
    }

    @Test("a bad segmentation option is a usage error naming the flag")
    func badSegmentOption() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for (flag, value, message) in [("--loss", "hinge", "--loss loss: expected"), ("--ignore-index", "300", "--ignore-index ignore_index: expected"),
                                       ("--class-weights", "1,x", "--class-weights class_weights: expected"), ("--depth", "0", "--depth depth: expected")] {
            let result = try runPercept(["segment", "train", "--model", "unet", "--data", root.path, flag, value,
                                         "--project", root.appendingPathComponent("runs").path])
            #expect(result.status == 2, "\(flag): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(flag): \(result.stderr)")
        }
    }
}
