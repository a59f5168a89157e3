import Foundation
import PerceptMessages
import PerceptTensor

/// One tensor read from a PyTorch file, exactly as stored: its element type, shape and
/// contiguous little-endian bytes (a view is copied out of its storage element by element).
public struct TorchTensor: Sendable, Equatable {
    /// The element type (float32/64/16, bfloat16, int8–64, uint8, bool).
    public var dtype: SafetensorsDType
    /// The shape.
    public var shape: [Int]
    /// The elements in C order.
    public var bytes: [UInt8]
}

/// The state dict a PyTorch file yields, in the file's order, with what the reader noticed
/// on the way (which checkpoint entry it used, a stripped `module.` prefix).
public struct TorchWeights: Sendable {
    /// The file read.
    public let file: String
    /// The tensors by PyTorch name, in order.
    public let tensors: [(name: String, tensor: TorchTensor)]
    /// Notes for the user, without the file name.
    public let notices: [String]
    /// Everything the file's pickle holds, as inert values (a checkpoint's other entries,
    /// such as Ultralytics' recorded `yaml` and `names`).
    public let root: PickleValue

    /// A safetensors writer holding every tensor bit for bit with its dtype, and `metadata`.
    public func safetensorsWriter(metadata: [String: String] = [:]) throws -> SafetensorsWriter {
        var writer = SafetensorsWriter(metadata: metadata)
        for (name, tensor) in tensors {
            do { try writer.add(name, dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.bytes) } catch {
                throw TorchFileError.corrupt(file: file, detail: "tensor \(name): \(error)")
            }
        }
        return writer
    }

    /// The tensors as the engine holds them (float16 and bfloat16 widened to float32, other
    /// integer types to int64), by name: the same conversion as a safetensors file's.
    public func stateDict() throws -> [String: Tensor] {
        let converted = try SafetensorsFile(bytes: safetensorsWriter().serialized(), name: file)
        var result: [String: Tensor] = [:]
        for (name, _) in tensors { result[name] = try converted.tensor(named: name) }
        return result
    }
}

/// Reads `torch.save` files without Python and without running anything: the zip layout
/// (`<name>/data.pkl`, `<name>/data/<key>`, `byteorder`) and the legacy layout (pickles one after
/// another, then the storages), through the restricted ``Unpickler`` with ``TorchGlobals``' allow-list.
/// The state dict is found as ``TorchStateDict`` describes. TorchScript archives are refused.
///
/// ```swift
/// let weights = try TorchFile.read(path: "resnet18-f37072fd.pth")
/// try model.load(weights.stateDict(), strict: true, source: weights.file)
/// ```
public enum TorchFile {
    /// The legacy format's first pickle: this magic number.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// Whether `bytes` start like a `torch.save` file (a zip archive, or the legacy magic pickle).
    public static func looksLikeTorch(_ bytes: some Collection<UInt8>) -> Bool {
        let head = Array(bytes.prefix(14))
        return StoredZipArchive.looksLikeZip(head) || head.starts(with: [0x80, 0x02, 0x8A, 0x0A] + legacyMagic)
    }

