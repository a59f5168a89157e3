import ArgumentParser
import Foundation
import Percept

/// `percept autoencoder generate --weights W --count 64 --out DIR`: new images from a VAE's
/// prior (a grid and the single images), for one class of a conditional VAE with `--class`,
/// or a walk through the latent space between two images with `--interpolate A B --steps 8`.
struct AutoencoderGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate images with a trained VAE, or interpolate between two images in latent space.",
        discussion: """
        Writes OUT/grid.png and OUT/sample_000.png …; with --interpolate A B, OUT/interpolation.png
        (A's reconstruction to B's in --steps images) and OUT/step_000.png …. Codes are drawn from
        N(0, 1) with --seed. A conditional VAE (cvae) generates --class (a class index or name), or
        every class in turn without it.
        """
    )

    @Option(help: "Weights of a trained VAE (or of any autoencoder, with --interpolate).")
    var weights: String
    @Option(help: "How many images to generate (default 64).")
    var count = 64
    @Option(help: "The folder to write PNGs into (must not exist or be empty, unless --force).")
    var out: String
    @Option(name: .customLong("class"), help: "The class of a conditional VAE: an index or a class name.")
    var classLabel: String?
    @Option(parsing: .upToNextOption, help: "Two images to interpolate between (A B).")
    var interpolate: [String] = []
    @Option(help: "Images on the interpolation path, ends included (default 8).")
    var steps = 8
    @Option(help: "The seed of the codes (default 0).")
    var seed: UInt64 = 0
    @Flag(help: "Replace a non-empty --out folder that Percept wrote.")
    var force = false

    func validate() throws {
        guard (1...4096).contains(count) else { throw ValidationError("--count must be between 1 and 4096, got \(count)") }
        guard interpolate.isEmpty || interpolate.count == 2 else {
            throw ValidationError("--interpolate takes two images, A and B; got \(interpolate.count)")
        }
        guard (2...256).contains(steps) else { throw ValidationError("--steps must be between 2 and 256, got \(steps)") }
    }

    func run() throws {
        let output = try OutputFolderCLI.check(out, argument: "--out", protecting: OutputFolderCLI.inputs(interpolate + [weights]), force: force)
        try ClassifyCLI.reportingErrors {
            let (model, description) = try AutoencoderCLI.load(weights)
            let label = try classIndex(model: model, description: description)
            let images: Tensor, grid: (name: String, columns: Int), stem: String
            if interpolate.isEmpty {
                guard model.isVariational else {
                    throw ValidationError("\(weights) is a \(description.name), which has no prior to sample; generate needs a VAE, or use --interpolate A B")
                }
                var generator = RandomGenerator(seed: seed)
                let codes = Tensor.randomNormal([count, model.latentFeatures], generator: &generator)
                let labels = model.conditionClasses > 0
                    ? try Tensor(indices: (0..<count).map { label ?? $0 % model.conditionClasses }) : nil
                images = try withoutGrad { try model.decodeLogits(codes, labels: labels).sigmoid() }
                grid = ("grid.png", Int(Double(count).squareRoot().rounded(.up)))
                stem = "sample_"
            } else {
                let inputs = try Tensor.stack(interpolate.map { try AutoencoderCLI.input($0, for: description) })
                let labels = try label.map { try Tensor(indices: Array(repeating: $0, count: 2)) }
                let codes = try withoutGrad { try model.encode(inputs, labels: labels).mean }.toArray()
                let width = model.latentFeatures
                var path: [Float] = []
                for step in 0..<steps {
                    let t = Float(step) / Float(steps - 1)
                    path += (0..<width).map { (1 - t) * codes[$0] + t * codes[width + $0] }
                }
                let pathLabels = try label.map { try Tensor(indices: Array(repeating: $0, count: steps)) }
                images = try withoutGrad { try model.decodeLogits(Tensor(path, shape: [steps, width]), labels: pathLabels).sigmoid() }
                grid = ("interpolation.png", steps)
                stem = "step_"
            }
            try OutputFolderCLI.write(output, command: "percept autoencoder generate") { folder in
                try ImageGrid.make(images, columns: grid.columns).write(to: folder.appendingPathComponent(grid.name), format: .png)
                for (index, image) in try images.split(size: 1, axis: 0).enumerated() {
                    try AutoencoderCLI.writePNG(image.squeezed(0), to: folder.appendingPathComponent(stem + String(format: "%03d.png", index)))
                }
            }
            print("\(images.shape[0]) images into \(output.location.path) (\(grid.name))")
        }
    }

    /// `--class` as an index of the conditional model's classes; nil without it.
    private func classIndex(model: any Autoencoder, description: ModelDescription) throws -> Int? {
        guard let classLabel else { return nil }
        guard model.conditionClasses > 0 else {
            throw ValidationError("--class needs a conditional VAE (cvae); \(weights) is a \(description.name)")
        }
        if let index = Int(classLabel), (0..<model.conditionClasses).contains(index) { return index }
        if let index = description.classNames.firstIndex(of: classLabel) { return index }
        throw ValidationError("--class '\(classLabel)' is neither an index below \(model.conditionClasses) nor one of: \(description.classNames.joined(separator: ", "))")
    }
}
