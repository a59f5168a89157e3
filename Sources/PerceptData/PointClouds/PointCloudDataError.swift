/// What can go wrong preparing point clouds for a PointNet; each case names the file.
public enum PointCloudDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file or folder cannot be read.
    case unreadable(file: String, reason: String)
    /// The scan has no points (or none left after dropping NaN coordinates).
    case emptyScan(file: String, droppedNaN: Int)
    /// The model reads a per-point field the scan does not have.
    case missingField(file: String, field: String)
    /// The scan has no labels where training or validation needs them.
    case missingLabels(file: String)
    /// A raw label id the label map does not know.
    case unknownLabel(file: String, point: Int, label: UInt32, known: String)
    /// A label-map file (or the map stored in weights) that is not one.
    case invalidLabelMap(file: String, place: String, message: String)
    /// A data folder without a single scan or cloud of a kind Percept reads.
    case noClouds(folder: String, expected: String)
    /// A class folder of a classification dataset holds no clouds.
    case emptyClass(folder: String)
    /// A feature name that is none of intensity, rgb, normal.
    case unknownField(name: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): error: cannot read: \(reason)"
        case let .emptyScan(file, dropped):
            "\(file): error: the scan has no points" + (dropped > 0 ? " left after dropping \(dropped) with NaN coordinates" : "")
        case let .missingField(file, field):
            "\(file): error: the model reads the per-point field \"\(field)\", which this scan does not have"
        case let .missingLabels(file): "\(file): error: the scan has no per-point labels (a label field, or a .label file beside a .bin)"
        case let .unknownLabel(file, point, label, known):
            "\(file):point \(point): error: label id \(label) is not in the label map (it knows \(known))"
        case let .invalidLabelMap(file, place, message): "\(file):\(place): error: \(message)"
        case let .noClouds(folder, expected): "\(folder): error: no point clouds found; expected \(expected)"
        case let .emptyClass(folder): "\(folder): error: the class folder holds no clouds"
        case let .unknownField(name): "error: unknown point field \"\(name)\"; use intensity, rgb or normal"
        }
    }
}
