import ArgumentParser
import Foundation
import Percept

/// The settings of `percept detect train` beyond the shared training options, kept in the run's
/// `args.yaml` (keys below) so that `--resume` augments and averages as the run began, and the
/// shared options whose detection default is Ultralytics' (`optimizer=auto` for a short run).
struct DetectTrainSettings: Equatable {
    /// The keys of `args.yaml` after the shared ones, with Ultralytics' defaults.
    static let keys: [(key: String, defaultValue: String?)] = [
        ("close_mosaic", "10"), ("mosaic", "1.0"), ("fliplr", "0.5"), ("degrees", "0.0"), ("translate", "0.1"), ("scale", "0.5"),
        ("hsv_h", "0.015"), ("hsv_s", "0.7"), ("hsv_v", "0.4"), ("ema", "true"), ("strict", "false"), ("backbone_weights", nil),
    ]

    /// The shared options whose detection default differs from the shared one: Ultralytics'
    /// batch 16, image size 640, AdamW (its `optimizer=auto` below 10,000 steps), weight decay
    /// 5e-4, three warm-up epochs and the linear decay to 1 % of the rate. The learning rate
    /// depends on the class count (``automaticLearningRate(classes:)``).
    static let sharedDefaults = ["batch": "16", "imgsz": "640", "optimizer": "adamw", "weight_decay": "0.0005",
                                 "warmup_epochs": "3", "schedule": "linear"]

    /// Twice Ultralytics' `optimizer=auto` learning rate for AdamW, 0.002 · 5 / (4 + classes)
    /// rounded to 6 places. Ultralytics steps once per 64 images (it accumulates four batches of
    /// 16); Percept steps after every batch, and at twice that rate its 30-epoch synth-detect run
    /// validated better from the third epoch on (README, "Quality, 30 epochs from scratch").
    static func automaticLearningRate(classes: Int) -> Double {
        2 * (0.002 * 5 / Double(4 + classes) * 1e6).rounded() / 1e6
    }

    /// The last epochs trained without mosaic.
    var closeMosaic: Int
    /// The weights are averaged (EMA, decay 0.9999 ramped over τ = 2000 updates).
    var averagesWeights: Bool
    /// Weights for another class count are an error instead of getting a new head.
    var strict: Bool
    /// A resnet18 classifier's weights that start a new `yolov8_resnet18`'s backbone (`--backbone-weights`).
    var backboneWeights: String?
    /// Mosaic, affine, colour and flip settings.
    var mosaic: Double, flip: Double, degrees: Double, translate: Double, scale: Double
    var hue: Double, saturation: Double, value: Double

    /// Reads and checks the detection keys of `arguments`; a bad value names its flag or its file.
    init(_ arguments: TrainingArguments) throws {
        let values = arguments.values
        func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double {
            guard let value = Double(values[key] ?? ""), range.contains(value) else {
                throw arguments.invalid(key, expected: "a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func flag(_ key: String) throws -> Bool {
            guard let value = Bool(values[key] ?? "") else { throw arguments.invalid(key, expected: "true or false") }
            return value
        }
        guard let closeMosaic = Int(values["close_mosaic"] ?? ""), closeMosaic >= 0 else {
            throw arguments.invalid("close_mosaic", expected: "an integer ≥ 0")
        }
        self.closeMosaic = closeMosaic
        mosaic = try number("mosaic", 0...1)
        flip = try number("fliplr", 0...1)
        degrees = try number("degrees", 0...180)
        translate = try number("translate", 0...0.5)
        scale = try number("scale", 0...0.99)
        hue = try number("hsv_h", 0...0.5)
        saturation = try number("hsv_s", 0...1)
        value = try number("hsv_v", 0...1)
        averagesWeights = try flag("ema")
        strict = try flag("strict")
        backboneWeights = values["backbone_weights"]
    }

    /// The training augmentation for `imageSize` inputs.
    func augmentation(imageSize: Int) throws -> DetectionAugmentation {
        try DetectionAugmentation(imageSize: imageSize, mosaicProbability: mosaic, degrees: degrees, translate: translate, scale: scale,
                                  hue: hue, saturation: saturation, value: value, flipHorizontal: flip)
    }

    /// The trainer's settings: the shared ones with Ultralytics' weight average when on.
    func trainerSettings(_ arguments: TrainingArguments) -> TrainerSettings {
        var settings = arguments.settings
        if averagesWeights {
            settings.emaDecay = 0.9999
            settings.emaRamp = 2000
        }
        return settings
    }
}
