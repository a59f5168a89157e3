import ArgumentParser
import Foundation
import Percept

extension CloudRenderer.View: ExpressibleByArgument {}
extension CloudRenderer.Coloring: ExpressibleByArgument {}

/// `percept cloud render IN OUT.png`: a picture of a cloud.
struct CloudRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw a cloud to a PNG, from above (bev) or in perspective, coloured by height, intensity or label."
    )

    @Argument(help: "A point-cloud file.")
    var input: String

    @Argument(help: "The PNG to write.")
    var output: String

    @Option(help: "bev (from above) or perspective.")
    var view: CloudRenderer.View = .bev

    @Option(help: "height, intensity or label.")
    var color: CloudRenderer.Coloring = .height

    @Option(help: "Picture width in pixels.")
    var width: Int = 1024

    @Option(help: "Picture height in pixels.")
    var height: Int = 768

    @Flag(help: "Overwrite an existing picture.")
    var force = false

    func run() throws {
        guard output.lowercased().hasSuffix(".png") else { throw CloudCLI.usage("the output must be a .png file", file: output) }
        guard (16...8192).contains(width), (16...8192).contains(height) else {
            throw CloudCLI.usage("--width and --height must be between 16 and 8192, found \(width) × \(height)")
        }
        if FileManager.default.fileExists(atPath: output) && !force {
            throw CloudCLI.usage("the output exists; pass --force to overwrite it", file: output)
        }
        try CloudCLI.forEach([input]) { _, path in
            let cloud = try PointCloudFile.read(path)
            let pixels = try CloudRenderer(view: view, coloring: color, width: width, height: height).render(cloud)
            let picture = try Image(width: width, height: height, channels: 3, samples: .uint8(pixels))
            try picture.write(to: URL(fileURLWithPath: output), format: .png)
            print("\(path) → \(output) (\(cloud.count) points, \(view.rawValue), \(color.rawValue))")
        }
    }
}
