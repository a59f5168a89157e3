import Foundation
import Testing
@testable import PerceptTensor

/// The vectorised kernels against their scalar definitions.
@Suite("Vector kernels")
struct VectorKernelTests {
    @Test("exp agrees with the C library to 2 ulp-ish, including the edges, infinities and NaN")
    func exponential() throws {
        var values: [Float] = stride(from: -90, through: 90, by: 0.0137).map { Float($0) }
        values += [0, -0, 1, -1, 88, 88.5, 88.8, -87, -87.5, -104, -110, .infinity, -.infinity, .nan, 1e-8, -1e-8]
        let result = try Tensor(values, shape: [values.count]).exp().toArray()
        for (x, y) in zip(values, result) {
            let expected = Foundation.exp(x)
            if expected.isNaN {
                #expect(y.isNaN, "exp(\(x))")
            } else if expected.isInfinite || expected == 0 {
                #expect(y == expected, "exp(\(x))")
            } else {
                #expect(Swift.abs(y - expected) <= 3e-7 * expected, "exp(\(x)) = \(y), C library \(expected)")
            }
        }
    }

    @Test("a sum over millions of values equals the Double sum, whatever the split")
    func largeSum() throws {
        var generator = RandomGenerator(seed: 7)
        for count in [1, 31, 4097, 65_536 * 3 + 5, 2_000_003] {
            let x = Tensor.randomUniform([count], low: -1, high: 3, generator: &generator)
            let exact = x.toArray().reduce(0.0) { $0 + Double($1) }
            let total = Double(try x.sum().toArray()[0])
            #expect(Swift.abs(total - exact) <= 1e-6 * Swift.max(1, Swift.abs(exact)), "count \(count)")
        }
    }

    @Test("row sums over the last axis equal the Double sums")
    func rowSums() throws {
        var generator = RandomGenerator(seed: 8)
        let x = Tensor.randomUniform([3, 10_001], generator: &generator)
        let rows = try x.sum(axis: 1).toArray(), values = x.toArray()
        for row in 0..<3 {
            let exact = values[row * 10_001..<(row + 1) * 10_001].reduce(0.0) { $0 + Double($1) }
            #expect(Swift.abs(Double(rows[row]) - exact) <= 1e-6 * Swift.max(1, Swift.abs(exact)))
        }
    }
}
