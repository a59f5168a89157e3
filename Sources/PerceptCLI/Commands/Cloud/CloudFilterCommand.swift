import ArgumentParser
import Foundation
import Percept

/// `percept cloud filter IN OUT`: crop, voxel grid, statistical and radius outlier removal, in that order.
struct CloudFilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Crop, downsample and clean clouds through PCL; the steps run in the order of the options below.",
        discussion: "Voxel downsampling averages coordinates and intensity; labels, colours and normals do not survive it."
    )

    @Argument(help: "A point-cloud file, a folder of them, or a quoted glob pattern.")
    var input: String

    @Argument(help: "The output file (one input) or folder.")
    var output: String

    @Option(help: "Keep points inside the box xmin,ymin,zmin,xmax,ymax,zmax.")
    var crop: String?

    @Option(help: "Voxel-grid leaf size in metres.")
    var voxel: Double?

    @Option(help: "Statistical outlier removal: neighbours,standard deviations (for example 50,1.0).")
    var outliers: String?

    @Option(name: .customLong("radius-outliers"), help: "Radius outlier removal: radius,minimum neighbours (for example 0.2,3).")
    var radiusOutliers: String?

    @Flag(help: "Print one JSON object per file.")
    var json = false

    @OptionGroup var options: CloudOutputOptions

    func run() throws {
        let box = try crop.map { text -> BoundingBox3D in
            let values = try CloudCLI.numbers(text, count: 6, option: "crop").map(Float.init)
            guard values[0] <= values[3], values[1] <= values[4], values[2] <= values[5] else {
                throw CloudCLI.usage("--crop expects the minimum corner before the maximum, found '\(text)'")
            }
            return BoundingBox3D(minimum: SIMD3(values[0], values[1], values[2]), maximum: SIMD3(values[3], values[4], values[5]))
        }
        if let voxel, !(voxel > 0) { throw CloudCLI.usage("--voxel must be positive, found \(voxel)") }
        let statistical = try outliers.map { try CloudCLI.numbers($0, count: 2, option: "outliers") }
        let radius = try radiusOutliers.map { try CloudCLI.numbers($0, count: 2, option: "radius-outliers") }
        let inputs = try CloudCLI.inputs(input)
        let targets = try CloudCLI.destinations(for: inputs, output: output, fileExtension: nil, force: options.force)
        try CloudCLI.forEach(inputs) { position, path in
            var cloud = try PointCloudFile.read(path)
            var steps: [(String, Int)] = [("input", cloud.count)]
            if let box { cloud = try cloud.cropped(to: box); steps.append(("crop", cloud.count)) }
            if let voxel { cloud = try cloud.voxelDownsampled(leafSize: Float(voxel)); steps.append(("voxel", cloud.count)) }
            if let statistical {
                cloud = try cloud.removingStatisticalOutliers(neighbors: Int(statistical[0]), standardDeviations: statistical[1])
                steps.append(("outliers", cloud.count))
            }
            if let radius {
                cloud = try cloud.removingRadiusOutliers(radius: radius[0], minimumNeighbors: Int(radius[1]))
                steps.append(("radius-outliers", cloud.count))
            }
            try PointCloudFile.write(cloud, to: targets[position], options: options.writeOptions)
            if json {
                CloudCLI.printJSON(["file": path, "output": targets[position], "points": Dictionary(uniqueKeysWithValues: steps)])
            } else {
                print("\(path) → \(targets[position]): " + steps.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            }
        }
    }
}
