import Foundation
import PerceptTestSupport
import Testing

/// `percept cloud train` keeps its own options (task, points, features, tiles, class weights)
/// in the run's `args.yaml` beside the shared ones, and `--resume` holds to them.
@Suite("percept cloud train: args.yaml and --resume")
struct CloudTrainCLITests {
    /// Three tiny simulated scans in SemanticKITTI's layout, in a fresh scratch folder.
    static func simulatedScans() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-cloud-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let simulated = try runPercept(["cloud", "simulate", root.appendingPathComponent("scans").path,
                                        "--frames", "3", "--beams", "8", "--steps", "128", "--seed", "4"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        return root
    }

    /// 2,048 points per input: more than a tiny scan holds, so every scan is padded with a notice.
    static let cloudFlags = ["--task", "segment", "--points", "2048", "--features", "intensity", "--tile", "100",
                             "--tiles-per-scan", "1", "--class-weights", "none"]

    @Test("args.yaml holds the cloud options; --resume refuses a changed one naming args.yaml and trains on with the saved ones")
    func resumeHoldsCloudOptions() throws {
        let root = try Self.simulatedScans()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("runs/cloud-segment/seg")
        let trained = try runPercept(["cloud", "train", "--model", "pointnet_seg_s", "--model-options", "width=0.125",
                                      "--data", root.appendingPathComponent("scans").path, "--epochs", "1", "--batch", "2",
                                      "--workers", "0", "--project", root.appendingPathComponent("runs").path, "--name", "seg"]
                                     + Self.cloudFlags)
        #expect(trained.status == 0, "\(trained.stderr)")
        let firstScan = root.appendingPathComponent("scans/sequences/00/velodyne/000000.bin").path
        #expect(trained.stderr.contains(firstScan + ": notice: ") && trained.stderr.contains("padded by repeating points"), "\(trained.stderr)")
        let argumentsFile = run.appendingPathComponent("args.yaml")
        let saved = try String(contentsOf: argumentsFile, encoding: .utf8)
        for line in ["task: segment", "points: 2048", "features: intensity", "tile: 100", "tiles_per_scan: 1", "class_weights: none",
                     "label_map: null", "model_options: 'width=0.125'"] {
            #expect(saved.contains("\n" + line + "\n"), "args.yaml lacks '\(line)':\n\(saved)")
        }

        for (flag, value, change) in [("--points", "128", "points: 2048 → 128"), ("--features", "xyz", "features: intensity → xyz"),
                                      ("--task", "classify", "task: segment → classify"), ("--class-weights", "auto", "class_weights: none → auto")] {
            let refused = try runPercept(["cloud", "train", "--resume", run.path, flag, value])
            #expect(refused.status == 1, "\(flag): \(refused.stderr)")
            #expect(refused.stderr.contains(argumentsFile.path + ": error:") && refused.stderr.contains(change), "\(flag): \(refused.stderr)")
        }
        let same = try runPercept(["cloud", "train", "--resume", run.path, "--points", "2048", "--task", "segment"])
        #expect(!same.stderr.contains("differ"), "\(same.stderr)")

        // One more epoch, asked for in args.yaml itself: the resumed run must rebuild the model with
        // the saved 4 channels (xyz + intensity) and 2,048 points, or the last weights do not load.
        try saved.replacingOccurrences(of: "\nepochs: 1\n", with: "\nepochs: 2\n").write(to: argumentsFile, atomically: true, encoding: .utf8)
        let resumed = try runPercept(["cloud", "train", "--resume", run.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rows = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3, "\(rows)")
    }

    @Test("a bad cloud option in a --cfg file is an error naming the file")
    func badCloudOptionInConfigFile() throws {
        let root = try Self.simulatedScans()
        defer { try? FileManager.default.removeItem(at: root) }
        let cfg = root.appendingPathComponent("cloud.yaml")
        try "task: segment\ntile: -3\n".write(to: cfg, atomically: true, encoding: .utf8)
        let result = try runPercept(["cloud", "train", "--model", "pointnet_seg_s", "--data", root.appendingPathComponent("scans").path,
                                     "--cfg", cfg.path, "--project", root.appendingPathComponent("runs").path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains(cfg.path + ": error: tile: expected a positive number of metres, found '-3'"), "\(result.stderr)")
        let missingTask = try runPercept(["cloud", "train", "--model", "pointnet_seg_s", "--data", root.appendingPathComponent("scans").path,
                                          "--project", root.appendingPathComponent("runs").path])
        #expect(missingTask.status == 2 && missingTask.stderr.contains("--task is required"), "\(missingTask.stderr)")
    }
}
