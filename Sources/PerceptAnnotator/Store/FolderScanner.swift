import Foundation
import PerceptImage

/// Finds the images under the served folder and keeps every path inside it.
enum FolderScanner {
    /// An image file found on disk, before its header is read.
    struct Found {
        var path: String
        var url: URL
        var fileSize: Int
        var modified: Double
    }

    /// Every image file under `root` (subfolders included, hidden entries skipped), sorted by
    /// path. Symbolic links that lead out of `root` are left out.
    static func images(under root: URL) -> [Found] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey, .fileSizeKey, .contentModificationDateKey]
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys,
                                                          options: [.skipsHiddenFiles]) else { return [] }
        let rootPath = root.standardizedFileURL.path
        let resolvedRoot = root.resolvingSymlinksInPath().path
        var found: [Found] = []
        for case let url as URL in walker where ImageFormat(fileExtension: url.pathExtension.lowercased()) != nil {
            guard let values = try? url.resourceValues(forKeys: Set(keys)) else { continue }
            var fileURL = url
            if values.isSymbolicLink == true {
                let target = url.resolvingSymlinksInPath()
                guard isInside(target.path, root: resolvedRoot) else { continue }
                fileURL = target
            } else if values.isRegularFile != true {
                continue
            }
            let target = (try? fileURL.resourceValues(forKeys: Set(keys))) ?? values
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(rootPath + "/") else { continue }
            found.append(Found(path: String(full.dropFirst(rootPath.count + 1)), url: url,
                               fileSize: target.fileSize ?? 0,
                               modified: target.contentModificationDate?.timeIntervalSince1970 ?? 0))
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The displayed size of the image at `url`, from its header: the first 64 KiB usually
    /// hold it; a JPEG with a large EXIF block needs the whole file.
    static func displayedSize(of url: URL) throws -> ImageSize {
        let head: [UInt8]
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = [UInt8](try handle.read(upToCount: 65_536) ?? Data())
        } catch {
            throw AnnotatorError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        if let info = try? ImageInfo.read(head, file: url.path) { return info.displayedSize }
        return try ImageInfo(contentsOf: url).displayedSize
    }

    /// The file for `relative` inside `root`, refusing absolute paths, `..` components and
    /// symbolic links that lead outside.
    static func resolve(_ relative: String, in root: URL) throws -> URL {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.contains("\0"), !relative.contains("\\"),
              !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw AnnotatorError.forbidden("'\(relative)' is not a plain path inside the served folder")
        }
        let url = root.appendingPathComponent(relative)
        guard isInside(url.resolvingSymlinksInPath().path, root: root.resolvingSymlinksInPath().path) else {
            throw AnnotatorError.forbidden("'\(relative)' leads outside the served folder")
        }
        return url
    }

    /// True when `path` is strictly inside the folder `root` (both already resolved).
    static func isInside(_ path: String, root: String) -> Bool {
        path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}
