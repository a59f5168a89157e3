import Foundation

/// Reusable float buffers for the convolution kernels' temporaries (column matrices, products,
/// gradients in matrix layout). Multi-megabyte buffers that are freed after every call would
/// be page-faulted in afresh each time; kept here, they stay mapped. Thread-safe: each caller
/// gets a buffer nobody else holds until it is returned.
enum ScratchBuffers {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    /// Buffers kept beyond this are released, bounding the memory held between calls.
    private static let keptBuffers = 4

    /// Runs `body` with a buffer of at least `count` floats (contents undefined).
    static func with<Result>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> Result) rethrows -> Result {
        let buffer = take(count: Swift.max(count, 1))
        defer { give(buffer) }
        return try body(buffer.pointer)
    }

    private static func take(count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        lock.lock()
        defer { lock.unlock() }
        // The smallest free buffer that fits, so large ones stay available for large requests.
        if let index = free.indices.filter({ free[$0].capacity >= count }).min(by: { free[$0].capacity < free[$1].capacity }) {
            return free.remove(at: index)
        }
        return (UnsafeMutablePointer<Float>.allocate(capacity: count), count)
    }

    private static func give(_ buffer: (pointer: UnsafeMutablePointer<Float>, capacity: Int)) {
        lock.lock()
        defer { lock.unlock() }
        free.append(buffer)
        if free.count > keptBuffers {
            free.sort { $0.capacity > $1.capacity }
            free.removeLast().pointer.deallocate()
        }
    }
}
