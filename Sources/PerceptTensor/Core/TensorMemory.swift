#if canImport(Glibc)
import Glibc
#endif

/// Allocation of tensor buffers. Buffers of `LargeBufferPool.minimumBytes` and more go through
/// the pool, which maps them outside the heap and reuses them, so a training step's large
/// temporaries are neither page-faulted in afresh every step nor left to fragment the heap.
/// Smaller buffers come from the heap, 64-byte aligned.
public enum TensorMemory {
    /// The huge-page size on x86-64 and the alignment of huge-page buffers.
    static let hugePageBytes = 2 << 20
    /// Buffers from this size on get huge-page advice (glibc's largest mmap threshold).
    static let hugePageThreshold = 32 << 20
    /// The alignment of every other buffer (a cache line, and enough for any SIMD load).
    static let alignment = 64

    /// `byteCount` bytes (at least one), uninitialised; release with `deallocate` and the same count.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount >= LargeBufferPool.minimumBytes { return LargeBufferPool.shared.allocate(byteCount: byteCount) }
        return allocateSystem(byteCount: byteCount)
    }

    /// Releases a buffer from `allocate(byteCount:)`.
    static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= LargeBufferPool.minimumBytes {
            LargeBufferPool.shared.deallocate(pointer, byteCount: byteCount)
        } else {
            deallocateSystem(pointer)
        }
    }

    /// Gives back the large buffers kept for reuse, for a phase that allocates differently
    /// (the trainer calls it between training and validation) or a process done with tensors.
    public static func releaseCachedBuffers() {
        LargeBufferPool.shared.trim()
    }

    /// `byteCount` bytes (at least one) from the heap, 64-byte aligned and uninitialised.
    static func allocateSystem(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = Swift.max(byteCount, 1)
        #if canImport(Glibc)
        var memory: UnsafeMutableRawPointer?
        if posix_memalign(&memory, alignment, size) == 0, let memory { return memory }
        #endif
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment)
    }

    /// Releases a buffer from `allocateSystem`.
    @Sendable static func deallocateSystem(_ pointer: UnsafeMutableRawPointer) {
        #if canImport(Glibc)
        free(pointer)
        #else
        pointer.deallocate()
        #endif
    }
}
