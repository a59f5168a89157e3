import CPixelKernels

/// Process-wide memory settings for image work.
public enum ImageMemory {
    /// Lets the C allocator keep freed image-sized buffers for the next image instead of
    /// returning them to the kernel (glibc; elsewhere nothing changes). Batch tools that
    /// allocate a few images per sample call it once at start: without it every new buffer
    /// faults in fresh zeroed pages. Freed memory up to 256 MB then stays with the process.
    /// Returns whether the setting took.
    @discardableResult
    public static func keepFreedBuffers() -> Bool { pk_keep_freed_buffers() == 1 }
}
