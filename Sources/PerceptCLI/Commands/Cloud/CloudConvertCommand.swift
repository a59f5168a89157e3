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

/// The input and output every file-to-file cloud command takes.
struct CloudInputOutput: ParsableArguments {
    @Argument(help: "A point-cloud file, a folder of them, or a quoted glob pattern.")
    var input: String

    @Argument(help: "The output file (one input) or folder.")
    var output: String
}

/// `percept cloud convert IN OUT`: any readable format to any writable one.
struct CloudConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert clouds between formats; OUT's extension (or --to for a folder) chooses the format."
    )

    @OptionGroup var files: CloudInputOutput

    @Option(help: "The format to write into an output folder: pcd, ply, bin, xyz or csv.")
    var to: String?

    @Flag(help: "Keep points with NaN coordinates (PCD), so organised clouds stay organised.")
    var keepNan = false

    @OptionGroup var options: CloudOutputOptions

    func run() throws {
        let inputs = try CloudCLI.inputs(files.input)
        if let to, (try? PointCloudFormat(path: "x.\(to)"))?.isWritable != true {
            throw CloudCLI.usage("--to must be pcd, ply, bin, xyz or csv, found '\(to)'")
        }
        try CloudCLI.forEachOutput(inputs, output: files.output, fileExtension: to, force: options.force,
                                   command: "percept cloud convert") { _, path, destination, shown in
            let cloud = try PointCloudFile.read(path, keepNaN: keepNan)
            try PointCloudFile.write(cloud, to: destination, options: options.writeOptions)
            print("\(path) → \(shown) (\(cloud.count) points)")
        }
    }
}
