import Foundation

/// Writes simulated frames in SemanticKITTI's layout:
/// `sequences/<nn>/velodyne/<frame>.bin` and `sequences/<nn>/labels/<frame>.label`.
public enum SemanticKITTIWriter {
    /// The paths of frame `frame` of `sequence` under `root`.
    public static func paths(root: String, sequence: Int, frame: Int) -> (scan: String, labels: String) {
        let folder = URL(fileURLWithPath: root).appendingPathComponent("sequences").appendingPathComponent(String(format: "%02d", sequence))
        let name = String(format: "%06d", frame)
        return (folder.appendingPathComponent("velodyne/\(name).bin").path, folder.appendingPathComponent("labels/\(name).label").path)
    }

    /// Simulates `frames` turns of `sensor` driving 1 m per frame along the road of a random scene
    /// made from `seed`, and writes them; returns the points per frame.
    @discardableResult
    public static func simulate(root: String, sequence: Int = 0, frames: Int, seed: UInt64, sensor: LidarSensor = LidarSensor()) throws -> [Int] {
        let scene = LidarScene.random(seed: seed)
        var generator = SeededGenerator(seed: seed ^ 0x5EED_F00D)
        let first = paths(root: root, sequence: sequence, frame: 0)
        for folder in [first.scan, first.labels].map({ URL(fileURLWithPath: $0).deletingLastPathComponent() }) {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw PointCloudFileError.inputOutput(file: folder.path, reason: "cannot create the folder: \(error.localizedDescription)")
            }
        }
        var counts: [Int] = []
        for frame in 0..<frames {
            let cloud = try LidarSimulator.scan(scene, sensor: sensor, position: SIMD2(Float(frame), 0), using: &generator)
            let target = paths(root: root, sequence: sequence, frame: frame)
            try KITTIFormat.writeScan(cloud, to: target.scan)
            try KITTIFormat.writeLabels(cloud, to: target.labels)
            counts.append(cloud.count)
        }
        return counts
    }
}
