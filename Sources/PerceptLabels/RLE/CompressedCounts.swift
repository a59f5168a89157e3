extension RunLengthEncoding {
    /// The counts as COCO's compressed string: each count after the second is stored as the
    /// difference to the count two places back, then written like LEB128 in 5-bit groups with a
    /// continuation bit, one ASCII character (48–111) per group.
    public var compressedString: String {
        var characters: [UInt8] = []
        characters.reserveCapacity(counts.count * 2)
        for index in counts.indices {
            var value = Int64(counts[index])
            if index > 2 { value -= Int64(counts[index - 2]) }
            var more = true
            while more {
                var group = UInt8(truncatingIfNeeded: value & 0x1F)
                value >>= 5
                // The sign bit of the group decides when a negative difference is complete.
                more = group & 0x10 != 0 ? value != -1 : value != 0
                if more { group |= 0x20 }
                characters.append(group + 48)
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Decodes COCO's compressed string for a mask of `height` × `width`. Throws for characters
    /// outside 48–111, a truncated final group, or a count that is negative or too large.
    public init(compressed string: String, height: Int, width: Int) throws {
        var counts: [UInt32] = []
        var value: Int64 = 0, shift: Int64 = 0
        var pending = false
        for (position, byte) in string.utf8.enumerated() {
            guard (48...111).contains(byte) else {
                throw LabelError.invalidArgument(
                    "RLE counts string: character \(position + 1) is '\(Character(Unicode.Scalar(byte)))', expected one of ASCII 48-111 ('0'-'o')")
            }
            let group = Int64(byte - 48)
            guard shift < 60 else {
                throw LabelError.invalidArgument("RLE counts string: a count at character \(position + 1) is too long")
            }
            value |= (group & 0x1F) << shift
            shift += 5
            pending = true
            if group & 0x20 == 0 {
                if group & 0x10 != 0 { value |= -1 << shift }
                if counts.count > 2 { value += Int64(counts[counts.count - 2]) }
                guard let count = UInt32(exactly: value) else {
                    throw LabelError.invalidArgument(
                        "RLE counts string: count \(counts.count + 1) decodes to \(value), expected 0...\(UInt32.max)")
                }
                counts.append(count)
                value = 0
                shift = 0
                pending = false
            }
        }
        guard !pending else {
            throw LabelError.invalidArgument("RLE counts string ends in the middle of a count")
        }
        self.init(height: height, width: width, counts: counts)
    }
}
