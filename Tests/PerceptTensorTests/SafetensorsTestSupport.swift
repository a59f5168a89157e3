import Foundation
import Testing
@testable import PerceptTensor

/// Files and byte builders shared by the safetensors tests.
enum SafetensorsTestSupport {
    /// The committed fixture folder, Fixtures/safetensors.
    static let fixtures: String = {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return tests.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/safetensors").path
    }()

    /// A fresh empty folder under the system temporary folder.
    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    /// A file made of the little-endian `headerLength` (default: the JSON's length), the JSON, then `data`.
    static func fileBytes(header json: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> [UInt8] {
        let header = Array(json.utf8)
        return bytes(headerLength ?? UInt64(header.count)) + header + data
    }

    /// The 8 little-endian bytes of `value`.
    static func bytes(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// Writes `bytes` to a new file called `name` and returns its path.
    static func write(_ bytes: [UInt8], named name: String) throws -> String {
        let path = try temporaryFolder() + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Opens `bytes` as a file both ways and returns the error each way throws;
    /// both must fail, with the same error, and the error must name the file.
    static func openingError(_ bytes: [UInt8], named name: String = "corrupt.safetensors") throws -> (path: String, error: SafetensorsError?) {
        let path = try write(bytes, named: name)
        var errors: [SafetensorsError] = []
        for loading in [SafetensorsFile.Loading.memoryMapped, .readFully] {
            do {
                _ = try SafetensorsFile(path: path, loading: loading)
            } catch let error as SafetensorsError {
                errors.append(error)
            }
        }
        guard errors.count == 2, errors[0] == errors[1] else { return (path, nil) }
        #expect(errors[0].description.contains(path), "message names the file: \(errors[0])")
        return (path, errors[0])
    }

    /// SplitMix64: a small seeded generator, so a failing random test fails the same way again.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    /// A header entry with the given fields, as JSON text.
    static func entry(_ dtype: String = "F32", shape: String = "[2]", offsets: String = "[0,8]") -> String {
        "{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }
}
