/// Moving `Tensor`s in and out of safetensors files.
///
/// ```swift
/// try Tensor.saveSafetensors(["weight": w], metadata: ["percept.arch": "mlp"], to: "m.safetensors")
/// let (tensors, metadata) = try Tensor.loadSafetensors(from: "m.safetensors")
/// ```
extension SafetensorsFile {
    /// The tensor called `name`: F32, F64, I64, I32, U8 and BOOL keep their type; F16 and BF16
    /// are widened to float32; other integer types become int64.
    public func tensor(named name: String) throws -> Tensor {
        let entry = try entry(named: name)
        if let dtype = entry.dtype.tensorDType {
            let result = Tensor(uninitializedShape: entry.shape, dtype: dtype)
            try withBytes(of: name) { bytes in
                if let base = bytes.baseAddress { result.storage.pointer.copyMemory(from: base, byteCount: bytes.count) }
            }
            return result
        }
        switch entry.dtype {
        case .float16, .bfloat16, .float8E4M3, .float8E5M2:
            return try Tensor(floats(of: name), shape: entry.shape)
        default:
            let values = try int64s(of: name)
            let result = Tensor(uninitializedShape: entry.shape, dtype: .int64)
            values.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { result.elements(Int64.self).update(from: base, count: values.count) }
            }
            return result
        }
    }
}

extension Tensor {
    /// Every tensor of a safetensors file, with its metadata.
    public static func loadSafetensors(from path: String, loading: SafetensorsFile.Loading = .memoryMapped)
        throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try SafetensorsFile(path: path, loading: loading)
        var tensors: [String: Tensor] = [:]
        for name in file.names { tensors[name] = try file.tensor(named: name) }
        return (tensors, file.metadata)
    }

    /// Writes tensors (any dtype) and metadata to a safetensors file, atomically.
    public static func saveSafetensors(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        for name in tensors.keys.sorted() {
            guard let tensor = tensors[name] else { continue }
            let values = tensor.contiguousValues()
            let bytes = withExtendedLifetime(values) {
                [UInt8](UnsafeRawBufferPointer(start: values.storage.pointer + values.offset * values.dtype.byteSize,
                                               count: values.count * values.dtype.byteSize))
            }
            try writer.add(name, dtype: SafetensorsDType(tensor.dtype), shape: tensor.shape, bytes: bytes)
        }
        try writer.write(to: path)
    }
}

extension SafetensorsFile {
    /// A writer holding every tensor of this file byte for byte with its dtype, and `metadata`
    /// in place of the file's.
    public func rawWriter(metadata: [String: String]) throws -> SafetensorsWriter {
        var writer = SafetensorsWriter(metadata: metadata)
        for entry in entries {
            try withBytes(of: entry.name) { bytes in try writer.add(entry.name, dtype: entry.dtype, shape: entry.shape, bytes: Array(bytes)) }
        }
        return writer
    }
}
