import Foundation
import PerceptPointCloud
import PerceptTensor
import Testing
@testable import PerceptData

@Suite("Point-cloud data for PointNet")
struct PointCloudDataTests {
    /// A 30 m × 30 m grid of points, 0.5 m apart, labelled road (40) left of x = 15 and car (10) right of it.
    static func gridScan(intensity: Bool = true) -> PointCloud {
        var cloud = PointCloud()
        var labels: [UInt32] = []
        for i in 0..<60 {
            for j in 0..<60 {
                cloud.x.append(Float(i) * 0.5)
                cloud.y.append(Float(j) * 0.5)
                cloud.z.append(i < 30 ? 0 : 1)
                labels.append(i < 30 ? 40 : 10)
            }
        }
        cloud.width = cloud.count
        if intensity { cloud.intensity = Array(repeating: 0.5, count: cloud.count) }
        cloud.labels = labels
        return cloud
    }

    @Test("covering tiles put every point in some input, and voting returns a class to every point")
    func coveringTilesAndVoting() throws {
        let scan = try LabelledScan.prepare(Self.gridScan(), file: "grid.pcd", features: PointFeatures([.intensity]), labelMap: .simulated)
        let tiles = ScanTiles(points: 256, size: 10, overlap: 2)
        var generator = SeededGenerator(seed: 0)
        let inputs = try tiles.coveringInputs(of: scan, using: &generator)
        #expect(Set(inputs.flatMap(\.sourceIndices)) == Set(0..<scan.count))
        #expect(inputs.allSatisfy { $0.channels.shape == [4, 256] && $0.classes?.shape == [256] })
        // Logits that favour each point's true class: voting must give every point its class back.
        let logits = try inputs.map { input -> Tensor in
            let truth = try #require(input.classes).toIntArray()
            let values = (0..<7).flatMap { label in truth.map { $0 == label ? Float(5) : 0 } }
            return try Tensor(values, shape: [7, 256])
        }
        #expect(try ScanTiles.vote(count: scan.count, inputs: inputs, logits: logits) == scan.classes)
    }

    @Test("a random training input comes from one 10 m column and keeps labels aligned with points")
    func randomInput() throws {
        let scan = try LabelledScan.prepare(Self.gridScan(), file: "grid.pcd", features: PointFeatures(), labelMap: .simulated)
        var generator = SeededGenerator(seed: 3)
        let input = try ScanTiles(points: 512, size: 10).randomInput(from: scan, augment: false, using: &generator)
        let values = input.channels.toArray(), classes = try #require(input.classes).toIntArray()
        #expect(input.channels.shape == [3, 512])
        #expect(values[0..<512].max()! - values[0..<512].min()! <= 10 && values[512..<1024].max()! - values[512..<1024].min()! <= 10)
        for position in 0..<512 {
            // z is 1 exactly for car points (class 4 in the simulated map), 0 for road (class 0).
            #expect(classes[position] == (values[1024 + position] == 1 ? 4 : 0))
            #expect(scan.classes?[input.sourceIndices[position]] == classes[position])
        }
    }

    @Test("a scan smaller than the input is padded by repeating its points")
    func padding() throws {
        var cloud = PointCloud(x: [0, 1, 2], y: [0, 0, 0], z: [0, 0, 0])
        cloud.labels = [40, 40, 10]
        let scan = try LabelledScan.prepare(cloud, file: "tiny.pcd", features: PointFeatures(), labelMap: .simulated)
        var generator = SeededGenerator(seed: 1)
        let input = try ScanTiles(points: 16, size: 10).randomInput(from: scan, augment: true, using: &generator)
        #expect(input.sourceIndices.count == 16 && Set(input.sourceIndices) == [0, 1, 2])
    }

