import ArgumentParser
import Foundation
import Percept

/// `percept classify predict IMAGES… --weights W`: the top classes of each image with their
/// probabilities, preprocessed as in training (channels, size and normalisation from the file).
struct ClassifyPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images with trained weights: the top classes and their probabilities.",
        discussion: """
        IMAGES are files, folders (searched recursively) or quoted globs. With --out DIR the
        predictions are also written to DIR/predictions.json (DIR must not exist or be empty).
        Exit 1 when an image cannot be read (the others are still classified).
        """
    )

    @Argument(help: "Images, folders or glob patterns.")
    var images: [String]

    @Option(help: "Weights of a trained classifier (best.safetensors or last.safetensors of a run).")
    var weights: String

    @Option(name: .customLong("top-k"), help: "How many classes to list per image (default 5).")
    var topK = 5

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    @Option(help: "A folder to write predictions.json into.")
    var out: String?

    @Flag(help: "Write into a non-empty --out folder.")
    var force = false

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1, got \(topK)") }
        guard !images.isEmpty else { throw ValidationError("name at least one image, folder or pattern") }
    }

    func run() throws {
        let files = try ImageFiles.expand(images)
        guard !files.isEmpty else { throw CommandOutput.usage(file: images.joined(separator: " "), "no images found") }
        if let out { try CommandOutput.prepareFolder(out, inputs: files, force: force) }
        let trained: TrainedModel
        do {
            trained = try TrainedModel.load(weights)
        } catch {
            ClassifyCLI.fail(ClassifyCLI.message(error))
        }
        var results: [[String: Any]] = [], failures = 0
        for file in files {
            do {
                let probabilities = try trained.probabilities(ofImageAt: file.path)
                let ranked = TrainedModel.topClasses(probabilities, count: topK)
                let names = trained.description.classNames
                results.append(["file": file.path, "top": ranked.map { ["class": names[$0], "index": $0, "score": Double(probabilities[$0])] }])
                if !json {
                    print(file.path + ": " + ranked.map { "\(names[$0]) " + String(format: "%.3f", probabilities[$0]) }.joined(separator: ", "))
                }
            } catch {
                CommandOutput.problem(file: file.path, kind: "error", "\(error)")
                failures += 1
            }
        }
        let document = try JSONSerialization.data(withJSONObject: ["weights": weights, "predictions": results], options: [.sortedKeys, .prettyPrinted])
        if json { print(String(decoding: document, as: UTF8.self)) }
        if let out { try RunFolder.write(String(decoding: document, as: UTF8.self) + "\n", to: (out as NSString).appendingPathComponent("predictions.json")) }
        if failures > 0 { throw ExitCode(1) }
    }
}
