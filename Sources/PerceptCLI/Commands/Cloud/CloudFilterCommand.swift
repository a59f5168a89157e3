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

    @OptionGroup var files: CloudInputOutput

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
        if let statistical, !(1...10_000).contains(statistical[0]) || !(statistical[1] > 0) {
            throw CloudCLI.usage("--outliers expects 1 to 10000 neighbours and a positive deviation, found '\(outliers ?? "")'")
        }
        if let radius, !(radius[0] > 0) || !(0...100_000).contains(radius[1]) {
            throw CloudCLI.usage("--radius-outliers expects a positive radius and 0 to 100000 neighbours, found '\(radiusOutliers ?? "")'")
        }
        let inputs = try CloudCLI.inputs(files.input)
        try CloudCLI.forEachOutput(inputs, output: files.output, fileExtension: nil, force: options.force,
                                   command: "percept cloud filter") { _, path, destination, shown in
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
            try PointCloudFile.write(cloud, to: destination, options: options.writeOptions)
            if json {
                CloudCLI.printJSON(["file": path, "output": shown, "points": Dictionary(uniqueKeysWithValues: steps)])
            } else {
                print("\(path) → \(shown): " + steps.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            }
        }
    }
}
