import ArgumentParser
import Foundation
import Percept

/// `percept detect train`: trains a YOLO detector on a YOLO `data.yaml` or COCO folder into a run
/// folder (`runs/detect/train…`), with Ultralytics' augmentation (mosaic closed for the last
/// epochs, affine, HSV, flip), weight average and defaults, and the training options every task shares.
struct DetectTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a YOLO detector; writes runs/detect/<name>/ (args.yaml, results.csv with val_map50, val_map, val_precision, val_recall, weights).",
        discussion: """
        --data is a YOLO data.yaml (or its folder) or a COCO folder with train/ and val/ image folders
        (as `percept dataset synth-detect` writes); class names come from the dataset, images with empty
        label files are background images. --model is yolov8n, yolov8s, yolov3n (YOLOv3's anchor head) or
        yolov8_resnet18, or weights to start from (an Ultralytics .pt or Percept .safetensors; weights for
        another class count get a new head, with a notice, unless --strict). --backbone-weights W starts
        yolov8_resnet18's backbone from a resnet18 classifier (classify train's weights or a torchvision
        .pth; fc.* is left out, every other tensor must fit); --freeze backbone keeps it as it is.
        args.yaml records W; --resume takes the backbone from the run's checkpoint, not from W.
        Detection's defaults follow Ultralytics' optimizer=auto for short runs: --batch 16, --imgsz 640,
        --optimizer adamw, --weight-decay 0.0005, --warmup-epochs 3,
        --schedule linear (to 1% of --lr), weight average on (--no-ema turns it off); --lr is twice
        Ultralytics' 0.002·5/(4+classes), as Percept steps after every batch and Ultralytics every 64 images.
        --freeze first-modules:10 is Ultralytics' freeze=10. The weights carry the architecture and class
        names, so `detect val` and `detect predict` need nothing else.
        Examples:
          percept dataset synth-detect shapes
          percept detect train --data shapes/data.yaml --model yolov8n --imgsz 320 --epochs 30
          percept detect train --data coco-folder --model yolov8n.pt --freeze first-modules:10
          percept detect train --data shapes --model yolov8_resnet18 --backbone-weights resnet18.pth --freeze backbone
        """
    )

    @OptionGroup var options: TrainingOptions

    @Option(name: .customLong("close-mosaic"), help: "Train the last N epochs without mosaic (default 10).")
    var closeMosaic: String?
    @Option(help: "The chance of a mosaic of four images (default 1).")
    var mosaic: String?
    @Option(help: "The chance of a horizontal flip (default 0.5).")
    var fliplr: String?
    @Option(help: "The largest rotation in degrees (default 0).")
    var degrees: String?
    @Option(help: "The largest shift as a fraction of the input (default 0.1).")
    var translate: String?
    @Option(help: "The largest change of scale, factors 1 ± SCALE (default 0.5).")
    var scale: String?
    @Option(name: .customLong("hsv-h"), help: "The largest hue change, a fraction (default 0.015).")
    var hsvH: String?
    @Option(name: .customLong("hsv-s"), help: "The largest saturation change, a fraction (default 0.7).")
    var hsvS: String?
    @Option(name: .customLong("hsv-v"), help: "The largest value change, a fraction (default 0.4).")
    var hsvV: String?
    @Option(name: .customLong("backbone-weights"), help: "With --model yolov8_resnet18: a resnet18 classifier's weights (classify train's .safetensors or a torchvision .pth) that start its backbone.")
    var backboneWeights: String?
    @Flag(name: .customLong("no-ema"), help: "Validate and save the raw weights instead of their moving average.")
    var noEMA = false
    @Flag(help: "Refuse weights for another number of classes instead of replacing their head.")
    var strict = false
    @Flag(help: "Print one JSON object per epoch on standard output instead of a summary line.")
    var json = false

    /// The detection options given on the command line, keyed as in `args.yaml`.
    var detectArguments: CommandArguments {
        let pairs: [(String, String?)] = [
            ("close_mosaic", closeMosaic), ("mosaic", mosaic), ("fliplr", fliplr), ("degrees", degrees), ("translate", translate),
            ("scale", scale), ("hsv_h", hsvH), ("hsv_s", hsvS), ("hsv_v", hsvV), ("ema", noEMA ? "false" : nil), ("strict", strict ? "true" : nil),
            ("backbone_weights", backboneWeights),
        ]
        return CommandArguments(keys: DetectTrainSettings.keys,
                                given: Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } }),
                                sharedDefaults: DetectTrainSettings.sharedDefaults)
    }

    func run() throws {
        try ClassifyCLI.reportingErrors(train)
    }

    private func train() throws {
        let (arguments, resumed) = try TrainingArguments.resolve(options, command: detectArguments)
        let session = try DetectTraining(arguments, resumed: resumed, automaticRate: !Self.setsLearningRate(options), notice: ClassifyCLI.printError)
        let classes = session.train.classNames.count
        try TrainingConsole.train(session.trainer, run: session.run, resuming: resumed != nil, json: json, command: "detect",
                                  what: "\(session.description.name) on \(session.train.count) images (\(session.validation.count) for validation), \(classes) classes, lr \(session.arguments.learningRate)")
    }

    /// Whether the flags or the `--cfg` file set the learning rate (else Ultralytics' automatic one is used).
    static func setsLearningRate(_ options: TrainingOptions) throws -> Bool {
        guard options.lr == nil else { return true }
        return try options.cfg.map { try TrainingArguments.readFile($0, commandKeys: DetectTrainSettings.keys.map(\.key))["lr"] != nil } ?? false
    }
}
