import PerceptRandom

/// PerceptRandom's xoshiro256** core seeded through SplitMix64, with the point clouds' draw functions: a small, fast generator whose sequence is fixed by its
/// seed on every platform, so simulations and augmentations reproduce byte for byte.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var core: Xoshiro256StarStar

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) { core = Xoshiro256StarStar(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { core.next() }

    /// A uniform Float in `range`, from the top 24 bits (independent of the standard library's algorithm).
    public mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }

    /// A uniform integer in `0..<bound` (bound > 0), by multiply-shift.
    public mutating func index(below bound: Int) -> Int {
        Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
    }

    /// A standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u1 = max(uniform(0...1), Float.leastNormalMagnitude)
        let u2 = uniform(0...1)
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
