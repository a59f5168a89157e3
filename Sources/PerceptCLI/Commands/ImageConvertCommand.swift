import ArgumentParser
import Foundation
import Percept

/// `percept image convert IN OUT`: re-encode (and optionally resize) one image or many.
struct ImageConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert images between formats, optionally resizing.",
        discussion: """
            IN is a file, a folder (searched recursively) or a quoted glob such as 'photos/*.png'. For a single
            file OUT is the output file and its extension picks the format; otherwise OUT is a folder that must
            not exist or be empty (--force replaces one Percept wrote) and --format picks the format (default: keep
            each file's).
            EXIF orientation is applied, so the output is stored as displayed.
            """
    )

    @Argument(help: "Input file, folder or glob pattern.")
    var input: String

    @Argument(help: "Output file (single input) or folder.")
    var output: String

    @Option(help: "JPEG quality 1-100.")
    var quality: Int = 90

    @Option(help: "Resize to WIDTHxHEIGHT; a 0 side keeps the aspect ratio (e.g. 640x0).")
    var resize: String?

    @Option(help: "Output format for folder conversions: png, jpeg, bmp, pnm, tiff, webp (or an extension such as jpg, tif).")
    var format: ImageFormat?

    @Flag(help: "Replace an output folder Percept wrote, or an existing output file.")
    var force = false

    @Flag(help: "Convert images with damaged data (a JPEG scan with bad codes) with a warning instead of failing; the pixels the decoder could not recover are gray.")
    var lenient = false

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1-100, found \(quality)") }
        if let resize { _ = try ResizeTarget(resize) }
    }

    func run() throws {
        let target = try resize.map(ResizeTarget.init)
        var isFolder: ObjCBool = false
        let inputExists = FileManager.default.fileExists(atPath: input, isDirectory: &isFolder)
        let options = ImageWriteOptions(quality: quality)
        if inputExists && !isFolder.boolValue {
            let destination = URL(fileURLWithPath: output)
            guard force || !FileManager.default.fileExists(atPath: destination.path) else {
                throw CommandOutput.usage(file: output, "already exists; use --force to replace it")
            }
            guard let outputFormat = format ?? ImageFormat(fileExtension: destination.pathExtension) else {
                throw CommandOutput.usage(file: output, "cannot tell the format from '.\(destination.pathExtension)'; use png, jpg, bmp, ppm, pgm, tif or webp, or --format")
            }
            if !convert(URL(fileURLWithPath: input), to: destination, format: outputFormat, resize: target, options: options) {
                throw ExitCode(1)
            }
            return
        }
        let sources = try ImageFiles.expand([input])
        let inputs = (inputExists ? [input] : []) + sources.map(\.path)
        let output = try OutputFolderCLI.check(self.output, argument: "OUT", protecting: OutputFolderCLI.inputs(inputs), force: force)
        // A folder's tree is mirrored so files with the same name in different subfolders
        // stay apart; glob matches go side by side and a clash is reported, not overwritten.
        let inputFolder = inputExists ? URL(fileURLWithPath: input).standardizedFileURL.path + "/" : nil
        let failures = try OutputFolderCLI.write(output, command: "percept image convert") { folder in
            var written: [String: URL] = [:]
            var failures = 0
            for source in sources {
                let outputFormat = format ?? ImageFormat(fileExtension: source.pathExtension) ?? .png
                let stem = source.deletingPathExtension().standardizedFileURL.path
                let relative = (inputFolder.flatMap { stem.hasPrefix($0) ? String(stem.dropFirst($0.count)) : nil }
                    ?? source.deletingPathExtension().lastPathComponent) + "." + outputFormat.fileExtension
                if let earlier = written[relative] {
                    CommandOutput.problem(file: source.path, kind: "error", "would overwrite the output of \(earlier.path); skipped")
                    failures += 1
                    continue
                }
                written[relative] = source
                let destination = folder.appendingPathComponent(relative)
                try? FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                if !convert(source, to: destination, format: outputFormat, resize: target, options: options) {
                    failures += 1
                }
            }
            return failures
        }
        print("converted \(sources.count - failures) of \(sources.count) image(s) into \(output.location.path)")
        if failures > 0 { throw ExitCode(1) }
    }

    /// Converts one file; prints problems and returns false on failure.
    private func convert(_ source: URL, to destination: URL, format: ImageFormat, resize: ResizeTarget?,
                         options: ImageWriteOptions) -> Bool {
        do {
            let (decoded, damage) = try Image.readReportingDamage(contentsOf: source)
            var image = decoded
            if let damage {
                guard lenient else { throw damage }
                CommandOutput.problem(file: source.path, kind: "warning", "\(damage.message) (converted anyway: --lenient)")
            }
            if let resize {
                let size = resize.size(for: image.size)
                image = try image.resized(width: size.width, height: size.height, interpolation: size.width < image.width ? .area : .bilinear)
            }
            image = adapt(image, to: format, source: source)
            try image.write(to: destination, format: format, options: options)
            return true
        } catch let error as ImageError {
            CommandOutput.error(error)
        } catch {
            CommandOutput.problem(file: source.path, kind: "error", "\(error)")
        }
        return false
    }

    /// Drops what the output format cannot hold, with a warning.
    private func adapt(_ image: Image, to format: ImageFormat, source: URL) -> Image {
        var image = image
        let eightBitOnly = format == .jpeg || format == .bmp || format == .webp
        if image.sampleType == .float32 || (eightBitOnly && image.sampleType == .uint16) {
            CommandOutput.problem(file: source.path, kind: "warning", "\(image.sampleType.rawValue) samples stored as 8-bit in \(format.rawValue)")
            image = image.converted(to: .uint8)
        }
        if image.hasAlpha && (format == .jpeg || format == .pnm || (format == .bmp && image.channels == 2)) {
            CommandOutput.problem(file: source.path, kind: "warning", "alpha channel dropped: \(format.rawValue) cannot store it")
            image = image.removingAlpha()
        }
        return image
    }
}

extension ImageFormat: ExpressibleByArgument {
    /// A format's name (`jpeg`) or any of its file extensions (`jpg`, `tif`, `ppm`, …).
    public init?(argument: String) {
        guard let format = ImageFormat(rawValue: argument.lowercased()) ?? ImageFormat(fileExtension: argument) else {
            return nil
        }
        self = format
    }
}

/// `--resize WIDTHxHEIGHT`, where one side may be 0 to keep the aspect ratio.
struct ResizeTarget {
    var width: Int, height: Int

    init(_ text: String) throws {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width >= 0, height >= 0,
              width + height > 0 else {
            throw ValidationError("--resize expects WIDTHxHEIGHT such as 640x480 or 640x0, found '\(text)'")
        }
        self.width = width
        self.height = height
    }

    func size(for original: ImageSize) -> ImageSize {
        let ratio = Double(original.width) / Double(max(original.height, 1))
        if width == 0 { return ImageSize(width: max(1, Int((Double(height) * ratio).rounded())), height: height) }
        if height == 0 { return ImageSize(width: width, height: max(1, Int((Double(width) / ratio).rounded()))) }
        return ImageSize(width: width, height: height)
    }
}
