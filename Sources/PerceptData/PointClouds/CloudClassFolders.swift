import Foundation
import PerceptPointCloud
import PerceptTensor

/// Class folders of clouds for classification, in ModelNet's layout (`<class>/{train,test}/*`)
/// or split first (`{train,test}/<class>/*`). Files are `.off` meshes (sampled on the fly by
/// area-weighted surface sampling) or any cloud Percept reads.
public struct CloudClassFolders: Sendable {
    /// The class names, sorted; a label is an index into them.
    public let classNames: [String]
    /// The training files and their classes.
    public let train: [(file: String, label: Int)]
    /// The test files and their classes.
    public let test: [(file: String, label: Int)]

    /// The extensions read: meshes and clouds.
    public static let extensions: Set<String> = ["off", "pcd", "ply", "bin", "xyz", "csv"]

    /// Lists `root`; a class without files, or no files at all, is an error naming the folder.
    public init(root: String) throws {
        let manager = FileManager.default
        func folders(_ path: String) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { name in
                var isFolder: ObjCBool = false
                return !name.hasPrefix(".") && manager.fileExists(atPath: path + "/" + name, isDirectory: &isFolder) && isFolder.boolValue
            }.sorted()
        }
        func files(_ path: String) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: path)) ?? [])
                .filter { Self.extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
                .sorted().map { path + "/" + $0 }
        }
        guard manager.fileExists(atPath: root) else { throw PointCloudDataError.unreadable(file: root, reason: "no such folder") }
        let top = folders(root)
        let splitFirst = top.contains("train") && top.contains("test")
        let names = splitFirst ? folders(root + "/train") : top
        var train: [(String, Int)] = [], test: [(String, Int)] = []
        for (label, name) in names.enumerated() {
            let trainFolder = splitFirst ? "\(root)/train/\(name)" : "\(root)/\(name)/train"
            let testFolder = splitFirst ? "\(root)/test/\(name)" : "\(root)/\(name)/test"
            let trainFiles = files(trainFolder), testFiles = files(testFolder)
            guard !trainFiles.isEmpty else { throw PointCloudDataError.emptyClass(folder: trainFolder) }
            train += trainFiles.map { ($0, label) }
            test += testFiles.map { ($0, label) }
        }
        guard names.count >= 2 else {
            throw PointCloudDataError.noClouds(folder: root, expected: "at least two class folders, <class>/{train,test}/*.off|pcd|ply or {train,test}/<class>/*")
        }
        classNames = names
        self.train = train
        self.test = test
    }

    /// Reads one file as a cloud: meshes are sampled to `meshPoints` points (seeded by `seed`).
    public static func readCloud(_ file: String, meshPoints: Int, seed: UInt64) throws -> PointCloud {
        guard URL(fileURLWithPath: file).pathExtension.lowercased() == "off" else { return try PointCloudFile.read(file, keepNaN: true) }
        var generator = SeededGenerator(seed: seed)
        return try OFFMesh.read(file).sampleSurface(count: meshPoints, using: &generator)
    }
}

/// One split of ``CloudClassFolders`` as a dataset: each example is the whole cloud `[C, N]`
/// and its class; ``samplingTransform(points:features:augment:)`` brings it to a fixed size.
public struct CloudClassDataset: LabelArrayDataset {
    /// The files.
    public let files: [String]
    /// Each file's class.
    public let labels: [Int]
    /// The class names.
    public let classNames: [String]
    /// The channels read.
    public let features: PointFeatures
    /// Points sampled from a mesh's surface.
    public let meshPoints: Int

    /// A dataset over `items`.
    public init(items: [(file: String, label: Int)], classNames: [String], features: PointFeatures, meshPoints: Int) {
        files = items.map(\.file)
        labels = items.map(\.label)
        self.classNames = classNames
        self.features = features
        self.meshPoints = meshPoints
    }

    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: files.first ?? "<clouds>")
        let cloud = try CloudClassFolders.readCloud(files[index], meshPoints: meshPoints, seed: UInt64(index))
        let scan = try LabelledScan.prepare(cloud, file: files[index], features: features, labelMap: nil)
        return Example(input: try Tensor(scan.columns.flatMap { $0 }, shape: [scan.columns.count, scan.count]),
                       target: try Tensor(indices: [labels[index]], shape: []))
    }

    /// A loader transform drawing `points` points (all, then repeats, when the cloud has fewer),
    /// centring the coordinates and scaling them into the unit sphere, and with `augment`
    /// rotating about z, scaling and jittering them (the point augmentations of `PerceptPointCloud`).
    public static func samplingTransform(points: Int, augment: Bool) -> DataLoader.Transform {
        { example, seed in
            var generator = SeededGenerator(seed: seed)
            let values = example.input.contiguous().toArray(), channels = example.input.shape[0], count = example.input.shape[1]
            let columns = (0..<channels).map { Array(values[$0 * count..<($0 + 1) * count]) }
            var cloud = PointCloud(x: columns[0], y: columns[1], z: columns[2])
            let sampled = try cloud.randomSample(count: points, using: &generator)
            cloud = sampled.cloud.normalizedToUnitSphere().cloud
            if augment {
                cloud = cloud.randomlyRotated(about: .z, using: &generator).randomlyScaled(in: 0.8...1.2, using: &generator)
                    .jittered(sigma: 0.01, clip: 0.05, using: &generator)
            }
            var result = cloud.x + cloud.y + cloud.z
            for column in columns.dropFirst(3) { result += sampled.sourceIndices.map { column[$0] } }
            return Example(input: try Tensor(result, shape: [channels, points]), target: example.target)
        }
    }
}