    /// Whether the file at `path` starts like a `torch.save` file (false when it cannot be read).
    public static func isTorchFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return looksLikeTorch((try? handle.read(upToCount: 14)) ?? Data())
    }

    /// Reads the state dict of the file at `path`.
    public static func read(path: String) throws -> TorchWeights {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DataError.unreadable(file: path, reason: error.localizedDescription)
        }
        return try read(bytes: [UInt8](data), file: path)
    }

    /// Reads the state dict of a file's bytes; `file` names it in errors.
    public static func read(bytes: [UInt8], file: String) throws -> TorchWeights {
        let storages = StorageBytes(file: file)
        let root: PickleValue
        if StoredZipArchive.looksLikeZip(bytes) {
            root = try readZip(bytes, file: file, storages: storages)
        } else if looksLikeTorch(bytes) {
            root = try readLegacy(bytes, file: file, storages: storages)
        } else {
            throw TorchFileError.unsupported(file: file, detail: "not a PyTorch file (neither a torch.save zip archive nor the legacy format)")
        }
        let found = try TorchStateDict.entries(in: root, file: file)
        var tensors: [(name: String, tensor: TorchTensor)] = []
        for (name, record) in found.entries { tensors.append((name, try materialise(record, name: name, storages: storages))) }
        return TorchWeights(file: file, tensors: tensors, notices: found.notices, root: root)
    }

    private static let unpickler = Unpickler(allowList: TorchGlobals.allowList, persistentLoad: TorchGlobals.storage)

    private static func readZip(_ bytes: [UInt8], file: String, storages: StorageBytes) throws -> PickleValue {
        let archive = try StoredZipArchive(bytes: bytes, file: file)
        if archive.entries.contains(where: { $0.name.hasSuffix("/constants.pkl") || $0.name.contains("/code/") }) {
            throw TorchFileError.unsupported(file: file, detail: "this is a TorchScript archive (constants.pkl, code/): compiled Python code, which Percept does not run; save the model's state_dict() with torch.save instead")
        }
        guard let pickle = archive.entries.first(where: { $0.name.hasSuffix("data.pkl") && $0.name.split(separator: "/").count == 2 }) else {
            throw TorchFileError.corrupt(file: file, detail: "the archive has no <name>/data.pkl")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(prefix + "byteorder") {
            let text = String(decoding: try archive.data(of: order), as: UTF8.self)
            guard text == "little" else {
                throw TorchFileError.unsupported(file: file, detail: "the storages are stored \(quotedByteOrder(text)); only little-endian files are read")
            }
        }
        storages.fetch = { key in
            guard let entry = archive.entry(prefix + "data/" + key) else {
                throw TorchFileError.corrupt(file: file, detail: "storage \(key) is missing from the archive (\(prefix)data/\(key))")
            }
            return try archive.data(of: entry)
        }
        return try unpickler.load(Array(try archive.data(of: pickle)), file: file + ":" + escapedForMessage(pickle.name, limit: 200))
    }

    private static func quotedByteOrder(_ text: String) -> String { text == "big" ? "big-endian" : "in byte order '\(text.prefix(20))'" }

    /// The legacy layout: magic number, protocol version and system-info pickles, the data
    /// pickle, the pickled list of storage keys, then per key an int64 element count and the bytes.
    private static func readLegacy(_ bytes: [UInt8], file: String, storages: StorageBytes) throws -> PickleValue {
        let plain = Unpickler(allowList: PickleAllowList([]))
        var offset = try plain.load(bytes, from: 0, file: file).end
        let version = try plain.load(bytes, from: offset, file: file)
        guard version.value == .int(1001) else {
            throw TorchFileError.unsupported(file: file, detail: "legacy protocol version \(version.value.integer.map(String.init) ?? version.value.kindName); 1001 is read")
        }
        let systemInfo = try plain.load(bytes, from: version.end, file: file)
        if systemInfo.value["little_endian"] == .bool(false) {
            throw TorchFileError.unsupported(file: file, detail: "the storages are stored big-endian; only little-endian files are read")
        }
        let data = try unpickler.load(bytes, from: systemInfo.end, file: file)
        let keys = try plain.load(bytes, from: data.end, file: file)
        offset = keys.end
        var declared: [String: String] = [:]
        TorchStateDict.collectStorages(in: data.value, into: &declared)
        var regions: [String: ArraySlice<UInt8>] = [:]
        for key in keys.value.elements ?? [] {
            guard let name = key.text else { throw TorchFileError.corrupt(file: file, detail: "a storage key is not text") }
            guard let typeName = declared[name], let itemSize = TorchGlobals.storageTypes[typeName]?.byteSize else {
                throw TorchFileError.corrupt(file: file, detail: "storage \(name) is listed but never used")
            }
            guard offset + 8 <= bytes.count else {
                throw TorchFileError.truncatedArchive(file: file, detail: "storage \(name)'s size at byte \(offset) is cut off")
            }
            let count = Int(truncatingIfNeeded: StoredZipArchive.word64(bytes, offset))
            let (length, overflow) = count.multipliedReportingOverflow(by: itemSize)
            guard count >= 0, !overflow, length <= bytes.count - offset - 8 else {
                throw TorchFileError.truncatedArchive(file: file, detail: "storage \(name) claims \(count) elements at byte \(offset); the file ends first")
            }
            regions[name] = bytes[(offset + 8)..<(offset + 8 + length)]
            offset += 8 + length
        }
        storages.fetch = { key in
            guard let region = regions[key] else { throw TorchFileError.corrupt(file: file, detail: "storage \(key) has no data in the file") }
            return region
        }
        return data.value
    }

    /// Copies a tensor's elements out of its storage, checking that the view fits.
    private static func materialise(_ record: PickleRecord, name: String, storages: StorageBytes) throws -> TorchTensor {
        let file = storages.file
        guard record.arguments.count == 4, case .record(let storage) = record.arguments[0], storage.arguments.count == 4,
              let typeName = storage.arguments[0].text, let dtype = TorchGlobals.storageTypes[typeName],
              let key = storage.arguments[1].text, let declaredCount = storage.arguments[3].integer,
              let offset = record.arguments[1].integer, let shape = record.arguments[2].elements?.compactMap(\.integer),
              let stride = record.arguments[3].elements?.compactMap(\.integer),
              shape.count == record.arguments[2].elements?.count, stride.count == shape.count else {
            throw TorchFileError.corrupt(file: file, detail: "tensor \(name) is not (storage, offset, size, stride)")
        }
        guard offset >= 0, shape.allSatisfy({ $0 >= 0 }), stride.allSatisfy({ $0 >= 0 }) else {
            throw TorchFileError.corrupt(file: file, detail: "tensor \(name) has a negative offset, size or stride")
        }
        let itemSize = dtype.byteSize
        let data = try storages.bytes(key)
        guard let needed = SafetensorsEntry.byteCount(dtype: dtype, shape: [declaredCount]), data.count == needed else {
            throw TorchFileError.corrupt(file: file, detail: "storage \(key) of tensor \(name) holds \(data.count) bytes; \(declaredCount) \(dtype) elements need \(declaredCount &* itemSize)")
        }
        // Every count is checked before anything is allocated: a view may repeat elements (stride 0),
        // so the tensor is bounded on its own, at 4 GiB.
        guard let count = SafetensorsEntry.elementCount(of: shape), let byteCount = SafetensorsEntry.byteCount(dtype: dtype, shape: shape),
              byteCount <= 1 << 32 else {
            throw TorchFileError.corrupt(file: file, detail: "tensor \(name) of size \(shape) is larger than 4 GiB")
        }
        guard count > 0 else { return TorchTensor(dtype: dtype, shape: shape, bytes: []) }
        var last = offset
        for (size, step) in zip(shape, stride) {
            let reach = SafetensorsEntry.elementCount(of: [size - 1, step]).map { last.addingReportingOverflow($0) }
            guard let reach, !reach.overflow else {
                throw TorchFileError.corrupt(file: file, detail: "tensor \(name) (offset \(offset), size \(shape), stride \(stride)) reaches beyond any storage")
            }
            last = reach.partialValue
        }
        guard last < declaredCount else {
            throw TorchFileError.corrupt(file: file, detail: "tensor \(name) (offset \(offset), size \(shape), stride \(stride)) reaches element \(last) of storage \(key), which has \(declaredCount)")
        }
        var bytes = [UInt8](repeating: 0, count: count * itemSize)
        let base = data.startIndex
        var index = [Int](repeating: 0, count: shape.count)
        var source = offset
        for element in 0..<count {
            let from = base + source * itemSize
            for byte in 0..<itemSize { bytes[element * itemSize + byte] = data[from + byte] }
            // Advance the multi-index in C order, keeping the storage position in step.
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += stride[axis]
                if index[axis] < shape[axis] { break }
                source -= stride[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return TorchTensor(dtype: dtype, shape: shape, bytes: bytes)
    }
}

/// Where storages' bytes come from, filled in by the layout being read; each storage is checked
/// once and kept.
final class StorageBytes: @unchecked Sendable {
    let file: String
    var fetch: (String) throws -> ArraySlice<UInt8> = { _ in [] }
    private var cache: [String: ArraySlice<UInt8>] = [:]

    init(file: String) { self.file = file }

    func bytes(_ key: String) throws -> ArraySlice<UInt8> {
        if let cached = cache[key] { return cached }
        let data = try fetch(key)
        cache[key] = data
        return data
    }
}
