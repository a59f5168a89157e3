import Synchronization

/// Freed large tensor buffers kept for the next tensor of the same size class. A training
/// step frees and makes again the same large activations every step; glibc maps each block
/// above its mmap threshold afresh, so without this every step page-faults its large
/// temporaries in again (the kernel zeroing each page: a fifth of PointNet's training step).
///
/// Sizes round up to one of eight classes per power of two (at most 12.5% unused). The pool
/// is bounded (`capacityBytes`), and a buffer nobody took for `idleSeconds` is released at the
/// next allocation or release, so a process that stops training gives the memory back.
final class LargeBufferPool: Sendable {
    /// Buffers from this size on are pooled; smaller ones come and go through the heap. From
    /// 4 MB on, fashion_cnn's epoch held 331 MB at its peak instead of 298 MB (issue 15 wants
    /// < 300 MB) for activations the heap recycles anyway; PointNet's page faults come from its
    /// 64 MB layers.
    static let minimumBytes = 16 << 20
    /// The most bytes the pool holds at once.
    let capacityBytes: Int
    /// A cached buffer unused this long is released.
    let idleSeconds: Double

    /// Cached buffers by size class, most recently freed last.
    private let cache = Mutex(Cache())

    /// The pool every tensor storage uses.
    static let shared = LargeBufferPool(capacityBytes: 1 << 30, idleSeconds: 5)

    /// A pool holding at most `capacityBytes`, releasing buffers unused for `idleSeconds`.
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
        let (reused, stale) = cache.withLock { cache -> (UnsafeMutableRawPointer?, [UnsafeMutableRawPointer]) in
            let reused = cache.take(size: size)
            return (reused, cache.removeIdle(before: now - idleSeconds))
        }
        stale.forEach(TensorMemory.deallocateSystem)
        return reused ?? TensorMemory.allocateSystem(byteCount: size)
    }

    /// Returns a buffer from `allocate(byteCount:)` with the same `byteCount`.
    func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let size = Self.sizeClass(byteCount), now = Self.seconds()
        let released = cache.withLock { cache -> [UnsafeMutableRawPointer] in
            var released = cache.removeIdle(before: now - idleSeconds)
            if size <= capacityBytes {
                released += cache.removeOldest(toFit: size, capacity: capacityBytes)
                cache.put(pointer, size: size, at: now)
            } else {
                released.append(pointer)
            }
            return released
        }
        released.forEach(TensorMemory.deallocateSystem)
    }

    /// Releases every cached buffer (for a process about to do something else, and for tests).
    func releaseAll() {
        cache.withLock { $0.removeIdle(before: .infinity) }.forEach(TensorMemory.deallocateSystem)
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

        mutating func put(_ pointer: UnsafeMutableRawPointer, size: Int, at time: Double) {
            entries.append(Entry(pointer: pointer, size: size, freedAt: time))
            bytes += size
        }

        /// Removes the buffers freed before `time` and returns them.
        mutating func removeIdle(before time: Double) -> [UnsafeMutableRawPointer] {
            guard entries.contains(where: { $0.freedAt < time }) else { return [] }
            let idle = entries.filter { $0.freedAt < time }
            entries.removeAll { $0.freedAt < time }
            bytes -= idle.reduce(0) { $0 + $1.size }
            return idle.map(\.pointer)
        }

        /// Removes the oldest buffers until `size` more bytes fit under `capacity`, and returns them.
        mutating func removeOldest(toFit size: Int, capacity: Int) -> [UnsafeMutableRawPointer] {
            var removed: [UnsafeMutableRawPointer] = []
            while bytes + size > capacity, !entries.isEmpty {
                let oldest = entries.removeFirst()
                bytes -= oldest.size
                removed.append(oldest.pointer)
            }
            return removed
        }
    }
}
