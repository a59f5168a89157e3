import ArgumentParser
import Foundation
import Percept

/// `percept segment predict IMAGES… --weights W… --out DIR`: a class-id mask PNG and an
/// overlay PNG per image (or COCO RLE JSON with `--format rle`); several weights files average
/// their probabilities (an ensemble).
struct SegmentPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Segment images with trained weights: class-id mask PNGs and overlays, or COCO RLE JSON.",
        discussion: """
        IMAGES are files, folders (searched recursively) or quoted globs. For each image DIR gets
        STEM_mask.png (class ids, 0 background) and STEM_overlay.png (classes coloured over the image);
        --format rle writes DIR/predictions.json instead (COCO results: one RLE per class present,
        image_id counting images from 1, category_id the class id, score the mean probability).
        Repeat --weights to average the probabilities of several models trained on the same classes.
        Exit 1 when an image cannot be read (the others are still segmented).
        """
    )

    @Argument(help: "Images, folders or glob patterns.")
    var images: [String]
    @Option(help: "Weights of a trained segmentation model; repeat for an ensemble.")
    var weights: [String] = []
    @Option(help: "The output folder (must not exist or be empty unless --force).")
    var out: String
    @Option(help: "png (masks and overlays, default) or rle (COCO RLE JSON).")
    var format = "png"
    @Option(help: "Resize images to this square side before the model, and the masks back (default: as they are).")
    var imgsz: Int?
    @Flag(help: "Write into a non-empty --out folder.")
    var force = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one image, folder or pattern") }
        guard !weights.isEmpty else { throw ValidationError("--weights is required") }
        guard ["png", "rle"].contains(format) else { throw ValidationError("--format must be png or rle, got \(format)") }
        if let imgsz, imgsz < 1 { throw ValidationError("--imgsz must be at least 1, got \(imgsz)") }
    }

    func run() throws {
        let files = try ImageFiles.expand(images)
        guard !files.isEmpty else { throw CommandOutput.usage(file: images.joined(separator: " "), "no images found") }
        var models: [TrainedModel] = []
        try ClassifyCLI.reportingErrors { models = try loadModels() }
        try CommandOutput.prepareFolder(out, inputs: files, force: force)
        let channels = models[0].description.configuration.inputChannels
        var results: [Annotation] = [], failures = 0
        for (number, file) in files.enumerated() {
            do {
                let image = try SegmentationDataset.modelImage(file.path, channels: channels)
                let resized = try SegmentationPrediction.modelInput(image, imageSize: imgsz)
                let probabilities = try SegmentationPrediction.probabilities(resized.tensor().unsqueezed(0), models: models)
                let ids = try SegmentationPrediction.classIDs(probabilities, size: image.size)
                let stem = file.deletingPathExtension().lastPathComponent
                if format == "rle" {
                    results += try SegmentationPrediction.annotations(ids, size: image.size, imageID: number + 1, probabilities: probabilities)
                } else {
                    let folder = URL(fileURLWithPath: out)
                    try Image(width: image.width, height: image.height, channels: 1, samples: .uint8(ids))
                        .write(to: folder.appendingPathComponent(stem + "_mask.png"))
                    try SegmentationOverlay.overlay(Image(contentsOf: file), classIDs: ids).write(to: folder.appendingPathComponent(stem + "_overlay.png"))
                    print("\(file.path): " + classSummary(ids, names: SegmentationPrediction.classNames(models[0].description)))
                }
            } catch {
                // Data errors already carry the file; print their message after it once.
                CommandOutput.problem(file: file.path, kind: "error", (error as? DataError)?.message ?? "\(error)")
                failures += 1
            }
        }
        if format == "rle" {
            try RunFolder.write(String(decoding: COCOWriter.encodeResults(results), as: UTF8.self) + "\n",
                                to: (out as NSString).appendingPathComponent("predictions.json"))
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The weights files, which must agree on input channels and classes.
    private func loadModels() throws -> [TrainedModel] {
        let models = try weights.map(TrainedModel.load)
        let first = models[0].description
        for (file, model) in zip(weights, models).dropFirst() {
            let configuration = model.description.configuration
            guard configuration.inputChannels == first.configuration.inputChannels,
                  max(configuration.numClasses, 2) == max(first.configuration.numClasses, 2) else {
                throw ClassifyInputError(description: "\(file): error: an ensemble needs models of one kind: this one has \(configuration.inputChannels) input channels and \(configuration.numClasses) outputs, \(weights[0]) has \(first.configuration.inputChannels) and \(first.configuration.numClasses)")
            }
        }
        return models
    }

    /// The share of the image each class covers, largest first.
    private func classSummary(_ ids: [UInt8], names: [String]) -> String {
        var counts: [Int: Int] = [:]
        for id in ids { counts[Int(id), default: 0] += 1 }
        return counts.sorted { $0.value > $1.value }.map { id, count in
            (names.indices.contains(id) ? names[id] : "class\(id)") + " " + String(format: "%.1f%%", 100 * Double(count) / Double(max(ids.count, 1)))
        }.joined(separator: ", ")
    }
}
