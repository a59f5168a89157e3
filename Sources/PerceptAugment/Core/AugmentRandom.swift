import Foundation

/// The seeded generator every augmentation draws from: xoshiro256** seeded through
/// SplitMix64, so a seed gives the same stream on every machine and Swift version.
///
///     var random = AugmentRandom(seed: 42)
///     let angle = random.uniform(-15...15)
public struct AugmentRandom: RandomNumberGenerator, Sendable {
    private var state0: UInt64, state1: UInt64, state2: UInt64, state3: UInt64

    /// A generator whose whole stream follows from `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        state0 = AugmentRandom.splitMix(&mixer)
        state1 = AugmentRandom.splitMix(&mixer)
        state2 = AugmentRandom.splitMix(&mixer)
        state3 = AugmentRandom.splitMix(&mixer)
    }

    /// The seed for item `index` of a batch run with `seed`; items get independent streams, so
    /// results do not depend on which thread handles which item.
    public static func derivedSeed(_ seed: UInt64, index: Int) -> UInt64 {
        var mixer = seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
        return splitMix(&mixer)
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((state1 &* 5) << 7 | (state1 &* 5) >> 57) &* 9
        let shifted = state1 << 17
        state2 ^= state0
        state3 ^= state1
        state1 ^= state2
        state0 ^= state3
        state2 ^= shifted
        state3 = state3 << 45 | state3 >> 19
        return result
    }

    /// A uniform value in `0..<1` with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform value in `range` (the bound itself when the range is a single value).
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// A uniform integer in `range`.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next().multipliedFullWidth(by: span).high)
    }

    /// True with probability `probability` (no draw is spent when it is 0 or 1).
    public mutating func chance(_ probability: Double) -> Bool {
        if probability >= 1 { return true }
        if probability <= 0 { return false }
        return uniform() < probability
    }

    /// A standard normal value (Box–Muller).
    public mutating func normal() -> Double {
        let radius = (-2 * log(1 - uniform())).squareRoot()
        return radius * cos(2 * .pi * uniform())
    }
}
