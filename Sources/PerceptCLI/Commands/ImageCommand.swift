import ArgumentParser
import Foundation
import Percept

/// `percept image …`: look at and convert image files.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Inspect and convert images (PNG, JPEG, BMP, PGM/PPM, TIFF, WebP; the format is read from the content).",
        subcommands: [ImageInfoCommand.self, ImageConvertCommand.self]
    )
}

/// `percept image info FILE|DIR… [--json]`: headers without decoding the pixels.
struct ImageInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print format, size, channels, bit depth and EXIF orientation of images (folders are searched recursively)."
    )

    @Argument(help: "Image files or folders.")
    var paths: [String]

    @Flag(help: "Print a JSON array with one object per image.")
    var json = false

    func run() throws {
        let files = try ImageFiles.expand(paths)
        var rows: [[String: Any]] = []
        var failed = false
        for file in files {
            do {
                let info = try ImageInfo(contentsOf: file)
                if json {
                    rows.append([
                        "file": file.path, "format": info.format.rawValue, "width": info.width, "height": info.height,
                        "channels": info.channels, "bit_depth": info.bitDepth, "exif_orientation": info.exifOrientation,
                        "displayed_width": info.displayedSize.width, "displayed_height": info.displayedSize.height,
                    ])
                } else {
                    let orientation = info.exifOrientation == 1 ? "" : "  EXIF orientation \(info.exifOrientation) (shown \(info.displayedSize))"
                    print("\(file.path): \(info.format.rawValue) \(info.width)x\(info.height) \(info.channels) channel(s) \(info.bitDepth)-bit\(orientation)")
                }
            } catch let error as ImageError {
                failed = true
                CommandOutput.error(error)
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        if failed { throw ExitCode(1) }
    }
}

/// Terminal output shared by the image commands: `FILE: error|warning: message` on stderr.
enum CommandOutput {
    static func error(_ error: ImageError) {
        problem(file: error.file, kind: "error", error.message)
    }

    /// Prints a usage problem found while running and returns the exit code for it (2).
    static func usage(file: String, _ message: String) -> ExitCode {
        problem(file: file, kind: "error", message)
        return ExitCode(2)
    }

    static func problem(file: String?, kind: String, _ message: String) {
        let line = (file.map { "\($0): " } ?? "") + "\(kind): \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Finds the image files named on a command line: files as given, folders searched
/// recursively for image extensions, and glob patterns expanded.
enum ImageFiles {
    /// Extensions looked for inside folders (formats Percept cannot read are included so
    /// they are reported rather than silently skipped).
    static let extensions: Set<String> = ["png", "jpg", "jpeg", "jpe", "bmp", "dib", "ppm", "pgm", "pnm", "tif", "tiff", "webp", "gif"]

    static func expand(_ paths: [String]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                files += isFolder.boolValue ? try imagesInFolder(URL(fileURLWithPath: path)) : [URL(fileURLWithPath: path)]
            } else if path.contains(where: { "*?[".contains($0) }) {
                let matches = glob(path)
                guard !matches.isEmpty else { throw CommandOutput.usage(file: path, "no files match this pattern") }
                files += matches.map { URL(fileURLWithPath: $0) }
            } else {
                throw CommandOutput.usage(file: path, "no such file or folder")
            }
        }
        return files
    }

    static func imagesInFolder(_ folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CommandOutput.usage(file: folder.path, "cannot list this folder")
        }
        return walker.compactMap { $0 as? URL }
            .filter { extensions.contains($0.pathExtension.lowercased()) }
            .sorted { $0.path < $1.path }
    }

    /// Paths matching a shell pattern, sorted.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
