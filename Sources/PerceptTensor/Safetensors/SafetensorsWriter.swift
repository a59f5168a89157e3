#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a safetensors file from tensors given as bytes or Swift arrays, and writes it atomically.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["architecture": "resnet18"])
/// try writer.add("fc.weight", shape: [10, 512], values: weights)
/// try writer.write(to: "model.safetensors")
/// ```
///
/// Output is deterministic: header keys are sorted, the header is padded with spaces to a multiple
/// of 8 bytes, and data is laid out by decreasing element size (then in the order added), so every
/// tensor is aligned to its element size without gaps — the reference reader rejects gaps.
public struct SafetensorsWriter: Sendable {
    /// The `__metadata__` strings written with the tensors.
    public var metadata: [String: String]

    private var tensors: [(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8])] = []
    private var names = Set<String>()

    /// An empty writer with the given metadata.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor from its raw little-endian bytes; `bytes.count` must equal dtype size × element count.
    public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) throws {
        guard name != SafetensorsHeader.metadataKey else {
            throw SafetensorsError.invalidTensor(tensor: name, message: "the name is reserved for the metadata")
        }
        guard !names.contains(name) else { throw SafetensorsError.invalidTensor(tensor: name, message: "already added") }
        if let index = shape.firstIndex(where: { $0 < 0 }) {
            throw SafetensorsError.invalidTensor(tensor: name, message: "shape[\(index)] is \(shape[index]), dimensions must be non-negative")
        }
        guard let expected = SafetensorsEntry.byteCount(dtype: dtype, shape: shape) else {
            throw SafetensorsError.invalidTensor(tensor: name, message: "shape \(TensorError.format(shape)) holds more bytes than an Int can count")
        }
        guard expected == bytes.count else {
            throw SafetensorsError.invalidTensor(
                tensor: name, message: "\(dtype) with shape \(TensorError.format(shape)) needs \(expected) bytes, got \(bytes.count)")
        }
        names.insert(name)
        tensors.append((name, dtype, shape, bytes))
    }

    /// Adds a tensor from Swift values (`Float`, `Double`, `Int64`, `Int32`, `UInt8`, `Bool`).
    public mutating func add<Element: SafetensorsElement>(_ name: String, shape: [Int], values: [Element]) throws {
        var bytes: [UInt8] = []
        Element.appendBytes(of: values, to: &bytes)
        try add(name, dtype: Element.safetensorsDType, shape: shape, bytes: bytes)
    }

    /// The whole file as bytes.
    public func serialized() -> [UInt8] {
        let (header, order) = layout()
        return order.reduce(into: header) { $0.append(contentsOf: tensors[$1].bytes) }
    }

    /// The same tensors with every F32 tensor stored as F16 (rounded to the nearest float16, as
    /// PyTorch's `.half()`), for files half the size; other types are kept.
    public func storingFloat32AsFloat16() -> SafetensorsWriter {
        var halved = self
        halved.tensors = tensors.map { tensor in
            guard tensor.dtype == .float32 else { return tensor }
            var bytes = [UInt8]()
            bytes.reserveCapacity(tensor.bytes.count / 2)
            for start in stride(from: 0, to: tensor.bytes.count, by: 4) {
                let bits = UInt32(tensor.bytes[start]) | UInt32(tensor.bytes[start + 1]) << 8
                    | UInt32(tensor.bytes[start + 2]) << 16 | UInt32(tensor.bytes[start + 3]) << 24
                let half = Float16(Float(bitPattern: bits)).bitPattern
                bytes.append(UInt8(half & 0xff))
                bytes.append(UInt8(half >> 8))
            }
            return (tensor.name, .float16, tensor.shape, bytes)
        }
        return halved
    }

    /// Writes the file to `path` atomically: a temporary file in the same folder, flushed to disk,
    /// then renamed over `path`, so readers never see a partial file.
    public func write(to path: String) throws {
        let (header, order) = layout()
        try SafetensorsAtomicFile.save([header] + order.map { tensors[$0].bytes }, to: path)
    }

    /// The padded header (with its length prefix) and the order in which tensor data follows it.
    private func layout() -> (header: [UInt8], order: [Int]) {
        let order = tensors.indices.sorted {
            (-tensors[$0].dtype.byteSize, $0) < (-tensors[$1].dtype.byteSize, $1)
        }
        var offset = 0
        var members: [(key: String, json: String)] = []
        for index in order {
            let tensor = tensors[index]
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append((tensor.name, "{\"data_offsets\":[\(offset),\(end)],\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)]}"))
            offset = end
        }
        if !metadata.isEmpty {
            members.append((SafetensorsHeader.metadataKey, Self.jsonObject(metadata.map { ($0.key, Self.jsonString($0.value)) })))
        }
        var json = Array(Self.jsonObject(members).utf8)
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var header: [UInt8] = []
        appendLittleEndian([UInt64(json.count)], to: &header)
        return (header + json, order)
    }

    /// `{"key":value,...}` with keys sorted by their UTF-8 bytes, so output never depends on
    /// dictionary order or on the locale.
    private static func jsonObject(_ members: [(key: String, json: String)]) -> String {
        let sorted = members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        return "{" + sorted.map { jsonString($0.key) + ":" + $0.json }.joined(separator: ",") + "}"
    }

    /// A JSON string literal; non-ASCII text is written as UTF-8, as the reference writer does.
    static func jsonString(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
