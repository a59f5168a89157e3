import ArgumentParser
import Foundation
import Percept

/// `percept autoencoder embed --weights W --data D --out DIR`: the codes of a dataset's
/// validation split (μ for a VAE) with their labels, as safetensors and CSV, and a 2-D PCA of
/// them drawn with class colours.
struct AutoencoderEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed a dataset with a trained autoencoder: embeddings.safetensors, embeddings.csv, projection.png (PCA).",
        discussion: """
        The data is read as `classify` reads --data; its validation split (Fashion-MNIST's test set,
        CIFAR's test batch, an image folder's val/ or the --val-split share) is embedded.
        embeddings.safetensors holds `embeddings` [N, latent] (float32) and `labels` [N] (int64).
        """
    )

    @Option(help: "Weights of a trained autoencoder.")
    var weights: String
    @OptionGroup var dataOptions: ValidationDataOptions
    @Option(help: "The folder to write into (must not exist or be empty, unless --force).")
    var out: String
    @Flag(help: "Replace a non-empty --out folder that Percept wrote.")
    var force = false

    func run() throws {
        let data = dataOptions.data
        let protected = OutputFolderCLI.inputs([weights] + (FileManager.default.fileExists(atPath: data) ? [data] : []))
        let output = try OutputFolderCLI.check(out, argument: "--out", protecting: protected, force: force)
        try ClassifyCLI.reportingErrors {
            let (model, description) = try AutoencoderCLI.load(weights)
            let size = description.configuration.imageSize
            let dataset = try dataOptions.load(size: size)
            let channels = ClassifyData.channels(dataset)
            guard channels == description.configuration.inputChannels else {
                throw ClassifyInputError(description: "\(data): error: \(description.name) in \(weights) takes \(description.configuration.inputChannels)-channel images; the data has \(channels) channels")
            }
            let loader = try dataOptions.validationLoader(dataset, size: size)
            var codes: [Float] = [], labels: [Int] = []
            var batches = loader.batches(epoch: 0)
            while let next = try batches.next() {
                let conditioning = model.conditionClasses > 0 ? next.target : nil
                codes += try AutoencoderInput.embedding(model, next.input, labels: conditioning).toArray()
                labels += next.target.toIntArray()
            }
            let width = model.latentFeatures
            let pca = try PrincipalComponents(rows: codes, features: width, components: min(2, width))
            var points = pca.project(codes)
            if width == 1 { points = points.flatMap { [$0, 0] } }
            let names = dataset.classNames
            let plot = try ProjectionPlot.draw(points: points, labels: labels, classNames: names,
                                               title: "\(description.name): PCA of \(labels.count) embeddings (\(width)-d)")
            try OutputFolderCLI.write(output, command: "percept autoencoder embed") { folder in
                try Tensor.saveSafetensors(["embeddings": Tensor(codes, shape: [labels.count, width]), "labels": Tensor(indices: labels)],
                                           metadata: ["weights": weights, "data": data, "classes": names.joined(separator: ",")],
                                           to: folder.appendingPathComponent("embeddings.safetensors").path)
                var csv = "label,class," + (0..<width).map { "e\($0)" }.joined(separator: ",") + "\n"
                for (row, label) in labels.enumerated() {
                    let name = label < names.count ? names[label] : String(label)
                    csv += "\(label),\(Self.csvField(name))," + codes[(row * width)..<((row + 1) * width)].map { String(format: "%.6g", $0) }.joined(separator: ",") + "\n"
                }
                try Data(csv.utf8).write(to: folder.appendingPathComponent("embeddings.csv"))
                try plot.write(to: folder.appendingPathComponent("projection.png"), format: .png)
            }
            print("\(labels.count) embeddings of width \(width) into \(output.location.path) (explained variance of the 2 components: "
                  + pca.variances.map { String(format: "%.4g", $0) }.joined(separator: ", ") + ")")
        }
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    private static func csvField(_ text: String) -> String {
        text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
