import Foundation
import PerceptTestSupport
import Testing

@Suite("percept autoencoder train|reconstruct|denoise|generate|embed")
struct AutoencoderCommandTests {
    /// Trains `model` for one epoch on the tiny gray image folder under `root`, into `root/runs`.
    static func train(_ root: URL, model: String, name: String, extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPercept(["autoencoder", "train", "--model", model, "--data", root.appendingPathComponent("images").path, "--epochs", "1",
                        "--batch", "4", "--workers", "0", "--project", root.appendingPathComponent("runs").path, "--name", name] + extra)
    }

    @Test("a denoising conv_ae and a VAE train into run folders with pictures, and every command reads their weights")
    func trainAndUse() throws {
        let root = try ClassifyFixtures.imageFolder(side: 12)
        defer { try? FileManager.default.removeItem(at: root) }
        let denoising = try Self.train(root, model: "conv_ae", name: "dae", extra: ["--noise", "gaussian:0.3", "--noise", "cutout:0.1", "--loss", "mse"])
        #expect(denoising.status == 0, "\(denoising.stderr)")
        let run = root.appendingPathComponent("runs/autoencoder/dae")
        let csv = try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "epoch,train_loss,val_loss,val_psnr,val_psnr_input,lr,time_s" && csv.count == 2)
        for file in ["args.yaml", "autoencoder.json", "results.png", "samples/epoch_001_denoised.png", "weights/best.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) is missing")
        }
        let settings = try String(contentsOf: run.appendingPathComponent("autoencoder.json"), encoding: .utf8)
        #expect(settings.contains("gaussian:0.3") && settings.contains("cutout:0.1") && settings.contains("\"mse\""))

        let vae = try Self.train(root, model: "vae", name: "vae", extra: ["--beta", "0.5", "--beta-warmup-epochs", "1"])
        #expect(vae.status == 0, "\(vae.stderr)")
        let vaeRun = root.appendingPathComponent("runs/autoencoder/vae")
        let vaeHeader = try String(contentsOf: vaeRun.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n").first
        #expect(vaeHeader == "epoch,train_loss,val_loss,val_psnr,val_reconstruction,val_kl,val_elbo,lr,time_s")
        #expect(FileManager.default.fileExists(atPath: vaeRun.appendingPathComponent("samples/epoch_001_generated.png").path))
        #expect(FileManager.default.fileExists(atPath: vaeRun.appendingPathComponent("samples/epoch_001_reconstructions.png").path))

        let weights = run.appendingPathComponent("weights/best.safetensors").path
        let image = root.appendingPathComponent("images/dark/dark0.pgm").path
        let denoised = try runPercept(["autoencoder", "denoise", image, "--weights", weights, "--out", root.appendingPathComponent("denoised").path,
                                       "--noise", "gaussian:0.3", "--json"])
        #expect(denoised.status == 0, "\(denoised.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(denoised.stdout.utf8)) as? [String: Any])
        let entry = try #require((document["images"] as? [[String: Any]])?.first)
        #expect(entry["psnr"] is Double && entry["psnr_noisy"] is Double)
        for file in ["dark0.png", "dark0_noisy.png"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("denoised/" + file).path), "\(file) is missing")
        }
        let reconstructed = try runPercept(["autoencoder", "reconstruct", image, "--weights", weights, "--out", root.appendingPathComponent("recon").path])
        #expect(reconstructed.status == 0 && reconstructed.stdout.contains("PSNR"), "\(reconstructed.stderr)")

        let vaeWeights = vaeRun.appendingPathComponent("weights/last.safetensors").path
        let generated = try runPercept(["autoencoder", "generate", "--weights", vaeWeights, "--count", "6", "--out", root.appendingPathComponent("gen").path])
        #expect(generated.status == 0, "\(generated.stderr)")
        for file in ["grid.png", "sample_000.png", "sample_005.png"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("gen/" + file).path), "\(file) is missing")
        }
        let light = root.appendingPathComponent("images/light/light0.pgm").path
        let walked = try runPercept(["autoencoder", "generate", "--weights", weights, "--interpolate", image, light, "--steps", "4",
                                     "--out", root.appendingPathComponent("walk").path])
        #expect(walked.status == 0, "\(walked.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("walk/step_003.png").path))
        let notVAE = try runPercept(["autoencoder", "generate", "--weights", weights, "--out", root.appendingPathComponent("nogen").path])
        #expect(notVAE.status == 2 && notVAE.stderr.contains("needs a VAE"))

        let embedded = try runPercept(["autoencoder", "embed", "--weights", vaeWeights, "--data", root.appendingPathComponent("images").path,
                                       "--out", root.appendingPathComponent("embed").path])
        #expect(embedded.status == 0, "\(embedded.stderr)")
        let rows = try String(contentsOf: root.appendingPathComponent("embed/embeddings.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.first?.hasPrefix("label,class,e0,e1") == true && rows.count == 5)
        for file in ["embeddings.safetensors", "projection.png"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("embed/" + file).path), "\(file) is missing")
        }
    }

    @Test("a --noise spec that does not parse is a usage error naming the flag and the spec", arguments: ["gaussian", "gaussian:x", "speckle:0.2"])
    func badNoise(spec: String) throws {
        let result = try runPercept(["autoencoder", "train", "--model", "conv_ae", "--data", "fashion-mnist", "--noise", spec])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--noise '\(spec)'"), "\(result.stderr)")
    }

    @Test("a gray model given an RGB image is an error naming the image; the other images are still written")
    func grayModelRGBImage() throws {
        let root = try ClassifyFixtures.imageFolder(side: 12)
        defer { try? FileManager.default.removeItem(at: root) }
        let trained = try Self.train(root, model: "ae", name: "ae")
        #expect(trained.status == 0, "\(trained.stderr)")
        var ppm = Array("P6\n12 12\n255\n".utf8)
        ppm += (0..<(12 * 12 * 3)).map { UInt8($0 % 251) }
        let rgb = root.appendingPathComponent("colour.ppm")
        try Data(ppm).write(to: rgb)
        let gray = root.appendingPathComponent("images/dark/dark1.pgm").path
        let result = try runPercept(["autoencoder", "reconstruct", rgb.path, gray, "--weights",
                                     root.appendingPathComponent("runs/autoencoder/ae/weights/best.safetensors").path,
                                     "--out", root.appendingPathComponent("out").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(rgb.path): error: ae takes gray (1-channel) images, this one is RGB (3-channel)"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/dark1.png").path))
    }
}
