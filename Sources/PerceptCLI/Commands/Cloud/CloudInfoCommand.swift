import ArgumentParser
import Foundation
import Percept

/// `percept cloud info FILE|DIR|GLOB`: fields, point count, bounds and density per file.
struct CloudInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show each cloud's fields, point count, organisation, bounds and density."
    )

    @Argument(help: "A point-cloud file, a folder of them, or a quoted glob pattern.")
    var input: String

    @Flag(help: "One JSON object per file on each line.")
    var json = false

    func run() throws {
        try CloudCLI.forEach(CloudCLI.inputs(input)) { _, path in
            let cloud = try PointCloudFile.read(path, keepNaN: true)
            let finite = cloud.finiteIndices.count
            let bounds = cloud.bounds
            let size = bounds?.size ?? .zero
            let area = Double(size.x * size.y), volume = Double(size.x * size.y * size.z)
            var info: [String: Any] = [
                "file": path, "format": try PointCloudFormat(path: path).rawValue, "points": cloud.count, "finite_points": finite,
                "fields": cloud.fieldNames, "width": cloud.width, "height": cloud.height,
            ]
            if let bounds {
                info["bounds"] = ["min": CloudCLI.json(bounds.minimum), "max": CloudCLI.json(bounds.maximum)]
                if area > 0 { info["points_per_m2"] = Double(finite) / area }
                if volume > 0 { info["points_per_m3"] = Double(finite) / volume }
            }
            if let labels = cloud.labels { info["labels"] = Dictionary(grouping: labels, by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" } }
            if json {
                CloudCLI.printJSON(info)
                return
            }
            print("\(path): \(cloud.count) points (\(finite) finite), fields \(cloud.fieldNames.joined(separator: " "))"
                  + (cloud.isOrganised ? ", organised \(cloud.width)×\(cloud.height)" : ""))
            if let bounds {
                print(String(format: "  bounds x %.3f…%.3f  y %.3f…%.3f  z %.3f…%.3f", bounds.minimum.x, bounds.maximum.x,
                             bounds.minimum.y, bounds.maximum.y, bounds.minimum.z, bounds.maximum.z))
                print(String(format: "  density %.1f points/m² (x-y footprint), %.1f points/m³", area > 0 ? Double(finite) / area : 0,
                             volume > 0 ? Double(finite) / volume : 0))
            }
            if let labels = info["labels"] as? [String] { print("  labels (id:count) \(labels.joined(separator: " "))") }
        }
    }
}
