import Foundation

/// Maths functions on eight floats at once, for the element-wise ops whose scalar library call
/// costs more than the memory traffic around it. Lanes outside the range where the vector
/// formula is exact to about one ulp (and NaN lanes) are handed to the C library instead, so
/// results there are the scalar ones.
enum VectorMath {
    /// eˣ: x = n·ln 2 + r with |r| ≤ ln 2 / 2, eʳ from a degree-7 series (Cephes' expf
    /// coefficients), 2ⁿ built in the exponent bits.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let inRange = (x .>= -87) .& (x .<= 88)
        guard all(inRange) else {
            var result = SIMD8<Float>()
            for lane in 0..<8 { result[lane] = Foundation.exp(x[lane]) }
            return result
        }
        // Adding 1.5·2²³ rounds x·log₂e to an integer held in the low mantissa bits: plain
        // additions, which baseline x86-64 (SSE2, what Swift targets here) does eight lanes at a
        // time, where `rounded()` and integer conversion would go lane by lane.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        // ln 2 split in two so that n·ln2High is exact.
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        let series = p * (r * r) + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000
        return series * unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
    }

    /// Applies `vector` to `count` contiguous floats, eight at a time, with `scalar` for the tail.
    @inline(__always)
    static func apply(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
                      vector: (SIMD8<Float>) -> SIMD8<Float>, scalar: (Float) -> Float) {
        Parallel.forEachRange((count + 7) / 8, costPerItem: 8) { range in
            let end = Swift.min(count, range.upperBound * 8)
            var index = range.lowerBound * 8
            while index + 8 <= end {
                let values = UnsafeRawPointer(input + index).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(output + index).storeBytes(of: vector(values), as: SIMD8<Float>.self)
                index += 8
            }
            while index < end {
                output[index] = scalar(input[index])
                index += 1
            }
        }
    }
}
