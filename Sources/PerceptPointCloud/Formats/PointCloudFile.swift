import Foundation

/// The point-cloud file formats, chosen by file extension.
public enum PointCloudFormat: String, Sendable, CaseIterable {
    case pcd, ply, kitti = "bin", las, xyz, csv

    /// The format a path's extension names; LAZ and unknown extensions are an error naming them.
    public init(path: String) throws {
        let fileExtension = (path as NSString).pathExtension.lowercased()
        switch fileExtension {
        case "pcd": self = .pcd
        case "ply": self = .ply
        case "bin": self = .kitti
        case "las": self = .las
        case "xyz", "txt": self = .xyz
        case "csv": self = .csv
        case "laz": throw PointCloudFileError.unsupportedFormat(file: path, format: "LAZ (compressed LAS)")
        default: throw PointCloudFileError.unsupportedFormat(file: path, format: fileExtension.isEmpty ? "no extension" : fileExtension)
        }
    }

    /// True when Percept can write this format.
    public var isWritable: Bool { self != .las }
}

/// Options for writing point-cloud files.
public struct PointCloudWriteOptions: Sendable {
    /// The PCD data mode.
    public var pcdMode: PCDDataMode
    /// The PLY encoding.
    public var plyEncoding: PLYEncoding

    /// Options with PCD binary and little-endian PLY unless told otherwise.
    public init(pcdMode: PCDDataMode = .binary, plyEncoding: PLYEncoding = .binaryLittleEndian) {
        self.pcdMode = pcdMode
        self.plyEncoding = plyEncoding
    }
}

/// Reading and writing any supported point-cloud file by its extension.
public enum PointCloudFile {
    /// Reads the cloud at `path`. A KITTI scan inside `…/velodyne/` picks up its SemanticKITTI
    /// labels from `…/labels/<name>.label` when that file exists.
    public static func read(_ path: String, keepNaN: Bool = false) throws -> PointCloud {
        switch try PointCloudFormat(path: path) {
        case .pcd: return try PCDFormat.read(path, keepNaN: keepNaN)
        case .ply: return try PLYFormat.read(path)
        case .las: return try LASFormat.read(path)
        case .xyz, .csv: return try TextFormat.read(path)
        case .kitti:
            var cloud = try KITTIFormat.readScan(path)
            if let labelPath = labelPath(forScan: path), FileManager.default.fileExists(atPath: labelPath) {
                try KITTIFormat.readLabels(labelPath, into: &cloud)
            }
            return cloud
        }
    }

    /// Writes `cloud` to `path` atomically in the format its extension names.
    public static func write(_ cloud: PointCloud, to path: String, options: PointCloudWriteOptions = .init()) throws {
        let format = try PointCloudFormat(path: path)
        switch format {
        case .pcd: try PCDFormat.write(cloud, to: path, mode: options.pcdMode)
        case .ply: try PLYFormat.write(cloud, to: path, encoding: options.plyEncoding)
        case .kitti: try KITTIFormat.writeScan(cloud, to: path)
        case .xyz, .csv: try TextFormat.write(cloud, to: path)
        case .las: throw PointCloudFileError.cannotWrite(file: path, reason: "LAS is read-only in Percept; write pcd, ply, bin, xyz or csv")
        }
    }

    /// `…/labels/<name>.label` for a scan at `…/velodyne/<name>.bin`, else nil.
    public static func labelPath(forScan path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        guard folder.lastPathComponent == "velodyne" else { return nil }
        return folder.deletingLastPathComponent().appendingPathComponent("labels")
            .appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".label").path
    }
}
