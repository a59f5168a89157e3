import CDeflate

/// Whole-file gzip decompression through libdeflate (the size comes from the gzip trailer).
enum Gzip {
    /// Whether `bytes` start with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed content of a single-member gzip file; `file` names it in errors and
    /// `limit` caps the size its trailer may claim.
    static func decompress(_ bytes: [UInt8], file: String, limit: Int = 1 << 31) throws -> [UInt8] {
        guard bytes.count >= 18 else { throw DataError.malformed(file: file, place: "gzip header", detail: "only \(bytes.count) bytes") }
        // ISIZE: the uncompressed size modulo 2^32, little-endian, in the last four bytes.
        let size = bytes[(bytes.count - 4)...].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard size <= limit else {
            throw DataError.malformed(file: file, place: "gzip trailer", detail: "claims \(size) bytes, more than the \(limit)-byte limit")
        }
        guard let decompressor = libdeflate_alloc_decompressor() else {
            throw DataError.unreadable(file: file, reason: "cannot allocate a gzip decompressor")
        }
        defer { libdeflate_free_decompressor(decompressor) }
        var output = [UInt8](repeating: 0, count: size)
        var written = 0
        let result = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                libdeflate_gzip_decompress(decompressor, input.baseAddress, input.count, out.baseAddress, out.count, &written)
            }
        }
        guard result == LIBDEFLATE_SUCCESS, written == size else {
            throw DataError.malformed(file: file, place: "gzip stream", detail: "the compressed data is damaged or truncated")
        }
        return output
    }
}
