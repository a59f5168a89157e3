#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a whole safetensors file, either memory-mapped or read into memory.
/// A final class so that every view of the file shares one mapping, released in `deinit`.
final class SafetensorsStorage: @unchecked Sendable {
    // Safe to share: the bytes are never written after `init`.
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// Maps or reads the file at `path`.
    init(path: String, memoryMapped: Bool) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.systemError(path: path, action: "open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.systemError(path: path, action: "stat") }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SafetensorsError.unreadable(file: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        // mmap cannot map zero bytes; an empty file is reported by the header check instead.
        if memoryMapped && size > 0 {
            guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
                throw Self.systemError(path: path, action: "mmap")
            }
            bytes = UnsafeRawBufferPointer(start: address, count: size)
            isMapped = true
        } else {
            bytes = try Self.readAll(descriptor: descriptor, size: size, path: path)
            isMapped = false
        }
    }

    /// Copies bytes already in memory.
    init(copying source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 64)
        buffer.copyBytes(from: source)
        bytes = UnsafeRawBufferPointer(buffer)
        isMapped = false
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        } else {
            bytes.deallocate()
        }
    }

    /// Reads `size` bytes into fresh memory aligned like a mapping, so both modes see the
    /// same alignment.
    private static func readAll(descriptor: Int32, size: Int, path: String) throws -> UnsafeRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        guard let base = buffer.baseAddress else { return UnsafeRawBufferPointer(buffer) }
        var filled = 0
        while filled < size {
            let count = read(descriptor, base + filled, size - filled)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let error = count < 0 ? systemError(path: path, action: "read") : SafetensorsError.unreadable(file: path, reason: "file shrank while reading at byte \(filled)")
                buffer.deallocate()
                throw error
            }
            filled += count
        }
        return UnsafeRawBufferPointer(buffer)
    }

    static func systemError(path: String, action: String) -> SafetensorsError {
        SafetensorsError.unreadable(file: path, reason: "\(action) failed: \(String(cString: strerror(errno)))")
    }
}
