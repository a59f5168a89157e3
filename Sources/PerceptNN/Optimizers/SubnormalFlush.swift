#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` on the calling thread with subnormal floats flushed to zero (the SSE control
/// bits FTZ and DAZ), then puts the thread's floating-point settings back.
///
/// An optimizer's moments of a parameter whose gradient stays zero (the weights of a ReLU unit
/// that never fires) decay into subnormals, and rounding keeps them there: `m − 0.1·m` rounds
/// back to `m` a few units above zero. Every arithmetic instruction that touches a subnormal
/// takes a microcode assist of about a hundred cycles on x86: after one Fashion-MNIST epoch
/// 41% of the first moments of `fashion_cnn`'s first fully connected layer were subnormal, and
/// in the second Adam's update took 38% of the step. Flushed, a decay step that would leave
/// the normal range gives zero instead, so such moments stop just above it (or at zero), where
/// arithmetic is fast; the values lost are below 1.2e-38.
@inline(__always)
func withSubnormalsFlushedToZero<T>(_ body: () throws -> T) rethrows -> T {
    #if canImport(Glibc) && arch(x86_64)
    var saved = fenv_t()
    fegetenv(&saved)
    var flushing = saved
    flushing.__mxcsr |= subnormalControlBits
    fesetenv(&flushing)
    defer { fesetenv(&saved) }
    #endif
    return try body()
}

/// MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6) bits.
private let subnormalControlBits: UInt32 = 0x8040
