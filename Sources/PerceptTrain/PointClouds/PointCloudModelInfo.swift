import Foundation
import PerceptData

/// What a point-cloud model was trained on, kept in its weights (`percept.cloud`) so `val` and
/// `predict` prepare scans the same way: the task, the per-point fields, the points per input,
/// the tile size of segmentation and its label map.
public struct PointCloudModelInfo: Equatable, Sendable {
    /// Classification or segmentation.
    public var task: PointCloudTask.Kind
    /// The channels per point.
    public var features: PointFeatures
    /// Points per input.
    public var points: Int
    /// The side of a segmentation tile in metres.
    public var tileSize: Float
    /// How raw label ids map to classes (segmentation).
    public var labelMap: PointLabelMap?

    /// Settings from their parts.
    public init(task: PointCloudTask.Kind, features: PointFeatures, points: Int, tileSize: Float, labelMap: PointLabelMap?) {
        self.task = task
        self.features = features
        self.points = points
        self.tileSize = tileSize
        self.labelMap = labelMap
    }

    /// The tiles segmentation cuts scans into.
    public var tiles: ScanTiles { ScanTiles(points: points, size: tileSize, overlap: tileSize / 5) }

    /// The settings as JSON for the weights' metadata.
    public func jsonString() throws -> String {
        var object: [String: Any] = ["task": task.rawValue, "features": features.description, "points": points, "tile_size": Double(tileSize)]
        if let labelMap { object["label_map"] = try labelMap.jsonString() }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Reads the settings of the weights file `file` from its metadata; absent or malformed
    /// settings are an error naming the file.
    public static func read(_ description: ModelDescription, file: String) throws -> PointCloudModelInfo {
        guard let text = description.metadata[ModelDescription.pointCloudKey],
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let task = (object["task"] as? String).flatMap(PointCloudTask.Kind.init(rawValue:)),
              let features = object["features"] as? String, let points = object["points"] as? Int, points > 0,
              let tileSize = object["tile_size"] as? Double, tileSize > 0 else {
            throw PointCloudDataError.invalidLabelMap(file: file, place: "metadata \(ModelDescription.pointCloudKey)",
                                                      message: "the weights are not a point-cloud model trained by percept cloud train")
        }
        let labelMap = try (object["label_map"] as? String).map { try PointLabelMap.parse(json: $0, file: file) }
        return PointCloudModelInfo(task: task, features: try PointFeatures(parsing: features), points: points,
                                   tileSize: Float(tileSize), labelMap: labelMap)
    }
}
