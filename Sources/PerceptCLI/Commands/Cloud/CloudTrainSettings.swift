import ArgumentParser
import Foundation
import Percept

/// The settings of `percept cloud train` beyond the shared training options: kept in the run's
/// `args.yaml` (keys below) so that `--resume` continues with them and refuses changed ones.
struct CloudTrainSettings: Equatable {
    /// The keys of `args.yaml` after the shared ones, with their defaults (nil: none or task-dependent).
    static let keys: [(key: String, defaultValue: String?)] = [
        ("task", nil), ("points", nil), ("features", "xyz"), ("label_map", nil), ("val", nil),
        ("tile", "10"), ("tiles_per_scan", "16"), ("class_weights", "auto"),
    ]

    var task: PointCloudTask.Kind
    /// Points per input.
    var points: Int
    var features: PointFeatures
    /// The SemanticKITTI label-map YAML (default: the data folder's).
    var labelMap: String?
    /// Validation scans of segmentation (default: held out from the data).
    var validation: String?
    /// The side of a segmentation tile in metres.
    var tile: Float
    var tilesPerScan: Int
    var classWeights: ClassWeighting

    /// Reads and checks the cloud keys of `arguments`; a bad value names its flag or its file.
    init(_ arguments: TrainingArguments) throws {
        let values = arguments.values
        guard let taskText = values["task"] else { throw arguments.invalid("task", expected: "classify or segment (--task is required)") }
        guard let task = PointCloudTask.Kind(rawValue: taskText) else { throw arguments.invalid("task", expected: "classify or segment") }
        self.task = task
        if let text = values["points"] {
            guard let points = Int(text), points >= 1 else { throw arguments.invalid("points", expected: "an integer ≥ 1") }
            self.points = points
        } else {
            points = task == .classify ? 1024 : 4096
        }
        do {
            features = try PointFeatures(parsing: values["features"] ?? "xyz")
        } catch {
            throw arguments.invalid("features", expected: "intensity, rgb, normal, comma-separated")
        }
        labelMap = values["label_map"]
        validation = values["val"]
        guard let tile = Float(values["tile"] ?? ""), tile > 0, tile.isFinite else { throw arguments.invalid("tile", expected: "a positive number of metres") }
        self.tile = tile
        guard let tiles = Int(values["tiles_per_scan"] ?? ""), tiles >= 1 else { throw arguments.invalid("tiles_per_scan", expected: "an integer ≥ 1") }
        tilesPerScan = tiles
        guard let weights = ClassWeighting(rawValue: values["class_weights"] ?? "") else { throw arguments.invalid("class_weights", expected: "auto, inverse or none") }
        classWeights = weights
    }
}
