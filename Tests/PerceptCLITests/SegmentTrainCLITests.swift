import Foundation
import Testing

/// `percept segment train` has its own default batch (16, where the shared options say 64): it
/// applies when neither the flag nor a `--cfg` file sets one, and lands in `args.yaml`.
@Suite("percept segment train: segmentation's default batch")
struct SegmentTrainCLITests {
    @Test("the batch is 16 by default, the flag's or the --cfg file's when given, as args.yaml records")
    func defaultBatch() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let shapes = root.appendingPathComponent("shapes").path
        let made = try runPercept(["dataset", "synth-shapes", shapes, "--count", "10", "--size", "32", "--seed", "2"])
        #expect(made.status == 0, "\(made.stderr)")
        let config = root.appendingPathComponent("cfg.yaml")
        try "batch: 8\n".write(to: config, atomically: true, encoding: .utf8)
        for (name, extra, expected) in [("plain", [String](), "batch: 16"), ("flag", ["--batch", "4"], "batch: 4"),
                                        ("cfg", ["--cfg", config.path], "batch: 8")] {
            let trained = try runPercept(["segment", "train", "--model", "unet", "--depth", "2", "--base-width", "4", "--data", shapes,
                                          "--epochs", "1", "--workers", "0", "--project", root.appendingPathComponent("runs").path,
                                          "--name", name] + extra)
            #expect(trained.status == 0, "\(name): \(trained.stderr)")
            let saved = try String(contentsOf: root.appendingPathComponent("runs/segment/\(name)/args.yaml"), encoding: .utf8)
            #expect(saved.contains("\n" + expected + "\n"), "\(name): args.yaml lacks '\(expected)':\n\(saved)")
        }
    }
}
