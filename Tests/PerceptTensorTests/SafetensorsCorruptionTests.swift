import Foundation
import Testing
@testable import PerceptTensor

/// Every malformed header is a typed error naming the file and, where there is one, the tensor.
@Suite("safetensors: corrupt files")
struct SafetensorsCorruptionTests {
    typealias Support = SafetensorsTestSupport

    /// Asserts that a file with this header and data fails with `expected(path)`, and that the
    /// message quotes `tensor` when given.
    private func expectFailure(
        header: String, data: [UInt8] = [], headerLength: UInt64? = nil, tensor: String? = nil,
        _ expected: (String) -> SafetensorsError, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (path, error) = try Support.openingError(Support.fileBytes(header: header, data: data, headerLength: headerLength))
        #expect(error == expected(path), sourceLocation: sourceLocation)
        if let tensor, let error {
            #expect(error.description.contains("'\(tensor)'"), "message names the tensor: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a file shorter than the 8-byte header length is rejected", arguments: [0, 1, 7])
    func fileTooShort(size: Int) throws {
        let (path, error) = try Support.openingError([UInt8](repeating: 1, count: size))
        #expect(error == .fileTooShort(file: path, size: size))
    }

    @Test("a header length past the end of the file is rejected")
    func headerPastEnd() throws {
        try expectFailure(header: "{}", headerLength: 3) { .headerPastEnd(file: $0, headerLength: 3, fileSize: 10) }
    }

    @Test("an absurd header length is rejected before any allocation", arguments: [UInt64(200 << 20), UInt64.max])
    func headerTooLarge(length: UInt64) throws {
        try expectFailure(header: "{}", headerLength: length) {
            .headerTooLarge(file: $0, headerLength: length, limit: 100 << 20)
        }
    }

    @Test("a header that is not UTF-8 is rejected with the byte offset")
    func headerNotUTF8() throws {
        var bytes = Support.fileBytes(header: "{\"ab\":{}}")
        bytes[10] = 0xFF
        let (path, error) = try Support.openingError(bytes)
        #expect(error == .headerNotUTF8(file: path, offset: 10))
    }

    @Test("a header that is not JSON is rejected with the byte offset", arguments: [
        ("{\"a\":", 13), ("{\"a\" 1}", 13), ("{'a':1}", 9), ("{\"a\":[1,]}", 16), ("{} x", 11), ("", 8),
        ("{\"a\":01}", 14), ("{\"a\":\"\\q\"}", 16), ("{\"a\":\"\\ud800\"}", 20), (String(repeating: "[", count: 100), 72),
    ])
    func headerNotJSON(json: String, offset: Int) throws {
        let (_, error) = try Support.openingError(Support.fileBytes(header: json))
        guard case let .headerNotJSON(_, foundOffset, _) = error else {
            Issue.record("expected headerNotJSON, got \(String(describing: error))")
            return
        }
        #expect(foundOffset == offset)
    }

    @Test("a header that is JSON but not an object is rejected", arguments: [("[]", "an array"), ("\"x\"", "the string \"x\""), ("3", "the number 3")])
    func headerNotObject(json: String, found: String) throws {
        try expectFailure(header: json) { .headerNotObject(file: $0, found: found) }
    }

    @Test("an entry that is not an object is rejected")
    func entryNotObject() throws {
        try expectFailure(header: "{\"w\":[1,2]}", tensor: "w") { .entryNotObject(file: $0, tensor: "w", found: "an array") }
    }

    @Test("an entry missing a field is rejected", arguments: ["dtype", "shape", "data_offsets"])
    func missingField(field: String) throws {
        let fields = ["\"dtype\":\"F32\"", "\"shape\":[2]", "\"data_offsets\":[0,8]"].filter { !$0.hasPrefix("\"\(field)\"") }
        let header = "{\"w\":{" + fields.joined(separator: ",") + "}}"
        try expectFailure(header: header, data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .missingField(file: $0, tensor: "w", field: field)
        }
    }

    @Test("fields of the wrong JSON type are rejected")
    func wrongFieldTypes() throws {
        let data = [UInt8](repeating: 0, count: 8)
        try expectFailure(header: "{\"w\":\(Support.entry().replacingOccurrences(of: "\"F32\"", with: "32"))}", data: data, tensor: "w") {
            .wrongFieldType(file: $0, tensor: "w", field: "dtype", expected: "a string", found: "the number 32")
        }
        try expectFailure(header: "{\"w\":\(Support.entry(shape: "\"2\""))}", data: data, tensor: "w") {
            .wrongFieldType(file: $0, tensor: "w", field: "shape", expected: "an array of integers", found: "the string \"2\"")
        }
        try expectFailure(header: "{\"w\":\(Support.entry(offsets: "[0,8,16]"))}", data: data, tensor: "w") {
            .wrongFieldType(file: $0, tensor: "w", field: "data_offsets", expected: "an array of two integers", found: "an array")
        }
        try expectFailure(header: "{\"w\":\(Support.entry(offsets: "null"))}", data: data, tensor: "w") {
            .wrongFieldType(file: $0, tensor: "w", field: "data_offsets", expected: "an array of two integers", found: "null")
        }
    }

    @Test("an unknown dtype is rejected and named")
    func unknownDType() throws {
        try expectFailure(header: "{\"w\":\(Support.entry("F128"))}", data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .unknownDType(file: $0, tensor: "w", dtype: "F128")
        }
    }

    @Test("negative, fractional and huge dimensions are rejected", arguments: [
        ("[2,-1]", 1, "the number -1"), ("[2.0]", 0, "the number 2.0"), ("[1e3]", 0, "the number 1e3"),
        ("[true]", 0, "true"), ("[99999999999999999999]", 0, "the number 99999999999999999999"),
    ])
    func invalidDimension(shape: String, index: Int, found: String) throws {
        try expectFailure(header: "{\"w\":\(Support.entry(shape: shape))}", data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .invalidDimension(file: $0, tensor: "w", index: index, found: found)
        }
    }

    @Test("negative and fractional offsets are rejected", arguments: [("[-8,0]", 0, "the number -8"), ("[0,8.5]", 1, "the number 8.5")])
    func invalidOffset(offsets: String, index: Int, found: String) throws {
        try expectFailure(header: "{\"w\":\(Support.entry(offsets: offsets))}", data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .invalidOffset(file: $0, tensor: "w", index: index, found: found)
        }
    }

    @Test("offsets outside the data buffer or reversed are rejected", arguments: [(0, 16), (8, 0), (4, 12), (9_223_372_036_854_775_807, 9_223_372_036_854_775_807)])
    func offsetsOutOfRange(begin: Int, end: Int) throws {
        try expectFailure(header: "{\"w\":\(Support.entry(offsets: "[\(begin),\(end)]"))}", data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .offsetsOutOfRange(file: $0, tensor: "w", begin: begin, end: end, dataSize: 8)
        }
    }

    @Test("a byte range that does not match dtype and shape is rejected")
    func byteSizeMismatch() throws {
        try expectFailure(header: "{\"w\":\(Support.entry(shape: "[3]"))}", data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .byteSizeMismatch(file: $0, tensor: "w", dtype: .float32, shape: [3], expected: 12, found: 8)
        }
    }

    @Test("a shape whose byte count overflows is rejected, not trapped")
    func byteSizeOverflow() throws {
        let huge = 1 << 40
        try expectFailure(header: "{\"w\":\(Support.entry(shape: "[\(huge),\(huge)]"))}", data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .byteSizeMismatch(file: $0, tensor: "w", dtype: .float32, shape: [huge, huge], expected: nil, found: 8)
        }
    }

    @Test("tensors sharing bytes are rejected")
    func overlapping() throws {
        let header = "{\"a\":\(Support.entry(offsets: "[0,8]")),\"b\":\(Support.entry("F16", shape: "[2]", offsets: "[6,10]"))}"
        try expectFailure(header: header, data: [UInt8](repeating: 0, count: 12), tensor: "b") {
            .overlappingTensors(file: $0, tensor: "b", other: "a")
        }
    }

    @Test("a tensor inside another tensor's bytes is rejected")
    func nested() throws {
        let header = "{\"outer\":\(Support.entry(shape: "[4]", offsets: "[0,16]")),\"inner\":\(Support.entry("U8", shape: "[1]", offsets: "[15,16]"))}"
        try expectFailure(header: header, data: [UInt8](repeating: 0, count: 16), tensor: "inner") {
            .overlappingTensors(file: $0, tensor: "inner", other: "outer")
        }
    }

    @Test("a name given twice is rejected, although JSON parsers usually keep only the last one")
    func duplicateName() throws {
        let header = "{\"w\":\(Support.entry(offsets: "[0,8]")),\"w\":\(Support.entry(offsets: "[8,16]"))}"
        try expectFailure(header: header, data: [UInt8](repeating: 0, count: 16), tensor: "w") {
            .duplicateName(file: $0, tensor: "w")
        }
    }

    @Test("a field given twice inside an entry is rejected")
    func duplicateField() throws {
        let header = "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}"
        try expectFailure(header: header, data: [UInt8](repeating: 0, count: 8), tensor: "w") {
            .duplicateField(file: $0, tensor: "w", field: "dtype")
        }
    }

    @Test("metadata that is not an object of strings is rejected")
    func invalidMetadata() throws {
        try expectFailure(header: "{\"__metadata__\":{\"epochs\":10}}") { .invalidMetadata(file: $0, key: "epochs", found: "the number 10") }
        try expectFailure(header: "{\"__metadata__\":[\"a\"]}") { .invalidMetadata(file: $0, key: nil, found: "an array") }
        try expectFailure(header: "{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}") {
            .duplicateField(file: $0, tensor: "__metadata__", field: "a")
        }
    }

    @Test("a missing file, a folder and an unknown tensor name are typed errors")
    func unreadable() throws {
        let folder = try Support.temporaryFolder()
        #expect(throws: SafetensorsError.unreadable(file: folder + "/none", reason: "open failed: No such file or directory")) {
            try SafetensorsFile(path: folder + "/none")
        }
        #expect(throws: SafetensorsError.unreadable(file: folder, reason: "not a regular file")) {
            try SafetensorsFile(path: folder)
        }
        let path = try Support.write(Support.fileBytes(header: "{}      "), named: "empty.safetensors")
        let file = try SafetensorsFile(path: path)
        #expect(throws: SafetensorsError.tensorNotFound(file: path, tensor: "w")) { try file.floats(of: "w") }
    }

    @Test("random corruption of a valid file never crashes the reader")
    func randomCorruption() throws {
        var writer = SafetensorsWriter(metadata: ["k": "v"])
        try writer.add("a", shape: [3], values: [Float](repeating: 1, count: 3))
        try writer.add("b", shape: [2], values: [Int64(1), 2])
        let original = writer.serialized()
        var generator = Support.SeededGenerator(state: 2026)
        var opened = 0
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            // Any outcome but a crash is acceptable; a file that still opens must read in full.
            if let file = try? SafetensorsFile(bytes: bytes, name: "random") {
                opened += 1
                for entry in file.entries {
                    _ = try file.withBytes(of: entry.name) { $0.reduce(0, &+) }
                }
            }
        }
        // Some corruptions hit tensor data only, so a few files must still open.
        #expect(opened > 0 && opened < 2000)
    }
}
