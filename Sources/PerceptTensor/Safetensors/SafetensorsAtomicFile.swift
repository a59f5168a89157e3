#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file so that it appears complete or not at all.
enum SafetensorsAtomicFile {
    /// Writes `chunks` in order to a temporary file beside `path`, flushes it, then renames it to `path`.
    static func save(_ chunks: [[UInt8]], to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(folder).\(base).XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file in the same folder") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            for chunk in chunks { try writeAll(chunk, to: descriptor, path: path) }
            // mkstemp creates the file private to its owner; give it a data file's usual mode.
            guard fchmod(descriptor, 0o644) == 0 else { throw failure(path, "fchmod") }
            guard fsync(descriptor) == 0 else { throw failure(path, "fsync") }
            guard close(descriptor) == 0 else {
                unlink(temporary)
                throw failure(path, "close")
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure(path, "rename")
            unlink(temporary)
            throw error
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var written = 0
            while written < buffer.count {
                let count = write(descriptor, base + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw failure(path, "write") }
                written += count
            }
        }
    }

    private static func failure(_ path: String, _ action: String) -> SafetensorsError {
        SafetensorsError.writeFailed(file: path, reason: "\(action): \(String(cString: strerror(errno)))")
    }
}
