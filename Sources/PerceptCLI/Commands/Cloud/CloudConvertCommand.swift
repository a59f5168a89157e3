import ArgumentParser
import Foundation
import Percept

extension PCDDataMode: ExpressibleByArgument {}
extension PLYEncoding: ExpressibleByArgument {}

/// Options every command that writes clouds shares.
struct CloudOutputOptions: ParsableArguments {
    @Option(help: "PCD data mode: ascii, binary or binary_compressed.")
    var pcdMode: PCDDataMode = .binary

    @Option(help: "PLY encoding: ascii, binary_little_endian or binary_big_endian.")
    var plyEncoding: PLYEncoding = .binaryLittleEndian

    @Flag(help: "Overwrite an existing output file, or write into a non-empty output folder.")
    var force = false

    var writeOptions: PointCloudWriteOptions { PointCloudWriteOptions(pcdMode: pcdMode, plyEncoding: plyEncoding) }
}

/// `percept cloud convert IN OUT`: any readable format to any writable one.
struct CloudConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert clouds between formats; OUT's extension (or --to for a folder) chooses the format."
    )

    @Argument(help: "A point-cloud file, a folder of them, or a quoted glob pattern.")
    var input: String

    @Argument(help: "The output file (one input) or folder.")
    var output: String

    @Option(help: "The format to write into an output folder: pcd, ply, bin, xyz or csv.")
    var to: String?

    @Flag(help: "Keep points with NaN coordinates (PCD), so organised clouds stay organised.")
    var keepNan = false

    @OptionGroup var options: CloudOutputOptions

    func run() throws {
        let inputs = try CloudCLI.inputs(input)
        if let to, (try? PointCloudFormat(path: "x.\(to)"))?.isWritable != true {
            throw CloudCLI.usage("--to must be pcd, ply, bin, xyz or csv, found '\(to)'")
        }
        let targets = try CloudCLI.destinations(for: inputs, output: output, fileExtension: to, force: options.force)
        try CloudCLI.forEach(inputs) { position, path in
            let cloud = try PointCloudFile.read(path, keepNaN: keepNan)
            try PointCloudFile.write(cloud, to: targets[position], options: options.writeOptions)
            print("\(path) → \(targets[position]) (\(cloud.count) points)")
        }
    }
}
