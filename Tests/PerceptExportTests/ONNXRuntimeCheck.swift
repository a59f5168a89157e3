import Foundation
import Testing
import PerceptExport
import PerceptModels
import PerceptNN
import PerceptTensor

/// Exports models and has ONNX Runtime check them: `Tools/onnx-check` (onnx.checker, then
/// ONNX Runtime on the CPU) against Percept's own outputs, written as .npy files.
enum ONNXRuntimeCheck {
    /// The package's root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The tests' Python (Tools/install-deps makes it, with onnx, onnxruntime and numpy).
    static let python = packageRoot.appendingPathComponent(".build/venv/bin/python")

    /// A fresh temporary folder, removed by the caller.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("percept-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Deterministic inputs of `shape` in [-1, 1).
    static func input(_ shape: [Int], seed: Int = 0) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor((0..<count).map { Float(($0 * 7919 + seed * 104_729) % 2003) / 1001.5 - 1 }, shape: shape)
    }

    /// Exports `model` with `signature`, runs Percept on inputs of each batch size in
    /// `batches`, and records an issue unless the checker and ONNX Runtime agree with
    /// Percept within the tolerance (`half` files: 1e-2 relative). Returns the exported model.
    @discardableResult
    static func expectRuntimeMatches(_ model: Module, _ signature: ExportSignature, options: ONNXExportOptions = ONNXExportOptions(),
                                     batches: [Int] = [1], label: String,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ONNXModel {
        let onnx = try ONNXExporter.export(model, signature: signature, options: options, metadata: [("task", "test")], producerVersion: "test")
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("model.onnx")
        try Data(onnx.serialized()).write(to: file)
        model.eval()
        for batch in batches {
            var arguments = [packageRoot.appendingPathComponent("Tools/onnx-check").path, file.path]
            if options.half { arguments += ["--rtol", "1e-2", "--floor", "1e-2"] }
            let inputs = try signature.inputs.enumerated().map { index, input in try Self.input([batch] + input.shape.dropFirst(), seed: index) }
            let outputs = try withoutGrad { try signature.forward(inputs) }
            for (index, input) in signature.inputs.enumerated() {
                let path = directory.appendingPathComponent("in\(index)-\(batch).npy")
                try NumpyFile.write(inputs[index], to: path)
                arguments += ["--input", "\(input.name)=\(path.path)"]
            }
            for (name, output) in zip(signature.outputNames, outputs) {
                let path = directory.appendingPathComponent("\(name)-\(batch).npy")
                try NumpyFile.write(output, to: path)
                arguments += ["--expected", "\(name)=\(path.path)"]
            }
            let (status, report) = try run(arguments)
            #expect(status == 0, "\(label), batch \(batch): \(report)", sourceLocation: sourceLocation)
        }
        return onnx
    }

    /// Runs the tests' Python with `arguments`; its exit status and everything it printed.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            return (-1, "no \(python.path): run Tools/install-deps (it installs onnx, onnxruntime and numpy there)")
        }
        let process = Process()
        process.executableURL = python
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// NumPy's `.npy` format (version 1.0, little-endian float32, C order), for handing tensors to Python.
enum NumpyFile {
    static func write(_ tensor: Tensor, to url: URL) throws {
        let shape = tensor.shape.map(String.init).joined(separator: ", ") + (tensor.rank == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape)), }"
        // Magic (6) + version (2) + length (2) + header + newline is a multiple of 64 bytes.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        for value in tensor.contiguous().toArray() {
            let bits = value.bitPattern
            bytes += [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
        }
        try Data(bytes).write(to: url)
    }

    /// A float32 C-order `.npy` file as written by NumPy (`np.save`): its shape and values.
    static func read(_ url: URL) throws -> (shape: [Int], values: [Float]) {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count >= 10, bytes[1...5].elementsEqual("NUMPY".utf8) else { throw NumpyError(description: "\(url.path): not a .npy file") }
        let headerLength = bytes[6] == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8 : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let start = bytes[6] == 1 ? 10 : 12
        let header = String(decoding: bytes[start..<Swift.min(start + headerLength, bytes.count)], as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw NumpyError(description: "\(url.path): expected a little-endian float32 array in C order, header \(header)")
        }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let data = bytes[(start + headerLength)...]
        let count = shape.reduce(1, *)
        guard data.count == 4 * count else { throw NumpyError(description: "\(url.path): \(data.count) bytes of data for shape \(shape)") }
        let values = (0..<count).map { index -> Float in
            let offset = data.startIndex + 4 * index
            return Float(bitPattern: UInt32(data[offset]) | UInt32(data[offset + 1]) << 8 | UInt32(data[offset + 2]) << 16 | UInt32(data[offset + 3]) << 24)
        }
        return (shape, values)
    }
}

/// A `.npy` file the tests cannot read.
struct NumpyError: Error, CustomStringConvertible {
    let description: String
}
