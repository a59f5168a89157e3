import Foundation
import PerceptImage

/// File-system helpers shared by the folder readers and writers.
enum DatasetFiles {
    /// Extensions of the image files a dataset folder may hold.
    static let imageExtensions: Set = ["jpg", "jpeg", "png", "bmp", "ppm", "pgm", "pbm", "tif", "tiff", "webp"]

    static func isImage(_ url: URL) -> Bool { imageExtensions.contains(url.pathExtension.lowercased()) }

    static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Every file under `folder` (recursively), as paths relative to it with `/`, sorted so
    /// every run numbers images the same way.
    static func files(under folder: URL, where include: (URL) -> Bool = { _ in true }) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let base = folder.standardizedFileURL.path
        var result: [String] = []
        for case let url as URL in enumerator where include(url) && !isDirectory(url) {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            result.append(String(path.dropFirst(base.count + 1)))
        }
        return result.sorted()
    }

    /// Immediate subfolders of `folder`, sorted by name.
    static func subfolders(of folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && isDirectory(folder.appendingPathComponent($0)) }.sorted()
    }

    static func read(_ url: URL, file: String) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw LabelError.unreadable(file: file, reason: error.localizedDescription)
        }
    }

    /// Writes atomically (a temporary file beside the target, then a rename), creating folders.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw LabelError.unreadable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// The header of an image, or nil with a problem naming the file added to `problems`.
    static func imageInfo(_ url: URL, problems: inout [LabelProblem]) -> ImageInfo? {
        switch imageSize(url, file: url.path) {
        case .success(let info): return info
        case .failure(let problem):
            problems.append(problem)
            return nil
        }
    }

    /// The displayed size of an image from its header, or a problem naming the file.
    static func imageSize(_ url: URL, file: String) -> Result<ImageInfo, LabelProblem> {
        do {
            return .success(try ImageInfo(contentsOf: url))
        } catch {
            return .failure(LabelProblem(file: file, severity: .error, message: "cannot read the image: \(error)"))
        }
    }

    /// The file name without its extension.
    static func stem(_ path: String) -> String {
        let name = (path as NSString).lastPathComponent
        return (name as NSString).deletingPathExtension
    }
}

/// How a writer puts the image files into the output folder.
public enum ImagePlacement: String, Sendable, CaseIterable {
    /// Copy each file (the default: the output stands alone).
    case copy
    /// Hard-link each file (no extra space; same file system only).
    case hardLink
    /// Symbolic link to each source file.
    case symbolicLink
    /// Write labels only.
    case none

    /// Places `image.source` at `destination`; images without a source are skipped.
    func place(_ image: DatasetImage, at destination: URL) throws {
        guard self != .none, let source = image.source else { return }
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
            switch self {
            case .copy:
                // Copy to a temporary name, then rename, so a killed run leaves no half file.
                let temporary = destination.deletingLastPathComponent()
                    .appendingPathComponent(".\(destination.lastPathComponent).partial")
                if manager.fileExists(atPath: temporary.path) { try manager.removeItem(at: temporary) }
                try manager.copyItem(at: source, to: temporary)
                try manager.moveItem(at: temporary, to: destination)
            case .hardLink: try manager.linkItem(at: source, to: destination)
            case .symbolicLink: try manager.createSymbolicLink(at: destination, withDestinationURL: source.standardizedFileURL)
            case .none: break
            }
        } catch {
            throw LabelError.unreadable(file: destination.path, reason: "cannot place the image from \(source.path): \(error.localizedDescription)")
        }
    }
}
