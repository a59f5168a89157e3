/// LZF, the byte-oriented LZ77 variant PCL uses for PCD's binary_compressed mode.
///
/// A control byte below 32 starts a run of `control + 1` literal bytes; otherwise its top three
/// bits hold a match length − 2 (7 means "add the next byte") and its low five bits with the
/// following byte hold the distance − 1 back into the output.
enum LZF {
    /// Why a block failed to decompress.
    enum Failure: Error, Equatable {
        /// The output would exceed or fall short of the declared size; `found` is what it reached.
        case sizeMismatch(expected: Int, found: Int)
        /// The block is malformed at `offset` (in the compressed bytes).
        case corrupt(offset: Int, reason: String)
    }

    private static let maximumOffset = 1 << 13
    private static let maximumMatch = 7 + 255 + 2
    private static let hashBits = 14

    /// Decompresses `input`, which must expand to exactly `expectedSize` bytes.
    static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int) throws(Failure) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(expectedSize)
        var position = input.startIndex
        let end = input.endIndex
        while position < end {
            let control = Int(input[position])
            let controlOffset = position - input.startIndex
            position += 1
            if control < 32 {
                let length = control + 1
                guard position + length <= end else {
                    throw .corrupt(offset: controlOffset, reason: "a literal run of \(length) bytes passes the end of the block")
                }
                guard output.count + length <= expectedSize else { throw .sizeMismatch(expected: expectedSize, found: output.count + length) }
                output.append(contentsOf: input[position..<position + length])
                position += length
                continue
            }
            var length = control >> 5
            if length == 7 {
                guard position < end else { throw .corrupt(offset: controlOffset, reason: "the block ends inside a match") }
                length += Int(input[position])
                position += 1
            }
            guard position < end else { throw .corrupt(offset: controlOffset, reason: "the block ends inside a match") }
            let reference = output.count - ((control & 0x1F) << 8) - Int(input[position]) - 1
            position += 1
            length += 2
            guard reference >= 0 else {
                throw .corrupt(offset: controlOffset, reason: "a match refers \(output.count - reference) bytes back, before the start")
            }
            guard output.count + length <= expectedSize else { throw .sizeMismatch(expected: expectedSize, found: output.count + length) }
            // Byte by byte: a match may overlap the bytes it is producing.
            for index in 0..<length { output.append(output[reference + index]) }
        }
        guard output.count == expectedSize else { throw .sizeMismatch(expected: expectedSize, found: output.count) }
        return output
    }

    /// Compresses `input`; incompressible data grows by at most one byte in 32.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(input.count / 2 + 16)
        var table = [Int](repeating: -1, count: 1 << hashBits)
        let count = input.count
        var literalStart = 0
        var position = 0

        func flushLiterals(upTo stop: Int) {
            var start = literalStart
            while start < stop {
                let run = min(32, stop - start)
                output.append(UInt8(run - 1))
                output.append(contentsOf: input[start..<start + run])
                start += run
            }
        }

        while position + 2 < count {
            let key = (Int(input[position]) << 16 | Int(input[position + 1]) << 8 | Int(input[position + 2]))
            let slot = (key &* 0x9E37_79B1) >> (32 - hashBits) & ((1 << hashBits) - 1)
            let candidate = table[slot]
            table[slot] = position
            let distance = position - candidate - 1
            guard candidate >= 0, distance < maximumOffset,
                  input[candidate] == input[position], input[candidate + 1] == input[position + 1],
                  input[candidate + 2] == input[position + 2] else {
                position += 1
                continue
            }
            let longest = min(count - position, maximumMatch)
            var length = 3
            while length < longest && input[candidate + length] == input[position + length] { length += 1 }
            flushLiterals(upTo: position)
            let encodedLength = length - 2
            if encodedLength < 7 {
                output.append(UInt8(encodedLength << 5 | distance >> 8))
            } else {
                output.append(UInt8(7 << 5 | distance >> 8))
                output.append(UInt8(encodedLength - 7))
            }
            output.append(UInt8(distance & 0xFF))
            position += length
            literalStart = position
        }
        flushLiterals(upTo: count)
        return output
    }
}
