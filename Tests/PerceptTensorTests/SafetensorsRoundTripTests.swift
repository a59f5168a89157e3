import Foundation
import Testing
@testable import PerceptTensor

/// What the writer writes, the reader reads back unchanged, whichever way it loads the file.
@Suite("safetensors: writing and reading back")
struct SafetensorsRoundTripTests {
    typealias Support = SafetensorsTestSupport

    /// A writer holding one tensor of every dtype the writer offers, in a deliberately unaligned order.
    private func mixedWriter() throws -> SafetensorsWriter {
        var writer = SafetensorsWriter(metadata: ["architecture": "tiny", "config": "{\"width\": 3}\n\"quoted\" ✓"])
        try writer.add("mask", shape: [2, 2], values: [true, false, false, true])
        try writer.add("weight", shape: [2, 3], values: [Float](arrayLiteral: 1.5, -0.0, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 3))
        try writer.add("pixels", shape: [3], values: [UInt8(0), 128, 255])
        try writer.add("precise", shape: [2], values: [Double.pi, -1e-300])
        try writer.add("labels", shape: [3], values: [Int64.min, 0, Int64.max])
        try writer.add("indices", shape: [1, 2], values: [Int32.min, Int32.max])
        try writer.add("scalar", shape: [], values: [Float(7)])
        try writer.add("empty", shape: [0, 4], values: [Float]())
        return writer
    }

