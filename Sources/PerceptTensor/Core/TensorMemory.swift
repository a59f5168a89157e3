#if canImport(Glibc)
import Glibc
#endif

/// Allocation of tensor buffers. Buffers of `LargeBufferPool.minimumBytes` and more go through
/// the pool, so a training step's large temporaries are not page-faulted in afresh every step.
/// Underneath, very large buffers are aligned to 2 MB and advised to use transparent huge
/// pages: glibc maps every buffer of 32 MB or more afresh and unmaps it on release, so a 64 MB
/// tensor otherwise costs 16,384 page faults each time it is mapped. Smaller buffers are
/// recycled by glibc's heap and stay faulted in; advising them too made a ResNet-18 step 5–20%
/// slower (the kernel zeroes and compacts whole 2 MB pages). The advice is only advice; where
/// the kernel declines, ordinary pages are used.
enum TensorMemory {
    /// The huge-page size on x86-64 and the alignment of large buffers.
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

    /// `byteCount` bytes (at least one) from the system allocator, uninitialised.
    static func allocateSystem(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = Swift.max(byteCount, 1)
        #if canImport(Glibc)
        var memory: UnsafeMutableRawPointer?
        if size >= hugePageThreshold {
            let rounded = (size + hugePageBytes - 1) / hugePageBytes * hugePageBytes
            if posix_memalign(&memory, hugePageBytes, rounded) == 0, let memory {
                _ = madvise(memory, rounded, MADV_HUGEPAGE)
                return memory
            }
        }
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
