/// A safetensors file opened for reading: the checked header plus access to each tensor's bytes.
///
/// ```swift
/// let file = try SafetensorsFile(path: "model.safetensors")
/// for name in file.names { print(name, try file.entry(named: name).shape) }
/// let weight = try file.floats(of: "fc.weight")
/// ```
///
/// The header is fully checked on opening, so every later access stays inside the file.
/// A memory-mapped file must not be truncated by another process while it is open (the
/// system would stop the program with SIGBUS); use `.readFully` for files that may change.
public struct SafetensorsFile: Sendable {
    /// How the file's bytes are brought into memory.
    public enum Loading: Sendable {
        /// Map the file read-only; pages load on first touch and are shared with the page cache.
        case memoryMapped
        /// Read the whole file into memory at once.
        case readFully
    }

    /// The path the file was opened from (or the name given to in-memory bytes), used in errors.
    public let path: String
    /// Every tensor, in file order (sorted by data offset).
    public let entries: [SafetensorsEntry]
    /// The `__metadata__` strings; empty when the file has none.
    public let metadata: [String: String]

    private let storage: SafetensorsStorage
    private let dataStart: Int
    private let entryIndex: [String: Int]

    /// Opens and checks the file at `path`.
    public init(path: String, loading: Loading = .memoryMapped) throws {
        try self.init(storage: SafetensorsStorage(path: path, memoryMapped: loading == .memoryMapped), path: path)
    }

    /// Checks a safetensors file already in memory; `name` stands for the file in errors.
    public init(bytes: [UInt8], name: String) throws {
        try self.init(storage: SafetensorsStorage(copying: bytes), path: name)
    }

    private init(storage: SafetensorsStorage, path: String) throws {
        let (header, dataStart) = try SafetensorsHeader.read(from: storage.bytes, path: path)
        self.path = path
        self.storage = storage
        self.dataStart = dataStart
        entries = header.entries
        metadata = header.metadata
        entryIndex = Dictionary(uniqueKeysWithValues: header.entries.enumerated().map { ($1.name, $0) })
    }

    /// The tensor names in file order.
    public var names: [String] { entries.map(\.name) }

    /// The entry of the tensor called `name`.
    public func entry(named name: String) throws -> SafetensorsEntry {
        guard let index = entryIndex[name] else { throw SafetensorsError.tensorNotFound(file: path, tensor: name) }
        return entries[index]
    }

    /// Calls `body` with the raw little-endian bytes of the tensor called `name`.
    ///
    /// The pointer is valid only inside `body`. Its alignment follows the file: writers that pad
    /// the header to 8 bytes (this one and the reference) align every element naturally, but
    /// other files may not, so load with `loadUnaligned` unless you have checked.
    public func withBytes<Result>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let entry = try entry(named: name)
        let range = (dataStart + entry.byteRange.lowerBound)..<(dataStart + entry.byteRange.upperBound)
        return try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(rebasing: storage.bytes[range]))
        }
    }
}
