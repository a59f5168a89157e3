/// A zip archive whose entries are stored uncompressed, as `torch.save` writes them: the central
/// directory is read from the end of the file, every entry's data located through its local
/// header and checked against its CRC-32 when read. Compressed entries, zip64 sizes beyond the
/// file and entries that overlap the end are errors naming the archive and the entry.
struct StoredZipArchive {
    /// One entry of the central directory.
    struct Entry {
        let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let file: String
    let bytes: [UInt8]
    /// Entries by name, in directory order.
    let entries: [Entry]

    /// Whether `bytes` start like a zip archive (a local file header).
    static func looksLikeZip(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// Reads the central directory of `bytes`.
    init(bytes: [UInt8], file: String) throws {
        self.file = file
        self.bytes = bytes
        guard let end = Self.endOfDirectory(bytes) else {
            throw TorchFileError.truncatedArchive(file: file, detail: "no end-of-central-directory record (the file is cut short or not a zip archive)")
        }
        var count = Int(Self.word16(bytes, end + 10))
        var directorySize = Int(Self.word32(bytes, end + 12))
        var directoryOffset = Int(Self.word32(bytes, end + 16))
        // Zip64: the classic record holds 0xFFFF/0xFFFFFFFF and a zip64 record precedes its locator.
        if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF || directorySize == 0xFFFF_FFFF {
            let locator = end - 20
            guard locator >= 0, Self.word32(bytes, locator) == 0x0706_4B50 else {
                throw TorchFileError.truncatedArchive(file: file, detail: "the zip64 end-of-directory locator is missing")
            }
            let record = Int(clamping: Self.word64(bytes, locator + 8))
            guard record >= 0, record + 56 <= bytes.count, Self.word32(bytes, record) == 0x0606_4B50 else {
                throw TorchFileError.truncatedArchive(file: file, detail: "the zip64 end-of-directory record is missing")
            }
            count = Int(clamping: Self.word64(bytes, record + 32))
            directorySize = Int(clamping: Self.word64(bytes, record + 40))
            directoryOffset = Int(clamping: Self.word64(bytes, record + 48))
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= bytes.count - directorySize, count <= directorySize / 46 else {
            throw TorchFileError.truncatedArchive(file: file, detail: "the central directory lies outside the file")
        }
        var entries: [Entry] = []
        var position = directoryOffset
        for index in 0..<count {
            guard position + 46 <= directoryOffset + directorySize, Self.word32(bytes, position) == 0x0201_4B50 else {
                throw TorchFileError.truncatedArchive(file: file, detail: "central directory entry \(index) is damaged")
            }
            let nameLength = Int(Self.word16(bytes, position + 28)), extraLength = Int(Self.word16(bytes, position + 30))
            let commentLength = Int(Self.word16(bytes, position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= directoryOffset + directorySize else {
                throw TorchFileError.truncatedArchive(file: file, detail: "central directory entry \(index) runs past the directory")
            }
            var compressed = Int(Self.word32(bytes, position + 20)), size = Int(Self.word32(bytes, position + 24))
            var offset = Int(Self.word32(bytes, position + 42))
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            Self.applyZip64(bytes, extra: (position + 46 + nameLength)..<(position + 46 + nameLength + extraLength),
                            size: &size, compressed: &compressed, offset: &offset)
            entries.append(Entry(name: name, method: Self.word16(bytes, position + 10), crc: Self.word32(bytes, position + 16),
                                 compressedSize: compressed, size: size, localHeaderOffset: offset))
            position = next
        }
        self.entries = entries
    }

    /// The entry called `name`, if any.
    func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The bytes of `entry`, checked: stored, inside the file, CRC-32 as recorded.
    func data(of entry: Entry) throws -> ArraySlice<UInt8> {
        guard entry.method == 0 else {
            throw TorchFileError.unsupported(file: file, detail: "entry \(entry.name) is compressed (method \(entry.method)); torch.save stores entries uncompressed")
        }
        let header = entry.localHeaderOffset
        guard header >= 0, header + 30 <= bytes.count, Self.word32(bytes, header) == 0x0403_4B50 else {
            throw TorchFileError.truncatedArchive(file: file, detail: "the local header of \(entry.name) is missing")
        }
        let start = header + 30 + Int(Self.word16(bytes, header + 26)) + Int(Self.word16(bytes, header + 28))
        guard entry.size == entry.compressedSize, start <= bytes.count, entry.size <= bytes.count - start else {
            throw TorchFileError.truncatedArchive(file: file, detail: "entry \(entry.name) needs \(entry.size) bytes at offset \(start); the file has \(bytes.count)")
        }
        let data = bytes[start..<(start + entry.size)]
        let crc = CRC32.checksum(data)
        guard crc == entry.crc else {
            throw TorchFileError.corrupt(file: file, detail: "entry \(entry.name) fails its CRC-32 check (damaged data)")
        }
        return data
    }

    /// The offset of the end-of-central-directory record, searched back over the comment.
    private static func endOfDirectory(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 22 else { return nil }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var position = bytes.count - 22
        while position >= lowest {
            if word32(bytes, position) == 0x0605_4B50 { return position }
            position -= 1
        }
        return nil
    }

    /// Replaces saturated sizes and offset with the zip64 extra field's values, in its order.
    private static func applyZip64(_ bytes: [UInt8], extra: Range<Int>, size: inout Int, compressed: inout Int, offset: inout Int) {
        var position = extra.lowerBound
        while position + 4 <= extra.upperBound {
            let tag = word16(bytes, position), length = Int(word16(bytes, position + 2))
            let body = position + 4
            guard body + length <= extra.upperBound else { return }
            if tag == 0x0001 {
                var field = body
                func next(_ value: inout Int) {
                    guard value == 0xFFFF_FFFF, field + 8 <= body + length else { return }
                    value = Int(clamping: word64(bytes, field))
                    field += 8
                }
                next(&size)
                next(&compressed)
                next(&offset)
            }
            position = body + length
        }
    }

    static func word16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func word32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }

    static func word64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { return 0 }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zip uses it).
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { value, _ in value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        bytes.withUnsafeBufferPointer { buffer in
            table.withUnsafeBufferPointer { table in
                for byte in buffer { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
