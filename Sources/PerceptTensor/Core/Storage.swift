import CDNNL
import Synchronization

/// The last generation handed out (see `TensorStorage.generation`).
private let lastStorageGeneration = Atomic<UInt64>(0)

/// The memory behind one or more tensors: an aligned byte buffer, or a region owned by someone
/// else (a memory-mapped file) that must not be written.
public final class TensorStorage: @unchecked Sendable {
    /// Start of the buffer, holding the values in row-major order (filled first from the
    /// values oneDNN left in one of its own layouts, if any).
    public var pointer: UnsafeMutableRawPointer {
        if hasDNNLValues.load(ordering: .acquiring) { copyDNNLValuesToPlain() }
        return plainPointer
    }
    /// Start of the buffer as allocated, whatever it holds.
    private let plainPointer: UnsafeMutableRawPointer
    /// Whether `dnnlValues` holds values not yet copied into the plain buffer.
    private let hasDNNLValues = Atomic<Bool>(false)
    /// The values in a oneDNN layout, when a oneDNN primitive wrote them and nothing has read
    /// them plain since.
    private let dnnlValues = Mutex<DNNLValues?>(nil)
    /// Size of the buffer in bytes.
    public let byteCount: Int
    /// Whether writes must copy first (memory that belongs to a mapped file).
    public let isReadOnly: Bool
    private let owner: AnyObject?
    /// Names this storage's content for the life of the process: new for every storage and
    /// again before every in-place write, so a cache of a derived copy (oneDNN's reordered
    /// weights) knows when the copy is stale.
    public private(set) var generation = TensorStorage.nextGeneration()

    /// A generation no storage has had yet.
    static func nextGeneration() -> UInt64 { lastStorageGeneration.add(1, ordering: .relaxed).newValue }

    /// Gives the storage a new generation: call before writing in place.
    func contentWillChange() { generation = Self.nextGeneration() }

    /// A new zero-filled buffer of `byteCount` bytes, aligned to 64 bytes.
    public init(byteCount: Int) {
        let size = max(byteCount, 1)
        plainPointer = TensorMemory.allocate(byteCount: size)
        plainPointer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.byteCount = byteCount
        isReadOnly = false
        owner = nil
    }

    /// A buffer allocated without clearing it; the caller overwrites every byte.
    init(uninitializedByteCount byteCount: Int) {
        plainPointer = TensorMemory.allocate(byteCount: byteCount)
        self.byteCount = byteCount
        isReadOnly = false
        owner = nil
    }

    /// Memory owned by `owner` (kept alive as long as this storage), read-only.
    public init(borrowing pointer: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        plainPointer = UnsafeMutableRawPointer(mutating: pointer)
        self.byteCount = byteCount
        isReadOnly = true
        self.owner = owner
    }

    deinit {
        if owner == nil { TensorMemory.deallocate(plainPointer, byteCount: Swift.max(byteCount, 1)) }
    }
}

/// Tensor values kept in a layout oneDNN chose (a blocked one such as nChw16c) between
/// consecutive oneDNN primitives, so they are not reordered to NCHW and back at every layer.
final class DNNLValues: @unchecked Sendable {
    /// The layout, interned by CDNNL for the life of the process.
    let layout: OpaquePointer
    /// The values in that layout.
    let buffer: UnsafeMutableRawPointer

    /// Size of the buffer in bytes.
    let byteCount: Int

    /// An uninitialised buffer for a tensor in `layout`.
    init(layout: OpaquePointer) {
        self.layout = layout
        byteCount = Swift.max(percept_dnnl_layout_bytes(layout), 1)
        buffer = TensorMemory.allocate(byteCount: byteCount)
    }

    deinit { TensorMemory.deallocate(buffer, byteCount: byteCount) }
}

extension TensorStorage {
    /// Hands this storage values in a oneDNN layout, which readers of the plain buffer see
    /// once they are reordered (at the first read). Call right after making the storage,
    /// before any other tensor can see it.
    func keep(_ values: DNNLValues) {
        dnnlValues.withLock { $0 = values }
        hasDNNLValues.store(true, ordering: .releasing)
    }

    /// The values in a oneDNN layout, if the storage holds them and nothing has read them plain.
    var pendingDNNLValues: DNNLValues? {
        hasDNNLValues.load(ordering: .acquiring) ? dnnlValues.withLock { $0 } : nil
    }

    /// Reorders the oneDNN-layout values into the plain buffer, once (concurrent readers wait).
    private func copyDNNLValuesToPlain() {
        dnnlValues.withLock { pending in
            guard let values = pending else { return }
            // A reorder between layouts of one shape cannot fail once the primitive that wrote
            // the values ran; the check guards against a library that misbehaves.
            let status = percept_dnnl_layout_to_plain(values.layout, values.buffer.assumingMemoryBound(to: Float.self),
                                                      plainPointer.assumingMemoryBound(to: Float.self))
            precondition(status == 0, "oneDNN failed to reorder a tensor into NCHW")  // ok: the layout and buffers are the engine's own, never a user's or a file's
            pending = nil
            hasDNNLValues.store(false, ordering: .releasing)
        }
    }
}
