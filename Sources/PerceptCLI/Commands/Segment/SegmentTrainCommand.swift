import ArgumentParser
import Foundation
import Percept

/// `percept segment train`: trains a segmentation model of the zoo into a run folder
/// (`runs/segment/train…`), with the training options every task shares.
struct SegmentTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a segmentation model; writes runs/segment/<name>/ (args.yaml, results.csv with val_miou, val_dice, val_pixel_accuracy, weights).",
        discussion: """
        --data is a folder with images/ and masks/ (class-id PNGs, gray or VOC colours) and classes.txt,
        each flat or split into train/ and val/ (as `percept dataset synth-shapes` writes), or a COCO,
        YOLO-segmentation, CVAT or Label Studio dataset whose polygons and RLE masks are drawn as masks.
        Segmentation's own defaults: --batch 8, --lr 0.002 with --schedule onecycle, --augment flip-rotate
        (random mirrors and quarter turns of image and mask; `--augment none` for upright photos such as
        street scenes, or a pipeline file) and --loss dice_bce (cross-entropy plus the class-averaged
        Dice); see README's Segmentation section for the runs behind them.
        Examples:
          percept dataset synth-shapes shapes
          percept segment train --model unet_s --data shapes --epochs 20
          percept segment train --model unet --data cells --binary --loss dice_bce --depth 3 --base-width 8
        """
    )

    @OptionGroup var options: TrainingOptions

    @Option(help: "ce|bce|dice|dice_bce|tversky|focal (default dice_bce: cross-entropy plus Dice; bce needs --binary).")
    var loss: String?
    @Option(name: .customLong("ignore-index"), help: "The mask value counted nowhere (default 255).")
    var ignoreIndex: String?
    @Option(name: .customLong("class-weights"), help: "Comma-separated weights of the cross-entropy terms, one per class, background first.")
    var classWeights: String?
    @Flag(help: "One sigmoid output for two-class data (background and foreground) instead of a two-class softmax.")
    var binary = false
    @Option(help: "U-Net pooling steps (default: the model's, 4).")
    var depth: String?
    @Option(name: .customLong("base-width"), help: "U-Net channels of the first block (default: the model's).")
    var baseWidth: String?
    @Option(help: "transpose|bilinear: how the U-Net decoder upsamples (default transpose).")
    var upsample: String?
    @Flag(help: "Print one JSON object per epoch on standard output instead of a summary line.")
    var json = false

    /// The segmentation options given on the command line, keyed as in `args.yaml`, and the
    /// shared options whose default differs for segmentation (``segmentDefaults``).
    var segmentArguments: CommandArguments {
        let pairs: [(String, String?)] = [
            ("loss", loss), ("ignore_index", ignoreIndex), ("class_weights", classWeights), ("binary", binary ? "true" : nil),
            ("depth", depth), ("base_width", baseWidth), ("upsample", upsample),
        ]
        return CommandArguments(keys: SegmentTrainSettings.keys,
                                given: Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } }),
                                sharedDefaults: Self.segmentDefaults)
    }

    /// Segmentation's defaults of shared options, each chosen on synth-shapes (README, Segmentation):
    /// `batch` 8 (a thousand images give 120 steps an epoch, where a U-Net needs thousands of steps
    /// to tell the shapes apart), `lr` 0.002 with the `onecycle` schedule (a warm-up over 30 % of
    /// the steps, then a cosine down to nearly 0, so the last epochs settle instead of swinging),
    /// and `augment` `flip-rotate` (``SegmentAugmentation``).
    static let segmentDefaults = ["batch": "8", "lr": "0.002", "schedule": "onecycle", "augment": SegmentAugmentation.flipRotate]

    func run() throws {
        try ClassifyCLI.reportingErrors(train)
    }

    private func train() throws {
        let (arguments, resumed) = try TrainingArguments.resolve(options, command: segmentArguments)
        let segment = try SegmentTrainSettings(arguments)
        Tensor.manualSeed(arguments.seed)
        let data = try SegmentCLI.data(arguments.data, channels: nil, imageSize: arguments.imageSize, validationSplit: arguments.validationSplit,
                                       seed: arguments.seed, ignoreIndex: segment.ignoreIndex)
        let side = try arguments.imageSize ?? data.train.pair(at: 0).image.height
        let (model, description) = try SegmentCLI.model(arguments.model, data: data, imageSize: side, binary: segment.binary,
                                                        options: segment.modelOptions)
        if let classWeights = segment.classWeights, classWeights.count != data.classNames.count {
            throw ValidationError("--class-weights gives \(classWeights.count) weights; the data has \(data.classNames.count) classes (\(data.classNames.joined(separator: ", ")))")
        }
        let augment = try SegmentAugmentation.transform(arguments.augment)
        let training = try DataLoader(data.train, batchSize: arguments.batch, seed: arguments.seed, workers: arguments.workers,
                                      name: arguments.data, transform: augment)
        let validation = data.validation.count > 0
            ? try DataLoader(data.validation, batchSize: arguments.batch, sampler: .sequential, workers: arguments.workers, name: arguments.data)
            : nil
        let run = try resumed ?? RunFolder.create(project: arguments.project, task: "segment", name: arguments.name)
        if resumed == nil { try RunFolder.write(arguments.yaml, to: run.argumentsFile) }

        let task = SegmentationTask(classes: description.configuration.numClasses, loss: segment.loss,
                                    ignoreIndex: segment.ignoreIndex, classWeights: segment.classWeights)
        let trainer = try Trainer(model: model, description: description, task: task, training: training, validation: validation,
                                  settings: arguments.settings, weightsFolder: run.weightsFolder)
        if resumed != nil { try trainer.resume(from: run.lastWeights) }
        try TrainingConsole.train(trainer, run: run, resuming: resumed != nil, json: json, command: "segment",
                                  what: "\(description.name) on \(data.train.count) images (\(data.validation.count) for validation), \(data.classNames.count) classes")
    }
}
