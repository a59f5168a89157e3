import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files written so that a process killed at any moment leaves either the old state or the
/// complete new file under the final name, never part of one.
enum DurableFile {
    /// Ends the names of files still being written; a resumed run deletes them.
    static let partialSuffix = ".partial"

    /// Writes `bytes` under a hidden temporary name beside `url`, flushes them to the disk
    /// (unless `synchronize` is false, for files a later `synchronize(_:in:)` covers), then
    /// renames the file into place (a rename within a folder is atomic).
    static func write(_ bytes: [UInt8], to url: URL, synchronize: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent)\(partialSuffix)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetAugmentError.cannotWrite(file: url.path, reason: error.localizedDescription)
        }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw failure(url) }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            while written < buffer.count {
                let result = Glibc.write(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return true
        }
        let error = ok && (!synchronize || fsync(descriptor) == 0) ? nil : failure(url)
        close(descriptor)
        if let error {
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else { throw failure(url) }
    }

    /// Appends `bytes` to the open file and flushes them to the disk before returning.
    static func append(_ bytes: [UInt8], to handle: FileHandle, file: String) throws {
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
        } catch {
            throw DatasetAugmentError.cannotWrite(file: file, reason: error.localizedDescription)
        }
    }

    /// Flushes everything written under `folder` to the disk: one `syncfs` for the file
    /// system (far cheaper than a flush per file), or, where that call is missing, an
    /// `fsync` of each of `files`.
    static func synchronize(_ files: [URL], in folder: URL) throws {
        typealias SyncCall = @convention(c) (Int32) -> Int32
        // Glibc's module hides syncfs behind _GNU_SOURCE, so it is looked up at run time.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") {
            let descriptor = open(folder.path, O_RDONLY)
            if descriptor >= 0 {
                defer { close(descriptor) }
                if unsafeBitCast(symbol, to: SyncCall.self)(descriptor) == 0 { return }
            }
        }
        for file in files {
            let descriptor = open(file.path, O_RDONLY)
            guard descriptor >= 0 else { throw failure(file) }
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw failure(file) }
        }
    }

    /// Deletes the leftovers of writes a killed run did not finish, under `folder`.
    static func removePartialFiles(under folder: URL) {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return }
        for case let url as URL in walker where url.lastPathComponent.hasSuffix(partialSuffix) {
            try? FileManager.default.removeItem(at: url)
        }
    }

    private static func failure(_ url: URL) -> DatasetAugmentError {
        .cannotWrite(file: url.path, reason: String(cString: strerror(errno)))
    }
}
