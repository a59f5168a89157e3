import PerceptLabels

/// Parses a top-level JSON array across the cores: a quick scan finds the commas between its
/// elements (outside strings and nested values), slices of elements are parsed in parallel,
/// and the elements come back in order. When any slice fails, the whole text is parsed again
/// in one piece so the error names the right line and column.
enum JSONArraySplitter {
    /// The elements of the array in `bytes`, or the value itself when it is not an array.
    static func parse(_ bytes: [UInt8], file: String, allowingNonFiniteNumbers: Bool) throws -> JSONValue {
        let whole = { try JSONParser.parse(bytes, file: file, allowingNonFiniteNumbers: allowingNonFiniteNumbers) }
        guard bytes.count > 1 << 16, let boundaries = elementBoundaries(bytes) else { return try whole() }
        let slices = 16
        let pieces: [JSONValue?] = parallelMap(count: slices, minimumChunk: 1) { slice in
            let first = boundaries.count * slice / slices, last = boundaries.count * (slice + 1) / slices
            guard first < last else { return .array([]) }
            var text: [UInt8] = [UInt8(ascii: "[")]
            text += bytes[boundaries[first].lowerBound..<boundaries[last - 1].upperBound]
            text.append(UInt8(ascii: "]"))
            return try? JSONParser.parse(text, file: file, allowingNonFiniteNumbers: allowingNonFiniteNumbers)
        }
        var elements: [JSONValue] = []
        elements.reserveCapacity(boundaries.count)
        for piece in pieces {
            guard let piece, let array = piece.array else { return try whole() }
            elements += array
        }
        guard elements.count == boundaries.count else { return try whole() }
        return .array(elements)
    }

    /// The byte ranges of the top-level array's elements, or nil when the text does not look
    /// like one (the full parser then reports what is wrong).
    private static func elementBoundaries(_ bytes: [UInt8]) -> [Range<Int>]? {
        bytes.withUnsafeBufferPointer { text -> [Range<Int>]? in
            var index = 0
            if text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF { index = 3 }
            while index < text.count, isSpace(text[index]) { index += 1 }
            guard index < text.count, text[index] == UInt8(ascii: "[") else { return nil }
            index += 1
            var ranges: [Range<Int>] = [], start = index, depth = 0, inString = false
            while index < text.count {
                let byte = text[index]
                if inString {
                    if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        if depth == 0 {
                            if byte == UInt8(ascii: "]") && ranges.isEmpty && text[start..<index].allSatisfy(isSpace) { return [] }
                            ranges.append(start..<index)
                            index += 1
                            while index < text.count, isSpace(text[index]) { index += 1 }
                            return index == text.count && byte == UInt8(ascii: "]") ? ranges : nil
                        }
                        depth -= 1
                    case UInt8(ascii: ","):
                        if depth == 0 {
                            ranges.append(start..<index)
                            start = index + 1
                        }
                    default: break
                    }
                }
                index += 1
            }
            return nil
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