    @Test("storingFloat32AsFloat16 rounds F32 tensors to F16 (nearest even, overflow to infinity) and keeps the other types and the metadata")
    func halving() throws {
        let halved = try mixedWriter().storingFloat32AsFloat16()
        let path = try Support.temporaryFolder() + "/halved.safetensors"
        try halved.write(to: path)
        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == (try mixedWriter()).metadata)
        #expect(try file.entry(named: "weight").dtype == .float16 && file.entry(named: "scalar").dtype == .float16)
        #expect(try file.entry(named: "precise").dtype == .float64 && file.entry(named: "labels").dtype == .int64)
        // 1.5, -0 and 3 are exact in float16; the largest float overflows to -infinity; the
        // smallest subnormal float rounds to zero.
        #expect(try file.floats(of: "weight").map(\.bitPattern) == [Float](arrayLiteral: 1.5, -0.0, .infinity, -.infinity, 0, 3).map(\.bitPattern))
        #expect(try file.floats(of: "scalar") == [7] && file.floats(of: "empty").isEmpty)
        #expect(try file.withBytes(of: "weight") { Array($0) } == [0x00, 0x3e, 0x00, 0x80, 0x00, 0x7c, 0x00, 0xfc, 0x00, 0x00, 0x00, 0x42])
        var rounding = SafetensorsWriter()
        try rounding.add("x", shape: [2], values: [Float(1 + 1.0 / 2048), Float(0.1)])
        try rounding.storingFloat32AsFloat16().write(to: path)
        #expect(try SafetensorsFile(path: path).floats(of: "x") == [1, 0.099975586], "ties to even: 1 + 2⁻¹¹ → 1; 0.1 → 0.0999756")
    }

    @Test("every written dtype and the metadata read back unchanged", arguments: [SafetensorsFile.Loading.memoryMapped, .readFully])
    func roundTrip(loading: SafetensorsFile.Loading) throws {
        let writer = try mixedWriter()
        let path = try Support.temporaryFolder() + "/mixed.safetensors"
        try writer.write(to: path)
        let file = try SafetensorsFile(path: path, loading: loading)
        #expect(file.metadata == writer.metadata)
        #expect(try file.floats(of: "weight").map(\.bitPattern) == [Float](arrayLiteral: 1.5, -0.0, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 3).map(\.bitPattern))
        #expect(try file.floats(of: "precise") == [Float(Double.pi), Float(-1e-300)])
        #expect(try file.withBytes(of: "precise") { Array($0) } == [Double.pi, -1e-300].flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) })
        #expect(try file.int64s(of: "labels") == [Int64.min, 0, Int64.max])
        #expect(try file.int64s(of: "indices") == [Int64(Int32.min), Int64(Int32.max)])
        #expect(try file.int64s(of: "pixels") == [0, 128, 255])
        #expect(try file.int64s(of: "mask") == [1, 0, 0, 1])
        #expect(try file.floats(of: "scalar") == [7])
        #expect(try file.floats(of: "empty").isEmpty)
        let expected: [String: (SafetensorsDType, [Int])] = [
            "mask": (.bool, [2, 2]), "weight": (.float32, [2, 3]), "pixels": (.uint8, [3]), "precise": (.float64, [2]),
            "labels": (.int64, [3]), "indices": (.int32, [1, 2]), "scalar": (.float32, []), "empty": (.float32, [0, 4]),
        ]
        for (name, (dtype, shape)) in expected {
            let entry = try file.entry(named: name)
            #expect(entry.dtype == dtype && entry.shape == shape, "\(name)")
        }
    }

    @Test("data is laid out by decreasing element size, so each tensor is aligned without gaps")
    func layout() throws {
        let file = try SafetensorsFile(bytes: try mixedWriter().serialized(), name: "mixed")
        #expect(file.names == ["precise", "labels", "weight", "indices", "scalar", "empty", "mask", "pixels"])
        var end = 0
        for entry in file.entries {
            #expect(entry.byteRange.lowerBound == end, "no gap before \(entry.name)")
            #expect(entry.byteRange.lowerBound % entry.dtype.byteSize == 0, "\(entry.name) is aligned")
            end = entry.byteRange.upperBound
        }
    }

    @Test("the header is padded with spaces to a multiple of 8 and its keys are sorted")
    func headerShape() throws {
        let bytes = try mixedWriter().serialized()
        let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(length % 8 == 0)
        let header = String(decoding: bytes[8..<8 + length], as: UTF8.self)
        #expect(header.hasPrefix("{\"__metadata__\":{\"architecture\":\"tiny\",\"config\":\"{\\\"width\\\": 3}\\n\\\"quoted\\\" ✓\"},\"empty\":"))
        #expect(header.contains("\"weight\":{\"data_offsets\":[40,64],\"dtype\":\"F32\",\"shape\":[2,3]}"))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
    }

    @Test("the same tensors give the same bytes, whatever the metadata dictionary's order")
    func deterministic() throws {
        var first = SafetensorsWriter()
        var second = SafetensorsWriter()
        for index in 0..<20 {
            first.metadata["key\(index)"] = "\(index)"
            second.metadata["key\(19 - index)"] = "\(19 - index)"
        }
        try first.add("a", shape: [1], values: [Float(1)])
        try second.add("a", shape: [1], values: [Float(1)])
        #expect(first.serialized() == second.serialized())
        let folder = try Support.temporaryFolder()
        try first.write(to: folder + "/one.safetensors")
        try second.write(to: folder + "/two.safetensors")
        #expect(FileManager.default.contents(atPath: folder + "/one.safetensors") == FileManager.default.contents(atPath: folder + "/two.safetensors"))
    }

    @Test("writing replaces an existing file and leaves no temporary file behind")
    func atomicWrite() throws {
        let folder = try Support.temporaryFolder()
        let path = folder + "/model.safetensors"
        try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))
        var writer = SafetensorsWriter()
        try writer.add("a", shape: [2], values: [Int32(1), 2])
        try writer.write(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"])
        #expect(try SafetensorsFile(path: path).int64s(of: "a") == [1, 2])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test("writing into a missing folder is a typed error naming the file")
    func writeFailure() throws {
        let path = try Support.temporaryFolder() + "/missing/model.safetensors"
        do {
            try SafetensorsWriter().write(to: path)
            Issue.record("writing into a missing folder succeeded")
        } catch {
            #expect("\(error)".contains(path))
        }
    }

    @Test("the writer rejects reserved and repeated names, negative dimensions and wrong byte counts")
    func writerValidation() throws {
        var writer = SafetensorsWriter()
        try writer.add("a", shape: [1], values: [Float(1)])
        #expect(throws: SafetensorsError.invalidTensor(tensor: "a", message: "already added")) {
            try writer.add("a", shape: [1], values: [Float(1)])
        }
        #expect(throws: SafetensorsError.invalidTensor(tensor: "__metadata__", message: "the name is reserved for the metadata")) {
            try writer.add("__metadata__", shape: [1], values: [Float(1)])
        }
        #expect(throws: SafetensorsError.invalidTensor(tensor: "b", message: "shape[1] is -2, dimensions must be non-negative")) {
            try writer.add("b", shape: [1, -2], values: [Float(1)])
        }
        #expect(throws: SafetensorsError.invalidTensor(tensor: "c", message: "F32 with shape [3] needs 12 bytes, got 8")) {
            try writer.add("c", shape: [3], values: [Float(1), 2])
        }
        #expect(throws: SafetensorsError.invalidTensor(tensor: "d", message: "shape [4611686018427387904, 4] holds more bytes than an Int can count")) {
            try writer.add("d", shape: [1 << 62, 4], values: [Float]())
        }
        #expect(try SafetensorsFile(bytes: writer.serialized(), name: "memory").names == ["a"])
    }

    @Test("conversions that do not apply to a dtype are typed errors")
    func unsupportedConversion() throws {
        var writer = SafetensorsWriter()
        try writer.add("f", shape: [1], values: [Float(1)])
        try writer.add("i", shape: [1], values: [Int64(1)])
        let file = try SafetensorsFile(bytes: writer.serialized(), name: "memory")
        #expect(throws: SafetensorsError.unsupportedConversion(file: "memory", tensor: "i", dtype: .int64, conversion: "floats(of:) (F32, F16, BF16, F64)")) {
            try file.floats(of: "i")
        }
        #expect(throws: SafetensorsError.self) { try file.int64s(of: "f") }
    }

    @Test("each tensor element type maps to the safetensors dtype with the same bytes and back", arguments: DType.allCases)
    func tensorDTypes(dtype: DType) {
        let stored = SafetensorsDType(dtype)
        #expect(stored.byteSize == dtype.byteSize)
        #expect(stored.tensorDType == dtype)
    }

    @Test("half-precision dtypes have no tensor type of their own")
    func halfHasNoTensorDType() {
        #expect(SafetensorsDType.float16.tensorDType == nil && SafetensorsDType.bfloat16.tensorDType == nil)
    }
}
