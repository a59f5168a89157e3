import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Freed large tensor buffers kept for the next tensor of the same size class. A training
/// step frees and makes again the same large activations every step. Left to glibc, those of
/// its mmap threshold and more are mapped afresh each time (the kernel zeroing every page: a
/// fifth of PointNet's step), and the smaller ones fragment its heap: a Fashion-MNIST epoch of
/// `fashion_cnn` grew the heap to 480 MB for 104 MB in use, because its 1.6–6.4 MB activations
/// were freed between small long-lived objects. The pool maps its buffers itself, outside the
/// heap, and reuses them.
///
/// Sizes round up to one of eight classes per power of two (at most 12.5% unused). A buffer is
/// only mapped when its class has none cached, so the pool holds per class at most the most
/// buffers of that class in use at once: what a step that repeats takes back, no more. Classes
/// a phase no longer uses are what would sit idle, so a buffer nobody took for `idleSeconds`
/// is released at the next allocation or release, `trim()` (the trainer calls it after each
/// epoch's training and after its validation) releases them all, and the cache never holds
/// more than `capacityBytes`. A bound on the cache's total below the peak in use was tried: a
/// step whose classes are live at different times then evicts and maps again every step
/// (PointNet's step faulted more and spent twice the system time).
final class LargeBufferPool: Sendable {
    /// Buffers from this size on are pooled; smaller ones come and go through the heap, which
    /// recycles them well. From 1 MB on the pool keeps fashion_cnn's activations (1.6 MB and
    /// more at batch 64) out of the heap.
    static let minimumBytes = 1 << 20
    /// The most bytes the cache holds at once, whatever was handed out.
    let capacityBytes: Int
    /// A cached buffer unused this long is released.
    let idleSeconds: Double

    /// Cached buffers by size class, most recently freed last.
    private let cache = Mutex(Cache())

    /// The pool every tensor storage uses. It may cache a quarter of the machine's memory (at
    /// least 1 GB): a yolov8n step at batch 16 frees some 1.7 GB of activations at its end, and
    /// under a 1 GB cap the pool unmapped the rest and the next step faulted 750 MB back in
    /// (a fifth of its time in the kernel).
    static let shared = LargeBufferPool(capacityBytes: Swift.max(1 << 30, Int(ProcessInfo.processInfo.physicalMemory / 4)),
                                        idleSeconds: 5)

    /// A pool caching at most `capacityBytes`, releasing buffers unused for `idleSeconds`.
    init(capacityBytes: Int, idleSeconds: Double) {
        self.capacityBytes = capacityBytes
        self.idleSeconds = idleSeconds
    }

    /// The bytes actually allocated for a request of `byteCount` bytes (≥ `minimumBytes`).
    static func sizeClass(_ byteCount: Int) -> Int {
        let step = 1 << Swift.max(0, (Int.bitWidth - 1 - byteCount.leadingZeroBitCount) - 3)
        return (byteCount + step - 1) / step * step
    }

    /// A buffer of at least `byteCount` bytes, uninitialised: a cached one of its class, or a new one.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = Self.sizeClass(byteCount), now = Self.seconds()
        let (reused, stale) = cache.withLock { cache -> (UnsafeMutableRawPointer?, [Cache.Entry]) in
            (cache.take(size: size), cache.removeIdle(before: now - idleSeconds))
        }
        stale.forEach(Self.unmap)
        return reused ?? Self.map(byteCount: size)
    }

    /// Returns a buffer from `allocate(byteCount:)` with the same `byteCount`.
    func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let size = Self.sizeClass(byteCount), now = Self.seconds()
        let released = cache.withLock { cache -> [Cache.Entry] in
            var released = cache.removeIdle(before: now - idleSeconds)
            cache.put(Cache.Entry(pointer: pointer, size: size, freedAt: now))
            released += cache.removeOldest(toFit: capacityBytes)
            return released
        }
        released.forEach(Self.unmap)
    }

    /// Releases every cached buffer: for a phase that allocates differently (validation after
    /// training), or a process about to do something else.
    func trim() {
        cache.withLock { $0.removeIdle(before: .infinity) }.forEach(Self.unmap)
    }

    /// Bytes held in the cache now.
    var cachedBytes: Int { cache.withLock { $0.bytes } }

    /// The instant the pool's clock counts from.
    private static let origin = ContinuousClock.now

    /// Monotonic seconds since `origin`.
    private static func seconds() -> Double {
        let elapsed = origin.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    /// `size` bytes of fresh pages, outside the heap. Buffers of `TensorMemory.hugePageThreshold`
    /// and more are aligned to 2 MB and advised to use transparent huge pages: a 64 MB tensor
    /// otherwise costs 16,384 page faults when first written. Smaller ones are not advised: that
    /// made a ResNet-18 step 5–20% slower (the kernel zeroes and compacts whole 2 MB pages).
    private static func map(byteCount size: Int) -> UnsafeMutableRawPointer {
        #if canImport(Glibc)
        let huge = size >= TensorMemory.hugePageThreshold, slack = huge ? TensorMemory.hugePageBytes : 0
        guard let mapped = mmap(nil, size + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else {
            // The kernel refused memory, not bad input (readers bound every tensor by its file's
            // length first); Swift's own allocator, the heap path's fallback, traps the same way.
            fatalError("out of memory: cannot map \(size) bytes for a tensor") // ok: out of memory, never input
        }
        guard huge else { return mapped }
        // Keeps the 2 MB-aligned part and unmaps the slack before and after it.
        let address = Int(bitPattern: mapped), alignment = TensorMemory.hugePageBytes
        let head = (alignment - address % alignment) % alignment
        if head > 0 { munmap(mapped, head) }
        if slack > head { munmap(mapped + head + size, slack - head) }
        let aligned = mapped + head
        _ = madvise(aligned, size, MADV_HUGEPAGE)
        return aligned
        #else
        return TensorMemory.allocateSystem(byteCount: size)
        #endif
    }

    /// Gives a buffer from `map` back to the system.
    private static func unmap(_ entry: Cache.Entry) {
        #if canImport(Glibc)
        munmap(entry.pointer, entry.size)
        #else
        TensorMemory.deallocateSystem(entry.pointer)
        #endif
    }

    /// The cached buffers and their total size.
    private struct Cache {
        struct Entry { let pointer: UnsafeMutableRawPointer; let size: Int; let freedAt: Double }
        var entries: [Entry] = []
        var bytes = 0

        /// The most recently freed buffer of exactly `size` bytes, removed from the cache.
        mutating func take(size: Int) -> UnsafeMutableRawPointer? {
            guard let index = entries.lastIndex(where: { $0.size == size }) else { return nil }
            bytes -= size
            return entries.remove(at: index).pointer
        }

        mutating func put(_ entry: Entry) {
            entries.append(entry)
            bytes += entry.size
        }

        /// Removes the buffers freed before `time` and returns them.
        mutating func removeIdle(before time: Double) -> [Entry] {
            guard entries.contains(where: { $0.freedAt < time }) else { return [] }
            let idle = entries.filter { $0.freedAt < time }
            entries.removeAll { $0.freedAt < time }
            bytes -= idle.reduce(0) { $0 + $1.size }
            return idle
        }

        /// Removes the oldest buffers until the cache holds at most `bound` bytes, and returns them.
        mutating func removeOldest(toFit bound: Int) -> [Entry] {
            var removed = 0
            while bytes > bound, removed < entries.count {
                bytes -= entries[removed].size
                removed += 1
            }
            defer { entries.removeFirst(removed) }
            return Array(entries[..<removed])
        }
    }
}
