import ArgumentParser
import Foundation
import Percept

/// The settings of `percept segment train` beyond the shared training options: kept in the run's
/// `args.yaml` (keys below) so that `--resume` rebuilds the same U-Net and trains on with the same
/// loss, and refuses changed ones.
struct SegmentTrainSettings: Equatable {
    /// The keys of `args.yaml` after the shared ones, with their defaults (nil: the model's own).
    static let keys: [(key: String, defaultValue: String?)] = [
        ("loss", SegmentationLoss.diceCrossEntropy.rawValue), ("ignore_index", "255"), ("class_weights", nil), ("binary", "false"),
        ("depth", nil), ("base_width", nil), ("upsample", nil),
    ]

    var loss: SegmentationLoss
    /// The mask value counted nowhere.
    var ignoreIndex: Int
    /// Weights of the cross-entropy terms, one per class, background first.
    var classWeights: [Float]?
    /// One sigmoid output for two-class data.
    var binary: Bool
    /// The U-Net options given (`depth`, `base_width`, `bilinear`), over the shared `--model-options`.
    var modelOptions: [String: Double]

    /// Reads and checks the segmentation keys of `arguments`; a bad value names its flag or its file.
    init(_ arguments: TrainingArguments) throws {
        let values = arguments.values
        guard let loss = SegmentationLoss(rawValue: values["loss"] ?? "") else {
            throw arguments.invalid("loss", expected: SegmentationLoss.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.loss = loss
        guard let ignoreIndex = Int(values["ignore_index"] ?? ""), (0...255).contains(ignoreIndex) else {
            throw arguments.invalid("ignore_index", expected: "an integer in 0...255")
        }
        self.ignoreIndex = ignoreIndex
        classWeights = try values["class_weights"].map { text in
            let weights = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard !weights.isEmpty, weights.count == text.split(separator: ",").count, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw arguments.invalid("class_weights", expected: "comma-separated numbers ≥ 0")
            }
            return weights
        }
        guard let binary = Bool(values["binary"] ?? "") else { throw arguments.invalid("binary", expected: "true or false") }
        self.binary = binary
        var options = arguments.modelOptions
        for key in ["depth", "base_width"] {
            guard let text = values[key] else { continue }
            guard let count = Int(text), count >= 1 else { throw arguments.invalid(key, expected: "an integer ≥ 1") }
            options[key] = Double(count)
        }
        if let upsample = values["upsample"] {
            guard ["transpose", "bilinear"].contains(upsample) else { throw arguments.invalid("upsample", expected: "transpose or bilinear") }
            options["bilinear"] = upsample == "bilinear" ? 1 : 0
        }
        modelOptions = options
    }
}
