import PerceptTensor

/// Seeds derived from several numbers (loader seed, epoch, position), so every random choice
/// depends only on what it is about and never on which thread made it or when.
enum SeedMixing {
    /// One well-mixed 64-bit seed from `parts` (SplitMix64's finaliser applied after each part).
    static func derive(_ parts: UInt64...) -> UInt64 {
        var state: UInt64 = 0x243F_6A88_85A3_08D3
        for part in parts {
            state = finalise(state &+ 0x9E37_79B9_7F4A_7C15 ^ part)
        }
        return state
    }

    private static func finalise(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomGenerator {
    /// A uniform integer in `0..<bound` without modulo bias (Lemire's multiply-and-reject), written
    /// out so the stream does not depend on the standard library's implementation.
    mutating func below(_ bound: Int) -> Int {
        let range = UInt64(bound)
        let threshold = (0 &- range) % range
        while true {
            let (high, low) = next().multipliedFullWidth(by: range)
            if low >= threshold { return Int(high) }
        }
    }

    /// The values shuffled (Fisher–Yates), in place.
    mutating func shuffle(_ values: inout [Int]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }
}
