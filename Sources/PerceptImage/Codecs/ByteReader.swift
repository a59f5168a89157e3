/// Bounds-checked reading of integers from a file's bytes; running past the end throws
/// `truncated` naming the file.
struct ByteReader {
    let bytes: [UInt8]
    let file: String

    /// Throws `truncated` unless `count` bytes exist from `offset`.
    func require(_ count: Int, at offset: Int) throws {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw ImageError.truncated(file: file, expectedBytes: offset + count, foundBytes: bytes.count)
        }
    }

    func uint8(at offset: Int) throws -> Int {
        try require(1, at: offset)
        return Int(bytes[offset])
    }

    func uint16(at offset: Int, bigEndian: Bool) throws -> Int {
        try require(2, at: offset)
        let first = Int(bytes[offset]), second = Int(bytes[offset + 1])
        return bigEndian ? first << 8 | second : second << 8 | first
    }

    func uint32(at offset: Int, bigEndian: Bool) throws -> Int {
        try require(4, at: offset)
        let high = try uint16(at: offset + (bigEndian ? 0 : 2), bigEndian: bigEndian)
        let low = try uint16(at: offset + (bigEndian ? 2 : 0), bigEndian: bigEndian)
        return high << 16 | low
    }

    func int32(at offset: Int, bigEndian: Bool) throws -> Int {
        Int(Int32(truncatingIfNeeded: try uint32(at: offset, bigEndian: bigEndian)))
    }
}
