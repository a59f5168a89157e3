/// The memory behind one or more tensors: an aligned byte buffer, or a region owned by someone
/// else (a memory-mapped file) that must not be written.
public final class TensorStorage: @unchecked Sendable {
    /// Start of the buffer.
    public let pointer: UnsafeMutableRawPointer
    /// Size of the buffer in bytes.
    public let byteCount: Int
    /// Whether writes must copy first (memory that belongs to a mapped file).
    public let isReadOnly: Bool
    private let owner: AnyObject?

    /// A new zero-filled buffer of `byteCount` bytes, aligned to 64 bytes.
    public init(byteCount: Int) {
        let size = max(byteCount, 1)
        pointer = TensorMemory.allocate(byteCount: size)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.byteCount = byteCount
        isReadOnly = false
        owner = nil
    }

    /// A buffer allocated without clearing it; the caller overwrites every byte.
    init(uninitializedByteCount byteCount: Int) {
        pointer = TensorMemory.allocate(byteCount: byteCount)
        self.byteCount = byteCount
        isReadOnly = false
        owner = nil
    }

    /// Memory owned by `owner` (kept alive as long as this storage), read-only.
    public init(borrowing pointer: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        self.pointer = UnsafeMutableRawPointer(mutating: pointer)
        self.byteCount = byteCount
        isReadOnly = true
        self.owner = owner
    }

    deinit {
        if owner == nil { TensorMemory.deallocate(pointer) }
    }
}
