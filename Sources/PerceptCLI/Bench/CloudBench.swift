import Foundation
import Percept

/// `percept bench cloud`: file speed, the PCL steps and the bridge's conversion cost, on the
/// reference scene (100,000 points) and on a simulated 64-beam frame.
struct CloudBench {
    var repeats: Int
    var filter: String?

    func run(reporter: BenchReporter) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-bench-cloud-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let scene = ReferenceScene.make()
        var generator = SeededGenerator(seed: 1)
        let frame = try LidarSimulator.scan(LidarScene.random(seed: 1), sensor: LidarSensor(), using: &generator)
        try files(scene, name: "scene", folder: folder, reporter: reporter)
        try files(frame, name: "frame64", folder: folder, reporter: reporter)
        try steps(scene, name: "scene", reporter: reporter)
        try steps(frame, name: "frame64", reporter: reporter)
        if selected("frame64-simulate") {
            let sensor = LidarSensor(), street = LidarScene.random(seed: 1)
            let times = try measure(repeats: repeats, warmup: 1) {
                var noise = SeededGenerator(seed: 2)
                _ = try LidarSimulator.scan(street, sensor: sensor, using: &noise)
            }
            reporter.report(BenchResult(name: "frame64-simulate", timesMs: times, extra: [("rays", sensor.beams * sensor.horizontalSteps)]))
        }
    }

    private func selected(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }

    /// Read and write speed of each writable format.
    private func files(_ cloud: PointCloud, name: String, folder: URL, reporter: BenchReporter) throws {
        let cases: [(String, String, PointCloudWriteOptions)] = [
            ("pcd-binary", "pcd", PointCloudWriteOptions(pcdMode: .binary)),
            ("pcd-compressed", "pcd", PointCloudWriteOptions(pcdMode: .binaryCompressed)),
            ("pcd-ascii", "pcd", PointCloudWriteOptions(pcdMode: .ascii)),
            ("ply-binary", "ply", PointCloudWriteOptions()),
            ("kitti-bin", "bin", PointCloudWriteOptions()),
        ]
        for (format, fileExtension, options) in cases where selected("\(name)-\(format)-write") || selected("\(name)-\(format)-load") {
            let path = folder.appendingPathComponent("\(name)-\(format).\(fileExtension)").path
            let writeTimes = try measure(repeats: repeats, warmup: 1) { try PointCloudFile.write(cloud, to: path, options: options) }
            let bytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            let readTimes = try measure(repeats: repeats, warmup: 1) { _ = try PointCloudFile.read(path) }
            for (operation, times) in [("write", writeTimes), ("load", readTimes)] {
                var result = BenchResult(name: "\(name)-\(format)-\(operation)", timesMs: times)
                result.extra = [("points", cloud.count), ("mb", bytes / 1e6), ("mb_per_s", bytes / 1e6 / (result.median / 1000))]
                reporter.report(result)
            }
        }
    }

    /// The PCL steps at the reference settings, timed apart from the conversion into PCL's layout.
    private func steps(_ cloud: PointCloud, name: String, reporter: BenchReporter) throws {
        let conversionTimes = try measure(repeats: repeats) { _ = try PCLCloud(cloud, includeIntensity: false) }
        let conversion = BenchResult(name: "\(name)-to-pcl", timesMs: conversionTimes, extra: [("points", cloud.count)])
        if selected(conversion.name) { reporter.report(conversion) }
        let pcl = try PCLCloud(cloud, includeIntensity: false)
        let ground = try pcl.segmentPlane(distance: 0.03, iterations: 1000, axis: SIMD3(0, 0, 1))
        let notGround = ground.inliers.map { !$0 }
        let voxelOutput = try pcl.voxelGrid(leafSize: SIMD3(repeating: 0.05))
        // The usual pipeline clusters the downsampled cloud: voxel grid, then ground removal, then clusters.
        let downsampledGround = try voxelOutput.segmentPlane(distance: 0.03, iterations: 1000, axis: SIMD3(0, 0, 1))
        let downsampledNotGround = downsampledGround.inliers.map { !$0 }
        let cases: [(String, () throws -> Any)] = [
            ("voxel-0.05", { try pcl.voxelGrid(leafSize: SIMD3(repeating: 0.05)) }),
            ("voxel-0.05-copy-back", { voxelOutput.pointCloud() }),
            ("ransac-0.03-1000", { try pcl.segmentPlane(distance: 0.03, iterations: 1000, axis: SIMD3(0, 0, 1)) }),
            ("clusters-0.10-50", { try pcl.euclideanClusters(tolerance: 0.10, minimumSize: 50, include: notGround) }),
            ("clusters-0.10-50-after-voxel", {
                try voxelOutput.euclideanClusters(tolerance: 0.10, minimumSize: 50, include: downsampledNotGround)
            }),
            // The same clustering on a copied non-ground cloud, against the include mask above.
            ("clusters-0.10-50-on-copy", { try PCLCloud(try cloud.subset(mask: notGround)).euclideanClusters(tolerance: 0.10, minimumSize: 50) }),
            ("segment-end-to-end", { try cloud.segmentGroundAndObjects(groundDistance: 0.03, clusterTolerance: 0.10, minimumClusterSize: 50) }),
        ]
        for (step, body) in cases where selected("\(name)-\(step)") {
            var result = BenchResult(name: "\(name)-\(step)", timesMs: try measure(repeats: repeats) { _ = try body() })
            result.extra = [("points", cloud.count)]
            if step.hasPrefix("voxel-0.05") { result.extra.append(("output_points", voxelOutput.count)) }
            if step == "ransac-0.03-1000" { result.extra.append(("inliers", ground.inlierCount)) }
            if !step.hasSuffix("copy-back") && step != "segment-end-to-end" {
                // The share of the step that converting into PCL's layout adds when done once per step.
                result.extra.append(("conversion_overhead_pct", 100 * conversion.median / result.median))
            }
            reporter.report(result)
        }
    }
}
