import Foundation

// TO REPLACE: a stand-in until PerceptTensor's own safetensors reader reaches main; then
// ParityFile should read through SafetensorsFile and this file should go.

/// The few safetensors features the parity fixtures use: F32, I64 and BOOL tensors and string
/// metadata, from a whole file read into memory, with every offset checked before use.
struct ParitySafetensorsReader {
    /// One tensor's dtype (the file's spelling), shape and byte range inside the data section.
    struct Entry {
        let dtype: String
        let shape: [Int]
        let bytes: Range<Int>
    }

    let path: String
    let metadata: [String: String]
    let entries: [String: Entry]
    private let data: Data

    init(path: String) throws {
        self.path = path
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        guard file.count >= 8 else { throw Self.bad(path, "shorter than the 8-byte header length") }
        let headerLength = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard headerLength <= file.count - 8,
              let header = try? JSONSerialization.jsonObject(with: file.subdata(in: 8..<(8 + headerLength))) as? [String: Any]
        else { throw Self.bad(path, "header of \(headerLength) bytes is not a JSON object inside the file") }
        data = file.subdata(in: (8 + headerLength)..<file.count)
        metadata = header["__metadata__"] as? [String: String] ?? [:]
        var entries: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int],
                  offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= data.count
            else { throw Self.bad(path, "tensor \(name): missing dtype, shape or data_offsets inside the data") }
            entries[name] = Entry(dtype: dtype, shape: shape, bytes: offsets[0]..<offsets[1])
        }
        self.entries = entries
    }

    /// The float32 elements of `entry`.
    func floats(_ entry: Entry) -> [Float] { elements(entry, as: UInt32.self).map { Float(bitPattern: $0) } }

    /// The int64 elements of `entry`.
    func ints(_ entry: Entry) -> [Int] { elements(entry, as: UInt64.self).map { Int(Int64(bitPattern: $0)) } }

    /// The bool elements of `entry` (any non-zero byte is true).
    func bools(_ entry: Entry) -> [Bool] { elements(entry, as: UInt8.self).map { $0 != 0 } }

    private func elements<Raw: FixedWidthInteger>(_ entry: Entry, as _: Raw.Type) -> [Raw] {
        let size = MemoryLayout<Raw>.size
        return data.withUnsafeBytes { bytes in
            (0..<(entry.bytes.count / size)).map { index in
                Raw(littleEndian: bytes.loadUnaligned(fromByteOffset: entry.bytes.lowerBound + index * size, as: Raw.self))
            }
        }
    }

    private static func bad(_ path: String, _ problem: String) -> ParityFixtureError {
        .unreadable(file: path, problem: problem)
    }
}
