/// The project's one random-number core: xoshiro256** (Blackman and Vigna) seeded through
/// SplitMix64, so a seed gives the same stream on every machine and Swift version. The tensor
/// engine, augmentation and point clouds wrap it and keep their own draw functions (uniforms,
/// normals, integers), whose exact arithmetic their fixtures depend on.
///
/// ```swift
/// var core = Xoshiro256StarStar(seed: 42)
/// let bits = core.next()
/// ```
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole stream follows from `seed` (four SplitMix64 outputs).
    public init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix(&mixer)
        s1 = Self.splitMix(&mixer)
        s2 = Self.splitMix(&mixer)
        s3 = Self.splitMix(&mixer)
    }

    /// A generator resumed from four saved state words; nil unless there are exactly four and
    /// not all are zero (the all-zero state only ever yields zeros).
    public init?(stateWords words: [UInt64]) {
        guard words.count == 4, words.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    /// The four state words; saving and restoring them resumes the stream exactly.
    public var stateWords: [UInt64] { [s0, s1, s2, s3] }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(s1 &* 5, 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = Self.rotateLeft(s3, 45)
        return result
    }

    /// One step of SplitMix64: advances `state` and returns a well-mixed 64-bit value (the
    /// seeding function, also used to derive independent seeds).
    public static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    private static func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 { value << count | value >> (64 - count) }
}