    @Test("NaN points are dropped and counted; an empty scan is an error naming the file")
    func nanAndEmpty() throws {
        var cloud = PointCloud(x: [0, .nan, 2], y: [0, 0, .nan], z: [0, 0, 0])
        cloud.labels = [40, 40, 40]
        let scan = try LabelledScan.prepare(cloud, file: "nan.pcd", features: PointFeatures(), labelMap: .simulated)
        #expect(scan.count == 1 && scan.droppedNaN == 2 && scan.keptIndices == [0])
        let empty = PointCloud(x: [.nan], y: [0], z: [0])
        #expect(throws: PointCloudDataError.emptyScan(file: "empty.pcd", droppedNaN: 1)) {
            try LabelledScan.prepare(empty, file: "empty.pcd", features: PointFeatures(), labelMap: nil)
        }
        #expect("\(PointCloudDataError.emptyScan(file: "e.bin", droppedNaN: 0))" == "e.bin: error: the scan has no points")
    }

    @Test("a missing intensity field and an unknown label id are errors naming the file")
    func badFieldsAndLabels() throws {
        #expect(throws: PointCloudDataError.missingField(file: "scan.pcd", field: "intensity")) {
            try LabelledScan.prepare(Self.gridScan(intensity: false), file: "scan.pcd", features: PointFeatures([.intensity]), labelMap: nil)
        }
        var cloud = PointCloud(x: [0, 1], y: [0, 0], z: [0, 0])
        cloud.labels = [40, 252]
        let error = pointCloudError { try LabelledScan.prepare(cloud, file: "moving.bin", features: PointFeatures(), labelMap: .simulated) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.hasPrefix("moving.bin:point 1: error: label id 252 is not in the label map"), "\(message)")
    }

    @Test("SemanticKITTI's label map: ignored learning ids leave the classes, raw ids map both ways, JSON round-trips")
    func semanticKITTILabelMap() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-labelmap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("semantic-kitti.yaml").path
        try """
        labels:
          0: unlabeled
          10: car
          40: road
          44: parking
          252: moving-car
        learning_map:
          0: 0
          10: 1
          40: 2
          44: 2
          252: 1
        learning_map_inv:
          0: 0
          1: 10
          2: 40
        learning_ignore:
          0: true
          1: false
          2: false
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let map = try ScanFolder.labelMap(explicit: nil, folder: folder.path)
        #expect(map.classNames == ["car", "road"])
        #expect(try map.classIndex(raw: 252, file: "f", point: 0) == 0)
        #expect(try map.classIndex(raw: 44, file: "f", point: 0) == 1)
        #expect(try map.classIndex(raw: 0, file: "f", point: 0) == nil)
        #expect(map.rawIDOfClass == [10, 40])
        #expect(try PointLabelMap.parse(json: map.jsonString(), file: "w.safetensors") == map)
        try "labels: [1, 2]\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = pointCloudError { _ = try PointLabelMap.read(semanticKITTI: file) }
        #expect((error.map { "\($0)" } ?? "").contains("semantic-kitti.yaml:labels: error"))
    }

    @Test("class folders in ModelNet's layout: OFF meshes are sampled and brought to a fixed size in the unit sphere")
    func classFolders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-classes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tetrahedron = "OFF\n4 4 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 1 2\n3 0 1 3\n3 0 2 3\n3 1 2 3\n"
        for name in ["chair", "table"] {
            for split in ["train", "test"] {
                let folder = root.appendingPathComponent("\(name)/\(split)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try tetrahedron.write(to: folder.appendingPathComponent("\(name)_0001.off"), atomically: true, encoding: .utf8)
            }
        }
        let folders = try CloudClassFolders(root: root.path)
        #expect(folders.classNames == ["chair", "table"])
        #expect(folders.train.map(\.label) == [0, 1] && folders.test.count == 2)
        let dataset = CloudClassDataset(items: folders.train, classNames: folders.classNames, features: PointFeatures(), meshPoints: 500)
        let example = try CloudClassDataset.samplingTransform(points: 128, augment: true)(try dataset.example(at: 1), 9)
        #expect(example.input.shape == [3, 128])
        #expect(example.target.toIntArray() == [1])
        let values = example.input.toArray()
        let radii = (0..<128).map { (index: Int) -> Float in
            let (x, y, z) = (values[index], values[128 + index], values[256 + index])
            return (x * x + y * y + z * z).squareRoot()
        }
        #expect((radii.max() ?? 9) <= 1.3)
    }

    @Test("class weights: auto is 1/√share and inverse 1/share, both averaging 1 over the present classes; absent classes weigh 0")
    func classWeighting() throws {
        // Shares 0.9 and 0.1: 1/√share is 1.054 and 3.162 (ratio 3), 1/share 1.111 and 10 (ratio 9).
        let auto = try #require(ClassWeighting.auto.weights(counts: [900, 100, 0]))
        #expect(Swift.abs(auto[0] - 0.5) < 1e-5 && Swift.abs(auto[1] - 1.5) < 1e-5 && auto[2] == 0)
        let inverse = try #require(ClassWeighting.inverse.weights(counts: [900, 100, 0]))
        #expect(Swift.abs(inverse[0] - 0.2) < 1e-5 && Swift.abs(inverse[1] - 1.8) < 1e-5 && inverse[2] == 0)
        #expect(ClassWeighting.none.weights(counts: [900, 100]) == nil)
        #expect(ClassWeighting.auto.weights(counts: [0, 0]) == [0, 0])
    }
}

/// The error `body` throws, or nil.
private func pointCloudError(_ body: () throws -> Void) -> Error? {
    do { try body(); return nil } catch { return error }
}
