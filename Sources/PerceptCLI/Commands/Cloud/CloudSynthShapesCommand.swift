import ArgumentParser
import Foundation
import Percept

/// `percept cloud synth-shapes OUT`: a ModelNet-like classification dataset of ten sampled solids.
struct CloudSynthShapesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth-shapes",
        abstract: "Write sampled surfaces of 10 parametric shapes as <shape>/{train,test}/*.pcd (ModelNet's layout).",
        discussion: "Shapes: \(SyntheticShape.allCases.map(\.rawValue).joined(separator: ", ")); each with random scale, rotation and noise. 80% train, 20% test."
    )

    @Argument(help: "The output folder (must not exist or be empty; --force replaces one Percept wrote).")
    var output: String
    @Option(help: "Clouds in all (spread evenly over the shapes).")
    var count = 4000
    @Option(help: "Points per cloud.")
    var points = 1024
    @Option(help: "Gaussian noise per coordinate (the shapes are about 2 units across).")
    var noise: Float = 0.01
    @Option(help: "The seed; the same seed writes the same files.")
    var seed: UInt64 = 0
    @Flag(help: "Replace an output folder Percept wrote.")
    var force = false

    func run() throws {
        let shapes = SyntheticShape.allCases
        guard count >= 2 * shapes.count else { throw CloudCLI.usage("--count must be at least \(2 * shapes.count) (two clouds per shape), found \(count)") }
        guard points >= 1 else { throw CloudCLI.usage("--points must be at least 1, found \(points)") }
        guard noise >= 0, noise.isFinite else { throw CloudCLI.usage("--noise must be 0 or more, found \(noise)") }
        let folder = try OutputFolderCLI.check(output, argument: "OUT", protecting: [], force: force)
        try OutputFolderCLI.write(folder, command: "percept cloud synth-shapes") { staging in
            var generator = SeededGenerator(seed: seed)
            let perShape = count / shapes.count
            for shape in shapes {
                for split in ["train", "test"] {
                    try FileManager.default.createDirectory(at: staging.appendingPathComponent("\(shape.rawValue)/\(split)"), withIntermediateDirectories: true)
                }
                for index in 0..<perShape {
                    let split = index < perShape * 4 / 5 ? "train" : "test"
                    let cloud = try shape.sample(points: points, noise: noise, using: &generator)
                    try PointCloudFile.write(cloud, to: staging.appendingPathComponent("\(shape.rawValue)/\(split)/\(shape.rawValue)_\(String(format: "%04d", index)).pcd").path)
                }
            }
        }
        print("\(folder.location.path): \(count / shapes.count * shapes.count) clouds of \(points) points, \(shapes.count) shapes")
    }
}
