import Foundation
import Testing

/// `mpirun -np 2 percept … train` against one process with the same global batch.
@Suite("data-parallel training under mpirun", .serialized)
struct DataParallelTrainingTests {
    /// `classify train` of `mlp` (no batch norm, no dropout) on `images` into `project`, named `name`.
    static func trainArguments(_ images: String, project: URL, name: String, epochs: Int = 2, batch: Int = 4) -> [String] {
        ["classify", "train", "--model", "mlp", "--model-options", "hidden=16", "--data", images, "--epochs", String(epochs),
         "--batch", String(batch), "--optimizer", "sgd", "--lr", "0.05", "--workers", "0", "--val-split", "0.25",
         "--project", project.path, "--name", name]
    }

    @Test("two ranks train the weights one process trains with the same global batch, within 1e-5; only rank 0 writes")
    func twoRanksMatchOneProcess() throws {
        try MPIRun.withTrainingData { root, images, project in
            let run = project.appendingPathComponent("classify")
            let (compared, alone, shared) = try MPIRun.aloneAndShared(in: root, runs: run) { Self.trainArguments(images, project: project, name: $0) }
            let difference = try #require(compared)
            #expect(difference <= 1e-5, "largest difference \(difference)")
            // One results.csv with one row per epoch and validation reduced over both ranks, one printed log.
            let csv = try String(contentsOf: run.appendingPathComponent("shared/results.csv"), encoding: .utf8).split(separator: "\n")
            let aloneCSV = try String(contentsOf: run.appendingPathComponent("alone/results.csv"), encoding: .utf8).split(separator: "\n")
            #expect(csv.count == 3)
            // The run trained (its loss moved between the epochs): equal weights of runs that did nothing would prove nothing.
            #expect(aloneCSV.count == 3 && aloneCSV[1].split(separator: ",")[1] != aloneCSV[2].split(separator: ",")[1])
            #expect(csv.map { Self.accuracyColumns($0) } == aloneCSV.map { Self.accuracyColumns($0) })
            #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == ["alone", "shared"])
            #expect(shared.stdout.components(separatedBy: "epoch 2/2").count - 1 == alone.stdout.components(separatedBy: "epoch 2/2").count - 1)
            #expect(shared.stderr.components(separatedBy: "training mlp on").count - 1 == 1, "\(shared.stderr)")
        }
    }

    @Test("with --sync-bn a model with batch norm trains as one process does, within 1e-5; without it the ranks' statistics differ")
    func synchronizedBatchNorm() throws {
        try MPIRun.withTrainingData { root, images, project in
            func arguments(_ name: String) -> [String] {
                Self.trainArguments(images, project: project, name: name, batch: 6)
                    .map { $0 == "mlp" ? "fashion_cnn" : $0 == "hidden=16" ? "width1=4,width2=4,hidden=8,dropout=0" : $0 }
            }
            let alone = try MPIRun.run(ranks: nil, arguments("alone"), in: root)
            #expect(alone.status == 0, "\(alone.stderr)")
            let synchronized = try MPIRun.run(ranks: 2, arguments("synchronized") + ["--sync-bn"], in: root)
            #expect(synchronized.status == 0, "\(synchronized.stderr)")
            let perRank = try MPIRun.run(ranks: 2, arguments("per-rank"), in: root)
            #expect(perRank.status == 0, "\(perRank.stderr)")
            let run = project.appendingPathComponent("classify")
            let one = try MPIRun.floatTensors(run.appendingPathComponent("alone/weights/last.safetensors").path)
            #expect(one.keys.contains("b1.running_mean"), "\(one.keys.sorted())")
            let synced = try MPIRun.floatTensors(run.appendingPathComponent("synchronized/weights/last.safetensors").path)
            let unsynced = try MPIRun.floatTensors(run.appendingPathComponent("per-rank/weights/last.safetensors").path)
            let difference = try #require(MPIRun.largestDifference(one, synced))
            #expect(difference <= 1e-5, "largest difference \(difference)")
            let perRankDifference = try #require(MPIRun.largestDifference(one, unsynced))
            #expect(perRankDifference > 1e-4, "per-rank statistics should train other weights, largest difference \(perRankDifference)")
        }
    }

    /// With cross-entropy, a mean over examples; Dice (the default) is a batch-level loss, which
    /// each rank computes over its slice, as under PyTorch's DDP.
    @Test("segment train (a U-Net with batch norm) under mpirun with --sync-bn trains the weights one process trains, within 1e-5")
    func segmentationMatchesOneProcess() throws {
        try MPIRun.withTrainingData { root, _, project in
            let shapes = root.appendingPathComponent("shapes").path
            let made = try MPIRun.run(ranks: nil, ["dataset", "synth-shapes", shapes, "--count", "12", "--size", "32", "--seed", "5"], in: root)
            #expect(made.status == 0, "\(made.stderr)")
            func arguments(_ name: String) -> [String] {
                ["segment", "train", "--model", "unet", "--depth", "2", "--base-width", "4", "--data", shapes, "--epochs", "2", "--batch", "4",
                 "--loss", "ce", "--optimizer", "sgd", "--lr", "0.05", "--workers", "0", "--project", project.path, "--name", name]
            }
            let compared = try MPIRun.aloneAndShared(in: root, runs: project.appendingPathComponent("segment"), sharedExtra: ["--sync-bn"], arguments)
            let difference = try #require(compared.difference)
            #expect(difference <= 1e-5, "largest difference \(difference)")
        }
    }

    @Test("autoencoder train (conv_ae, mean squared error) under mpirun trains the weights one process trains, within 1e-5")
    func autoencoderMatchesOneProcess() throws {
        let root = try MPIRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let images = try MPIRun.imageFolder(in: root, side: 12)
        let project = root.appendingPathComponent("runs")
        let compared = try MPIRun.aloneAndShared(in: root, runs: project.appendingPathComponent("autoencoder"), sharedExtra: ["--sync-bn"]) {
            ["autoencoder", "train", "--model", "conv_ae", "--data", images, "--epochs", "2", "--batch", "4", "--loss", "mse", "--optimizer", "sgd",
             "--lr", "0.05", "--workers", "0", "--project", project.path, "--name", $0]
        }
        let difference = try #require(compared.difference)
        #expect(difference <= 1e-5, "largest difference \(difference)")
    }

    @Test("a global batch that does not divide among the ranks is an error saying so, and no rank hangs")
    func indivisibleBatch() throws {
        let root = try MPIRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let images = try MPIRun.imageFolder(in: root)
        let started = Date()
        let result = try MPIRun.run(ranks: 2, Self.trainArguments(images, project: root.appendingPathComponent("runs"), name: "odd", batch: 5), in: root)
        #expect(result.status != 0)
        #expect(result.stderr.contains("--batch 5") && result.stderr.contains("2 ranks"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
    }

    /// An epoch row's epoch, validation loss and accuracy columns (time differs between runs;
    /// the training loss is summed in another order).
    static func accuracyColumns(_ row: Substring) -> [String] {
        let columns = row.split(separator: ",").map(String.init)
        return columns.count > 4 ? [columns[0], columns[3]] : columns
    }
}
