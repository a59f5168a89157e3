import Testing
@testable import PerceptTensor

/// The pool that keeps freed large tensor buffers for the next tensor of their size class.
@Suite("Large buffer pool")
struct LargeBufferPoolTests {
    static let megabyte = 1 << 20

    @Test("size classes are exact for powers of two and waste at most an eighth otherwise")
    func sizeClasses() {
        #expect(LargeBufferPool.sizeClass(64 * Self.megabyte) == 64 * Self.megabyte)
        #expect(LargeBufferPool.sizeClass(4 * Self.megabyte + 1) == 4 * Self.megabyte + Self.megabyte / 2)
        for size in stride(from: LargeBufferPool.minimumBytes, to: 300 * Self.megabyte, by: 999_983) {
            let rounded = LargeBufferPool.sizeClass(size)
            #expect(rounded >= size && rounded <= size + size / 8, "\(size) → \(rounded)")
        }
    }

    @Test("a freed buffer comes back for the next request of its class, not for another class")
    func reuse() {
        let pool = LargeBufferPool(capacityBytes: 64 * Self.megabyte, idleSeconds: 600)
        defer { pool.trim() }
        let first = pool.allocate(byteCount: 5 * Self.megabyte)
        pool.deallocate(first, byteCount: 5 * Self.megabyte)
        #expect(pool.cachedBytes == 5 * Self.megabyte)
        let other = pool.allocate(byteCount: 7 * Self.megabyte)
        #expect(other != first)
        let again = pool.allocate(byteCount: 5 * Self.megabyte)
        #expect(again == first)
        #expect(pool.cachedBytes == 0)
        pool.deallocate(other, byteCount: 7 * Self.megabyte)
        pool.deallocate(again, byteCount: 5 * Self.megabyte)
    }

    @Test("the pool never holds more than its capacity, dropping the oldest buffers first")
    func capacity() {
        let pool = LargeBufferPool(capacityBytes: 20 * Self.megabyte, idleSeconds: 600)
        defer { pool.trim() }
        let buffers = (0..<3).map { _ in pool.allocate(byteCount: 8 * Self.megabyte) }
        buffers.forEach { pool.deallocate($0, byteCount: 8 * Self.megabyte) }
        #expect(pool.cachedBytes == 16 * Self.megabyte)
        // The newest two remain: the next two requests get them, the third a fresh buffer.
        let reused = Set((0..<2).map { _ in pool.allocate(byteCount: 8 * Self.megabyte) })
        #expect(reused == Set(buffers[1...]))
        reused.forEach { pool.deallocate($0, byteCount: 8 * Self.megabyte) }
        let huge = pool.allocate(byteCount: 32 * Self.megabyte)
        pool.deallocate(huge, byteCount: 32 * Self.megabyte)
        #expect(pool.cachedBytes <= 20 * Self.megabyte)
    }

    @Test("a step whose classes are live at different times maps nothing after its first run")
    func phasesWithinAStepReuse() {
        let pool = LargeBufferPool(capacityBytes: 1 << 30, idleSeconds: 600)
        defer { pool.trim() }
        // A 64 MB activation freed before a 40 MB one is made: both must stay cached.
        func step() -> [UnsafeMutableRawPointer] {
            let large = pool.allocate(byteCount: 64 * Self.megabyte)
            pool.deallocate(large, byteCount: 64 * Self.megabyte)
            let other = pool.allocate(byteCount: 40 * Self.megabyte)
            pool.deallocate(other, byteCount: 40 * Self.megabyte)
            return [large, other]
        }
        let first = step()
        #expect(step() == first)
        #expect(pool.cachedBytes == 104 * Self.megabyte)
    }

    @Test("a step that repeats gets the same buffers back every time")
    func repeatedStepsReuse() {
        let pool = LargeBufferPool(capacityBytes: 1 << 30, idleSeconds: 600)
        defer { pool.trim() }
        let sizes = [6, 6, 3, 2, 6, 3].map { $0 * Self.megabyte + 4096 }
        func step() -> Set<UnsafeMutableRawPointer> {
            let buffers = sizes.map { pool.allocate(byteCount: $0) }
            zip(buffers, sizes).reversed().forEach { pool.deallocate($0, byteCount: $1) }
            return Set(buffers)
        }
        let first = step()
        #expect(step() == first)
        #expect(step() == first)
        #expect(pool.cachedBytes == sizes.map(LargeBufferPool.sizeClass).reduce(0, +))
    }

    @Test("a trim releases every cached buffer, and buffers in use stay theirs")
    func trim() {
        let pool = LargeBufferPool(capacityBytes: 1 << 30, idleSeconds: 600)
        defer { pool.trim() }
        let training = (0..<3).map { _ in pool.allocate(byteCount: 8 * Self.megabyte) }
        training.forEach { pool.deallocate($0, byteCount: 8 * Self.megabyte) }
        #expect(pool.cachedBytes == 24 * Self.megabyte)
        let kept = pool.allocate(byteCount: 8 * Self.megabyte)
        kept.initializeMemory(as: UInt8.self, repeating: 7, count: 8 * Self.megabyte)
        pool.trim()
        #expect(pool.cachedBytes == 0)
        #expect(kept.load(fromByteOffset: 8 * Self.megabyte - 1, as: UInt8.self) == 7)
        pool.deallocate(kept, byteCount: 8 * Self.megabyte)
        #expect(pool.cachedBytes == 8 * Self.megabyte)
    }

    @Test("pooled buffers are writable from end to end, huge-page aligned from 32 MB")
    func mappedBuffers() {
        let pool = LargeBufferPool(capacityBytes: 1 << 30, idleSeconds: 600)
        defer { pool.trim() }
        for size in [Self.megabyte, 5 * Self.megabyte + 1, 40 * Self.megabyte] {
            let buffer = pool.allocate(byteCount: size)
            buffer.initializeMemory(as: UInt8.self, repeating: 0xA5, count: size)
            #expect(buffer.load(fromByteOffset: size - 1, as: UInt8.self) == 0xA5)
            #expect(Int(bitPattern: buffer) % TensorMemory.alignment == 0)
            if size >= TensorMemory.hugePageThreshold { #expect(Int(bitPattern: buffer) % TensorMemory.hugePageBytes == 0) }
            pool.deallocate(buffer, byteCount: size)
        }
    }

    @Test("buffers nobody took within the idle time are released at the next pool call")
    func idleRelease() {
        let pool = LargeBufferPool(capacityBytes: 64 * Self.megabyte, idleSeconds: 0)
        defer { pool.trim() }
        let buffer = pool.allocate(byteCount: 6 * Self.megabyte)
        pool.deallocate(buffer, byteCount: 6 * Self.megabyte)
        let other = pool.allocate(byteCount: 9 * Self.megabyte)
        #expect(pool.cachedBytes == 0)
        pool.deallocate(other, byteCount: 9 * Self.megabyte)
    }

    @Test("a large tensor made from a pooled buffer holds its own values (zeros where asked)")
    func tensorsFromPooledBuffers() throws {
        let count = LargeBufferPool.minimumBytes / 4 + 3
        do { _ = Tensor.full([count], 7) }
        let zeros = Tensor.zeros([count])
        #expect(zeros.toArray().allSatisfy { $0 == 0 })
        let ones = Tensor.ones([count])
        #expect(try ones.sum().item() == Float(count))
    }
}
