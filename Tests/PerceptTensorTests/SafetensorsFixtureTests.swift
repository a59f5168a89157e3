import Testing
@testable import PerceptTensor

/// Files written by the Python `safetensors` library (Tools/make-safetensors-fixtures) read right.
@Suite("safetensors: files from the reference library")
struct SafetensorsFixtureTests {
    typealias Support = SafetensorsTestSupport
    static let mixed = Support.fixtures + "/python-mixed.safetensors"
    /// The same floating tensors converted to float32 by numpy, the values widening must give.
    static let expectedFloats = Support.fixtures + "/python-mixed-float32.safetensors"

    @Test("names come in file order, with dtypes, shapes and metadata as Python wrote them", arguments: [SafetensorsFile.Loading.memoryMapped, .readFully])
    func entries(loading: SafetensorsFile.Loading) throws {
        let file = try SafetensorsFile(path: Self.mixed, loading: loading)
        #expect(file.names == ["labels.i64", "stats.f64", "empty.f32", "scalar.f32", "weights.f32", "weights.bf16", "weights.f16", "mask.bool"])
        #expect(file.metadata == ["architecture": "tiny-mixed", "format": "pt", "note": "naïve ✓ \"quoted\""])
        let shapes = file.entries.map { "\($0.name) \($0.dtype) \($0.shape)" }
        #expect(shapes.contains("weights.bf16 BF16 [4, 4]"))
        #expect(shapes.contains("weights.f16 F16 [2, 8]"))
        #expect(shapes.contains("scalar.f32 F32 []"))
        #expect(shapes.contains("empty.f32 F32 [0, 3]"))
    }

    @Test("F16, BF16, F64 and F32 widen to exactly the Float32 bits numpy gives", arguments: ["weights.f16", "weights.bf16", "stats.f64", "weights.f32"])
    func widening(name: String) throws {
        let file = try SafetensorsFile(path: Self.mixed)
        let expected = try SafetensorsFile(path: Self.expectedFloats)
        let found = try file.floats(of: name)
        #expect(found.count == (try file.entry(named: name)).elementCount)
        // Bit patterns, so that -0 and NaN payloads count too.
        #expect(found.map(\.bitPattern) == (try expected.floats(of: name)).map(\.bitPattern))
    }

    @Test("half-precision special values widen to their exact Float values")
    func halfSpecialValues() throws {
        let halves = try SafetensorsFile(path: Self.mixed).floats(of: "weights.f16")
        #expect(halves[6] == 0x1p-24, "smallest subnormal")
        #expect(halves[7] == -0x1p-24)
        #expect(halves[8] == 1023 * 0x1p-24, "largest subnormal")
        #expect(halves[9] == 0x1p-14, "smallest normal")
        #expect(halves[10] == 65504)
        #expect(halves[12] == .infinity && halves[13] == -.infinity)
        #expect(halves[14].isNaN)
        #expect(halves[1].sign == .minus && halves[1] == 0)
    }

    @Test("integers and booleans from Python read as Int64")
    func integers() throws {
        let file = try SafetensorsFile(path: Self.mixed)
        #expect(try file.int64s(of: "labels.i64") == [0, -1, 1 << 62, -(1 << 62), 7])
        #expect(try file.int64s(of: "mask.bool") == [1, 0, 1, 0, 0, 1])
        #expect(try file.floats(of: "weights.f32") == [1.5, -2.25, 3, 0, 1e-30, -4e20])
        #expect(try file.floats(of: "scalar.f32") == [42])
    }

    @Test("a memory-mapped and a fully read file give the same bytes for every tensor")
    func mappedEqualsRead() throws {
        let mapped = try SafetensorsFile(path: Self.mixed, loading: .memoryMapped)
        let read = try SafetensorsFile(path: Self.mixed, loading: .readFully)
        #expect(mapped.entries == read.entries)
        for name in mapped.names {
            #expect(try mapped.withBytes(of: name) { Array($0) } == read.withBytes(of: name) { Array($0) }, "\(name)")
        }
    }

    @Test("a file read back after a Swift round trip equals the Python original, tensor by tensor")
    func rewrite() throws {
        let original = try SafetensorsFile(path: Self.mixed)
        var writer = SafetensorsWriter(metadata: original.metadata)
        for entry in original.entries {
            try writer.add(entry.name, dtype: entry.dtype, shape: entry.shape, bytes: original.withBytes(of: entry.name) { Array($0) })
        }
        let copy = try SafetensorsFile(bytes: writer.serialized(), name: "copy")
        #expect(copy.metadata == original.metadata)
        #expect(Set(copy.names) == Set(original.names))
        for entry in original.entries {
            let copied = try copy.entry(named: entry.name)
            #expect(copied.dtype == entry.dtype && copied.shape == entry.shape)
            #expect(try copy.withBytes(of: entry.name) { Array($0) } == original.withBytes(of: entry.name) { Array($0) })
        }
    }
}
