import Foundation
import PerceptRandom

/// The seeded generator every augmentation draws from: PerceptRandom's xoshiro256** core seeded through
/// SplitMix64, so a seed gives the same stream on every machine and Swift version.
///
///     var random = AugmentRandom(seed: 42)
///     let angle = random.uniform(-15...15)
public struct AugmentRandom: RandomNumberGenerator, Sendable {
    private var core: Xoshiro256StarStar

    /// A generator whose whole stream follows from `seed`.
    public init(seed: UInt64) { core = Xoshiro256StarStar(seed: seed) }

    /// The seed for item `index` of a batch run with `seed`; items get independent streams, so
    /// results do not depend on which thread handles which item.
    public static func derivedSeed(_ seed: UInt64, index: Int) -> UInt64 {
        var mixer = seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
        return Xoshiro256StarStar.splitMix(&mixer)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { core.next() }

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
