import Foundation

/// Bounds that keep a hostile pickle from exhausting memory or the stack.
public struct PickleLimits: Sendable {
    /// How deep values may nest.
    public var maxDepth: Int
    /// How many memo entries a pickle may store.
    public var maxMemoEntries: Int
    /// How many values a pickle may make in all.
    public var maxElements: Int
    /// How many bytes of strings and binary data a pickle may hold in all.
    public var maxBytes: Int

    /// Limits of your own.
    public init(maxDepth: Int, maxMemoEntries: Int, maxElements: Int, maxBytes: Int) {
        self.maxDepth = maxDepth
        self.maxMemoEntries = maxMemoEntries
        self.maxElements = maxElements
        self.maxBytes = maxBytes
    }

    /// Generous for datasets and checkpoints (CIFAR-100's 150 MB training batch fits easily):
    /// depth 200, one million memo entries, five million values, 4 GiB of data.
    public static let standard = PickleLimits(maxDepth: 200, maxMemoEntries: 1 << 20, maxElements: 5_000_000, maxBytes: 4 << 30)
}

/// A restricted unpickler: runs pickle protocols 0–5 but builds only plain data (containers,
/// strings, bytes, numbers, numpy arrays and dtypes) and refuses, by name, every global that is
/// not on its allow-list. Nothing from a file is ever executed.
///
/// ```swift
/// let batch = try Unpickler().load(contentsOf: URL(fileURLWithPath: "cifar-10-batches-py/data_batch_1"))
/// let labels = batch["labels"]?.elements
/// ```
public struct Unpickler: Sendable {
    /// Resolves a persistent ID (PERSID/BINPERSID) to a value, for formats that store data beside
    /// the pickle (PyTorch's storages).
    public typealias PersistentLoad = @Sendable (PickleValue) throws -> PickleValue

    /// The globals a pickle may name.
    public let allowList: PickleAllowList
    /// The bounds against hostile files.
    public let limits: PickleLimits
    /// How persistent IDs are resolved; nil refuses them.
    public let persistentLoad: PersistentLoad?

    /// An unpickler with this allow-list, these limits and (optionally) persistent-ID resolution.
    public init(allowList: PickleAllowList = .numpy, limits: PickleLimits = .standard, persistentLoad: PersistentLoad? = nil) {
        self.allowList = allowList
        self.limits = limits
        self.persistentLoad = persistentLoad
    }

    /// The value pickled in `bytes`; `file` names the source in errors.
    public func load(_ bytes: [UInt8], file: String = "<memory>") throws -> PickleValue {
        var machine = PickleMachine(input: PickleInput(bytes: bytes, file: file), allowList: allowList, limits: limits,
                                    persistentLoad: persistentLoad)
        return try machine.run()
    }

    /// The value pickled in `bytes` from `offset` on, and the offset just past its STOP: for
    /// formats that put several pickles one after another (PyTorch's legacy files).
    public func load(_ bytes: [UInt8], from offset: Int, file: String) throws -> (value: PickleValue, end: Int) {
        var machine = PickleMachine(input: PickleInput(bytes: bytes, file: file, position: offset, opcodeStart: offset),
                                    allowList: allowList, limits: limits, persistentLoad: persistentLoad)
        let value = try machine.run()
        return (value, machine.input.position)
    }

    /// The value pickled in the file at `url`.
    public func load(contentsOf url: URL) throws -> PickleValue {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try load([UInt8](data), file: url.path)
    }
}
