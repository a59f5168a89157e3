import Foundation
import Testing

/// Losses that are means over something other than the examples (labelled points, class-weight
/// sums) train under `mpirun -np 2` to the weights one process trains with the same global batch.
@Suite("data-parallel training with masked and class-weighted losses", .serialized)
struct MaskedLossTrainingTests {
    /// One step of a global batch of 12: PointNet's max-pool turns rounding-level differences
    /// (the synchronised batch norm sums in another order) into other chosen points at later
    /// steps, so longer runs drift apart by chance; weighting by example count missed by 1.5e-4 already here.
    @Test("cloud train (pointnet_seg_s, class-weighted cross-entropy, T-Net regulariser) under mpirun with --sync-bn matches one process within 1e-5")
    func cloudSegmentationMatchesOneProcess() throws {
        let root = try MPIRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let scans = root.appendingPathComponent("scans").path
        let simulated = try MPIRun.run(ranks: nil, ["cloud", "simulate", scans, "--frames", "4", "--beams", "8", "--steps", "128", "--seed", "4"], in: root)
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let project = root.appendingPathComponent("runs")
        let compared = try MPIRun.aloneAndShared(in: root, runs: project.appendingPathComponent("cloud-segment"), sharedExtra: ["--sync-bn"]) {
            ["cloud", "train", "--model", "pointnet_seg_s", "--model-options", "width=0.125", "--data", scans, "--task", "segment",
             "--points", "512", "--features", "intensity", "--tile", "100", "--tiles-per-scan", "4", "--class-weights", "inverse",
             "--epochs", "1", "--batch", "12", "--optimizer", "sgd", "--lr", "0.01", "--workers", "0", "--project", project.path, "--name", $0]
        }
        let difference = try #require(compared.difference)
        #expect(difference <= 1e-5, "largest difference \(difference)")
        let losses = Self.trainingLosses(project.appendingPathComponent("cloud-segment/alone/results.csv"))
        #expect(losses.count == 1 && (Double(losses[0]) ?? 0) > 0, "the run should train: \(losses)")
    }

    /// Ignoring the circles' pixels leaves each rank a different number of counted pixels, and
    /// the class weights a different weight sum.
    @Test("segment train --loss ce with an ignored class and class weights under mpirun matches one process within 1e-5")
    func ignoredPixelsMatchOneProcess() throws {
        let root = try MPIRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let shapes = root.appendingPathComponent("shapes").path
        let made = try MPIRun.run(ranks: nil, ["dataset", "synth-shapes", shapes, "--count", "12", "--size", "32", "--seed", "5"], in: root)
        #expect(made.status == 0, "\(made.stderr)")
        let project = root.appendingPathComponent("runs")
        let compared = try MPIRun.aloneAndShared(in: root, runs: project.appendingPathComponent("segment"), sharedExtra: ["--sync-bn"]) {
            ["segment", "train", "--model", "unet", "--depth", "2", "--base-width", "4", "--data", shapes, "--epochs", "2", "--batch", "4",
             "--loss", "ce", "--ignore-index", "1", "--class-weights", "0.5,1,2,1.5,3", "--optimizer", "sgd", "--lr", "0.01",
             "--workers", "0", "--project", project.path, "--name", $0]
        }
        let difference = try #require(compared.difference)
        #expect(difference <= 1e-5, "largest difference \(difference)")
        let losses = Self.trainingLosses(project.appendingPathComponent("segment/alone/results.csv"))
        #expect(losses.count == 2 && losses[0] != losses[1], "the run should train: \(losses)")
    }

    /// The training-loss column of a run's `results.csv`, one value per epoch.
    static func trainingLosses(_ file: URL) -> [String] {
        let rows = (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n").dropFirst() ?? []
        return rows.compactMap { row in
            let columns = row.split(separator: ",")
            return columns.count > 1 ? String(columns[1]) : nil
        }
    }
}
