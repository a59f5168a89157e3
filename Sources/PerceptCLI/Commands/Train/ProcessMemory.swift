import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The memory of the `percept` process itself: the allocator policy of training runs and the
/// peak resident size they report.
enum ProcessMemory {
    /// Buffers from this size on are mapped afresh and returned on release during training.
    static let trainingMapThreshold: Int32 = 8 << 20

    /// Sets glibc's allocator for training. The start-up policy (`ImageMemory.keepFreedBuffers`:
    /// everything below 32 MB from the heap, 256 MB of it kept) suits streams of same-sized
    /// images, but a training step frees activations of many sizes between small long-lived
    /// objects: the heap fragmented to about 0.5–0.9 GB resident for about 0.13 GB in use
    /// (heaptrack, Fashion-MNIST fashion_cnn at batch 64). Buffers of 8 MB and more are mapped
    /// afresh (a fixed threshold also stops glibc from raising it) and the heap is trimmed
    /// beyond 64 MB; that alone still left 0.3–0.5 GB peaks, from the 1.6–6.4 MB activations.
    /// Tensor buffers of 1 MB and more now bypass the heap (`LargeBufferPool`): 0.27 GB.
    static func boundForTraining() {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which Glibc's Swift module does not include;
        // it is looked up instead. glibc's parameter numbers: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, trainingMapThreshold)
        _ = mallopt(-1, 64 << 20)
        #endif
    }

    /// The process's peak resident memory so far in MB (`VmHWM` of /proc/self/status), or nil
    /// where the kernel does not report it.
    static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kilobytes / 1024
    }
}
