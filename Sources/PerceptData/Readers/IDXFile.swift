import Foundation

/// An IDX file (the MNIST family's format), gzip-compressed or not: a big-endian header giving
/// the element type and dimensions, then the elements. Only unsigned bytes are read, which is
/// what image and label files hold.
public struct IDXFile: Sendable {
    /// The size of each dimension (`[60000, 28, 28]` for images, `[60000]` for labels).
    public let dimensions: [Int]
    /// The elements, row-major.
    public let bytes: [UInt8]

    /// Reads the file at `url` (`.gz` or plain).
    public init(contentsOf url: URL) throws {
        let raw: [UInt8]
        do { raw = [UInt8](try Data(contentsOf: url)) } catch {
            throw DataError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(raw, file: url.path)
    }

    /// Parses IDX content (decompressing gzip first); `file` names it in errors.
    public init(_ content: [UInt8], file: String) throws {
        var bytes = Gzip.isCompressed(content) ? try Gzip.decompress(content, file: file) : content
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DataError.malformed(file: file, place: "byte 0", detail: "not an IDX file (the magic number must start with two zero bytes)")
        }
        guard bytes[2] == 0x08 else {
            throw DataError.malformed(file: file, place: "byte 2",
                                      detail: "element type 0x\(String(bytes[2], radix: 16)) is not unsigned bytes (0x08)")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard rank >= 1, bytes.count >= headerSize else {
            throw DataError.malformed(file: file, place: "byte 3", detail: "\(rank) dimensions do not fit a \(bytes.count)-byte file")
        }
        var dimensions: [Int] = []
        var count = 1
        for axis in 0..<rank {
            let start = 4 + 4 * axis
            let size = bytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
            dimensions.append(size)
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw DataError.malformed(file: file, place: "byte \(start)", detail: "dimensions \(dimensions) are too large") }
            count = product
        }
        guard bytes.count == headerSize + count else {
            throw DataError.malformed(file: file, place: "byte \(headerSize)",
                                      detail: "dimensions \(dimensions) need \(count) bytes of data, found \(bytes.count - headerSize)")
        }
        // Dropping the header in place keeps a 47 MB image file from being held twice.
        bytes.removeFirst(headerSize)
        self.dimensions = dimensions
        self.bytes = bytes
    }
}
