import ArgumentParser
import Foundation
import Percept

/// `percept cloud segment IN OUT`: ground removal and Euclidean clustering into a label field.
struct CloudSegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Split off the ground and cluster objects; writes the cloud with a label field and OUT.clusters.json.",
        discussion: "Labels: 0 noise or unclustered, 1 ground, 2 + k for cluster k (largest first). Existing labels are replaced."
    )

    /// Ground-removal methods.
    enum GroundMethod: String, ExpressibleByArgument, CaseIterable {
        case ransac, none
    }

    @OptionGroup var files: CloudInputOutput

    @Option(help: "How to find the ground: ransac or none.")
    var ground: GroundMethod = .ransac

    @Option(help: "Largest distance from the ground plane of a ground point, in metres.")
    var groundDistance: Double = 0.15

    @Option(help: "Euclidean cluster tolerance in metres (no clustering without it).")
    var clusters: Double?

    @Option(help: "Smallest cluster kept, in points.")
    var minPoints: Int = 30

    @Flag(help: "Print one JSON object per file.")
    var json = false

    @OptionGroup var options: CloudOutputOptions

    func run() throws {
        guard groundDistance > 0 else { throw CloudCLI.usage("--ground-distance must be positive, found \(groundDistance)") }
        if let clusters, !(clusters > 0) { throw CloudCLI.usage("--clusters must be positive, found \(clusters)") }
        guard minPoints >= 1 else { throw CloudCLI.usage("--min-points must be at least 1, found \(minPoints)") }
        let inputs = try CloudCLI.inputs(files.input)
        try CloudCLI.forEachOutput(inputs, output: files.output, fileExtension: nil, force: options.force,
                                   command: "percept cloud segment") { _, path, destination, target in
            var cloud = try PointCloudFile.read(path)
            let result = try cloud.segmentGroundAndObjects(groundDistance: ground == .ransac ? groundDistance : nil,
                                                           clusterTolerance: clusters, minimumClusterSize: minPoints)
            cloud.labels = result.labels
            cloud.instances = nil
            try PointCloudFile.write(cloud, to: destination, options: options.writeOptions)
            let summaries: [[String: Any]] = result.clusters.map { cluster in
                ["id": cluster.id, "points": cluster.members.count, "centroid": CloudCLI.json(cluster.centroid),
                 "box": ["min": CloudCLI.json(cluster.bounds.minimum), "max": CloudCLI.json(cluster.bounds.maximum)]]
            }
            var report: [String: Any] = ["file": path, "output": target, "points": cloud.count, "clusters": summaries]
            if let plane = result.ground {
                report["ground"] = ["points": plane.inlierCount, "plane": [plane.coefficients.x, plane.coefficients.y,
                                                                           plane.coefficients.z, plane.coefficients.w].map(Double.init)]
            }
            try CloudCLI.writeJSON(report, to: destination + ".clusters.json")
            if json {
                CloudCLI.printJSON(["file": path, "output": target, "ground_points": result.ground?.inlierCount ?? 0,
                                    "clusters": result.clusters.count])
            } else {
                print("\(path) → \(target): \(result.ground?.inlierCount ?? 0) ground points, \(result.clusters.count) clusters")
            }
        }
    }
}
