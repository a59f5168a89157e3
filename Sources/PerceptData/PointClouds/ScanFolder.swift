import Foundation
import PerceptPointCloud
import PerceptTensor

/// Finding scans: SemanticKITTI's layout (`sequences/<nn>/velodyne/*.bin`, labels beside in
/// `labels/`), or any folder of `.bin`, `.pcd` and `.ply` files (searched recursively), or a
/// single file; and the label map that goes with them.
public enum ScanFolder {
    /// The extensions read as scans.
    public static let extensions: Set<String> = ["bin", "pcd", "ply"]

    /// Every scan under `path` (or `path` itself when it is a file), sorted by path.
    public static func scans(under path: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw PointCloudDataError.unreadable(file: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw PointCloudDataError.unreadable(file: path, reason: "cannot list the folder")
        }
        let found = walker.compactMap { $0 as? String }
            .filter { extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
            .sorted()
        guard !found.isEmpty else {
            throw PointCloudDataError.noClouds(folder: path, expected: "sequences/<nn>/velodyne/*.bin with labels/*.label, or labelled .pcd/.ply files")
        }
        return found
    }

    /// The label map of a dataset: `explicit` when given, else `semantic-kitti.yaml` in `folder`
    /// when it is there, else the simulated scenes' map.
    public static func labelMap(explicit: String?, folder: String) throws -> PointLabelMap {
        if let explicit { return try PointLabelMap.read(semanticKITTI: explicit) }
        let beside = URL(fileURLWithPath: folder).appendingPathComponent("semantic-kitti.yaml").path
        if FileManager.default.fileExists(atPath: beside) { return try PointLabelMap.read(semanticKITTI: beside) }
        return .simulated
    }
}

/// Labelled scans for segmentation, read into memory once, serving one random column per
/// example (``ScanTiles``): `examplesPerScan` examples of each scan per epoch.
public struct ScanSegmentationDataset: Dataset {
    /// The scans.
    public let scans: [LabelledScan]
    /// How inputs are cut from a scan.
    public let tiles: ScanTiles
    /// Examples drawn from each scan per epoch.
    public let examplesPerScan: Int
    /// Whether inputs are rotated, scaled and jittered.
    public let augment: Bool

    /// A dataset over `scans`, which must all be labelled.
    public init(scans: [LabelledScan], tiles: ScanTiles, examplesPerScan: Int, augment: Bool) throws {
        for scan in scans where scan.classes == nil { throw PointCloudDataError.missingLabels(file: scan.file) }
        self.scans = scans
        self.tiles = tiles
        self.examplesPerScan = Swift.max(1, examplesPerScan)
        self.augment = augment
    }

    public var count: Int { scans.count * examplesPerScan }

    /// The example's scan index as its input; ``transform`` cuts the column (the loader's
    /// per-epoch seed makes every epoch draw new columns).
    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: scans.first?.file ?? "<scans>")
        let scan = try Tensor(indices: [index / examplesPerScan], shape: [1])
        return Example(input: scan, target: scan)
    }

    /// The loader transform turning a scan index into channels `[C, points]` and classes `[points]`.
    public var transform: DataLoader.Transform {
        { [scans, tiles, augment] example, seed in
            var generator = SeededGenerator(seed: seed)
            let scan = scans[example.input.toIntArray()[0]]
            let input = try tiles.randomInput(from: scan, augment: augment, using: &generator)
            return Example(input: input.channels, target: input.classes ?? Tensor.zeros([tiles.points], dtype: .int64))
        }
    }

    /// Points of each class over every scan (ignored points left out), for class weights.
    public func classCounts(classes: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for scan in scans {
            for label in scan.classes ?? [] where label >= 0 && label < classes { counts[label] += 1 }
        }
        return counts
    }
}
