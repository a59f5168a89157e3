import ArgumentParser
import Foundation
import Percept

/// The arguments of `reconstruct` and `denoise`: images in, a trained autoencoder, a folder out.
struct AutoencoderImageOptions: ParsableArguments {
    @Argument(help: "Images, folders or glob patterns.")
    var images: [String]
    @Option(help: "Weights of a trained autoencoder (best.safetensors or last.safetensors of a run).")
    var weights: String
    @Option(help: "The folder to write PNGs into (must not exist or be empty, unless --force).")
    var out: String
    @Flag(help: "Replace a non-empty --out folder that Percept wrote.")
    var force = false
    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one image, folder or pattern") }
    }

    /// Runs every image through the model and writes the results: for each image `NAME.png`
    /// (the model's output), and with `noise` first `NAME_noisy.png` (the corrupted input). Prints
    /// the PSNR against the image as read; exit 1 when an image cannot be read or does not fit.
    func run(noise: [ImageNoise], seed: UInt64, command: String) throws {
        let files = try ImageFiles.expand(images)
        guard !files.isEmpty else { throw CommandOutput.usage(file: images.joined(separator: " "), "no images found") }
        let output = try OutputFolderCLI.check(out, argument: "--out", protecting: OutputFolderCLI.inputs(images + [weights]), force: force)
        let (model, description): (any Autoencoder, ModelDescription)
        do {
            (model, description) = try AutoencoderCLI.load(weights)
        } catch {
            ClassifyCLI.fail(ClassifyCLI.message(error))
        }
        var results: [[String: Any]] = [], failures = 0
        let names = AutoencoderCLI.outputNames(files)
        try OutputFolderCLI.write(output, command: command) { folder in
            for (index, (file, name)) in zip(files, names).enumerated() {
                do {
                    let clean = try AutoencoderCLI.input(file.path, for: description).unsqueezed(0)
                    var generator = RandomGenerator(seed: seed &+ UInt64(index))
                    let input = try ImageNoise.apply(noise, to: clean, generator: &generator)
                    let result = try withoutGrad { try model.reconstruct(input) }
                    if !noise.isEmpty {
                        try AutoencoderCLI.writePNG(input.squeezed(0), to: folder.appendingPathComponent(String(name.dropLast(4)) + "_noisy.png"))
                    }
                    try AutoencoderCLI.writePNG(result.squeezed(0), to: folder.appendingPathComponent(name))
                    var entry: [String: Any] = ["file": file.path, "output": output.location.appendingPathComponent(name).path,
                                                "psnr": try PeakSignalToNoise.perImage(result, clean)[0]]
                    if !noise.isEmpty { entry["psnr_noisy"] = try PeakSignalToNoise.perImage(input, clean)[0] }
                    results.append(entry)
                    if !json {
                        let noisy = (entry["psnr_noisy"] as? Double).map { String(format: ", noisy input %.2f dB", $0) } ?? ""
                        print("\(file.path) → \(name): PSNR " + String(format: "%.2f dB", entry["psnr"] as? Double ?? 0) + noisy)
                    }
                } catch {
                    CommandOutput.problem(file: file.path, kind: "error", "\(error)".replacingOccurrences(of: "\(file.path): error: ", with: ""))
                    failures += 1
                }
            }
        }
        if json {
            let document = try JSONSerialization.data(withJSONObject: ["weights": weights, "images": results], options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: document, as: UTF8.self))
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// `percept autoencoder reconstruct IMAGES… --weights W --out DIR`: each image through the
/// autoencoder (the mean code, for a VAE), written as a PNG of the model's size.
struct AutoencoderReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Reconstruct images with a trained autoencoder; prints each reconstruction's PSNR."
    )

    @OptionGroup var options: AutoencoderImageOptions

    func run() throws { try options.run(noise: [], seed: 0, command: "percept autoencoder reconstruct") }
}

/// `percept autoencoder denoise IMAGES… --weights W --out DIR [--noise SPEC]`: noisy images
/// cleaned by a denoising autoencoder; `--noise` first corrupts clean images (to see what the
/// model does) and also writes the corrupted inputs.
struct AutoencoderDenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Denoise images with an autoencoder trained with --noise.",
        discussion: """
        With --noise SPEC (as `autoencoder train` takes it) each image is first corrupted, written as
        NAME_noisy.png beside the denoised NAME.png, and both PSNRs against the clean image are printed.
        """
    )

    @OptionGroup var options: AutoencoderImageOptions
    @Option(help: "Corrupt the images first (repeatable): gaussian:SIGMA, salt-pepper:AMOUNT or cutout:FRACTION.")
    var noise: [String] = []
    @Option(help: "The seed of that noise (default 0).")
    var seed: UInt64 = 0

    func validate() throws { _ = try AutoencoderCLI.noise(noise) }

    func run() throws { try options.run(noise: try AutoencoderCLI.noise(noise), seed: seed, command: "percept autoencoder denoise") }
}
