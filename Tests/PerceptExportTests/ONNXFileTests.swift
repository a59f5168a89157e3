import Foundation
import Testing
@testable import PerceptExport

@Suite("ONNX protobuf writer and reader")
struct ONNXFileTests {
    static func sampleModel() -> ONNXModel {
        let weight = ONNXTensor(name: "fc.weight", dims: [2, 3], floats: [1, -2, 3.5, 0, 1e-7, -1e9])
        let node = ONNXNode(name: "fc/Gemm", opType: "Gemm", inputs: ["input", "fc.weight", ""], outputs: ["output"],
                            attributes: [ONNXAttribute("transB", .int(1)), ONNXAttribute("alpha", .float(0.5)),
                                         ONNXAttribute("pads", .ints([0, -1, 300])), ONNXAttribute("mode", .string("linear")),
                                         ONNXAttribute("scales", .floats([1, 2.5]))])
        let graph = ONNXGraph(name: "g", nodes: [node], initializers: [weight],
                              inputs: [ONNXValueInfo(name: "input", elementType: .float, shape: [.parameter("batch"), .value(3)])],
                              outputs: [ONNXValueInfo(name: "output", elementType: .float16, shape: [.parameter("batch"), .value(2)])])
        return ONNXModel(irVersion: 8, opsetImports: [(domain: "", version: 17)], producerName: "percept", producerVersion: "0.1.0",
                         graph: graph, metadata: [(key: "names", value: "[\"a\", \"b\"]"), (key: "imgsz", value: "[28, 28]")])
    }

    @Test("a model decodes to exactly what was encoded")
    func roundTrip() throws {
        let model = Self.sampleModel()
        let decoded = try ONNXModel(serialized: model.serialized())
        #expect(decoded == model)
        #expect(decoded.opset == 17)
        #expect(decoded.graph.initializers[0].floats == [1, -2, 3.5, 0, 1e-7, -1e9])
    }

    @Test("varints and field keys follow the wire format byte for byte")
    func wireBytes() {
        var writer = ProtobufWriter()
        writer.int(1, 300)
        writer.int(2, -1)
        writer.string(3, "hi")
        #expect(writer.bytes == [0x08, 0xAC, 0x02, 0x10] + Array(repeating: 0xFF, count: 9) + [0x01, 0x1A, 0x02, 0x68, 0x69])
    }

    @Test("a file cut anywhere is an error or (cut between fields) a different model, never a crash")
    func truncated() throws {
        let model = Self.sampleModel(), bytes = model.serialized()
        var errors = 0
        for length in 0..<bytes.count {
            do {
                #expect(try ONNXModel(serialized: Array(bytes.prefix(length))) != model, "cut at \(length)")
            } catch is ProtobufError {
                errors += 1
            }
        }
        #expect(errors > bytes.count / 2, "most cuts fall inside a field and are reported")
    }

    @Test("the inspection of a file lists nodes by type, initialisers and metadata; a damaged file names itself")
    func inspection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("m.onnx").path
        try Data(Self.sampleModel().serialized()).write(to: URL(fileURLWithPath: path))
        let inspection = try ONNXInspection(path: path)
        #expect(inspection.operatorCounts.map(\.type) == ["Gemm"])
        #expect(inspection.initializers == [ONNXInspection.Initializer(name: "fc.weight", dataType: "float32", shape: [2, 3], byteCount: 24)])
        let bad = folder.appendingPathComponent("bad.onnx").path
        try Data([0x0A, 0xFF, 0x01]).write(to: URL(fileURLWithPath: bad))
        #expect(throws: ONNXFileError.self) { _ = try ONNXInspection(path: bad) }
    }
}
